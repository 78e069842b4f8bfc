import TVPSystem
import TVPWorkloads
import TVPMeasure
import TVPPlan

/// The digest every mode must reproduce for a cell: its tasks' digests, combined in task order,
/// computed serially before any trial. It never waits: an `io` task's sleep and a `mixed` task's
/// sleep add nothing to its digest, so they are skipped here (a 4,096-task scenario of 100 ms
/// sleeps would otherwise spend 7 minutes sleeping before its first trial).
enum ReferenceDigests {
    /// The combined digest of `cell`'s serial baseline over `input`; a signal stops it between two
    /// tasks (`RunInterrupted`), a task that fails is an error naming it.
    static func compute(_ cell: Cell, input: TaskInput) throws -> TaskDigest {
        let baseline = cell.serialBaseline
        if case .tally = baseline.workload {
            // A tally's digest is its final table's, which the trial's totals compute from the tasks.
            let result = SerialExecutor().runTrial(ExecutionRequest(workload: baseline.workload, input: input,
                                                                    tasks: baseline.tasks, workers: 1))
            guard let digest = result.combinedDigest else {
                throw InputError(description: "the reference run of \(baseline.workload.label) failed: \(result.errorSummary ?? "")")
            }
            return digest
        }
        var runner = InProcessTasks(workload: baseline.workload, input: input)
        var digests: [TaskDigest] = []
        digests.reserveCapacity(baseline.tasks)
        for index in 0..<baseline.tasks {
            try Interruption.checkpoint()
            do {
                switch baseline.workload {
                case .io: digests.append(try runner.readAndDigest(task: index))
                case .mixed: digests.append(runner.hashPart(task: index, hooks: NoTaskHooks()))
                default: digests.append(try runner.run(task: index))
                }
            } catch {
                throw InputError(description: "the reference run of \(baseline.workload.label) failed at task \(index): \(error)")
            }
        }
        return TaskDigest.combining(digests)
    }
}
