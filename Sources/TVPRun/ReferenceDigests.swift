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
        // A workload with a reference of its own: a tally's final table, downloads' files.
        if let digest = try baseline.workload.kind.referenceDigest(tasks: baseline.tasks, input: input) { return digest }
        var runner = InProcessTasks(workload: baseline.workload, input: input)
        var digests: [TaskDigest] = []
        digests.reserveCapacity(baseline.tasks)
        for index in 0..<baseline.tasks {
            try Interruption.checkpoint()
            do {
                digests.append(try runner.runWithoutWaiting(task: index))
            } catch {
                throw InputError(description: "the reference run of \(baseline.workload.label) failed at task \(index): \(error)")
            }
        }
        return TaskDigest.combining(digests)
    }
}
