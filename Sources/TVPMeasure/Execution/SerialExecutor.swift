import TVPWorkloads
import TVPPlan

/// Runs every task one after another on one thread: the baseline of every speedup. The tasks run
/// on a `SerialLane` the calling thread waits for, so a task past `task_timeout_s`, or a Ctrl-C,
/// ends the trial as under `threads` (the task cannot be killed: the run is abandoned).
public struct SerialExecutor: Executor {
    /// Creates the executor.
    public init() {}

    public func run(_ request: ExecutionRequest) -> ExecutionResult { run(request, companion: false) }

    /// The foreground alone, to its end, then the tasks: one thing at a time, the floor of the
    /// foreground's lateness.
    public func runWithCompanion(_ request: ExecutionRequest) -> ExecutionResult { run(request, companion: true) }

    private func run(_ request: ExecutionRequest, companion: Bool) -> ExecutionResult {
        // The foreground (when asked) alone to its end, then the tasks.
        let trial = { @Sendable (lane: SerialLane?) -> ExecutionResult in
            let report = companion ? CompanionRun.alone(request.workload) : nil
            var result = Self.runTasks(request, lane: lane)
            result.companion = report
            return result
        }
        nonisolated(unsafe) var result = ExecutionResult(outcomes: [])
        let outcome = SerialLane.run(timeoutSeconds: request.taskTimeoutSeconds) { lane in result = trial(lane) }
        guard let outcome else { return trial(nil) }
        guard let abandoned = InProcessWait.abandonment(outcome, mode: Mode.serial.rawValue, timeoutSeconds: request.taskTimeoutSeconds) else {
            return result
        }
        var unfinished = ExecutionResult(outcomes: Array(repeating: .failure("not finished"), count: request.tasks))
        unfinished.abandoned = abandoned
        return unfinished
    }

    /// Every task in order on the calling thread, `lane` counting them; under a placement the
    /// thread runs them on worker 0's CPU and gets its mask back after (the lane lives on).
    private static func runTasks(_ request: ExecutionRequest, lane: SerialLane?) -> ExecutionResult {
        request.placement.withCallingThread(on: request.placement.cpus(forWorker: 0)) {
            runPinnedTasks(request, lane: lane)
        } failed: { refusal in
            ExecutionResult(outcomes: Array(repeating: .failure(refusal), count: request.tasks))
        }
    }

    private static func runPinnedTasks(_ request: ExecutionRequest, lane: SerialLane?) -> ExecutionResult {
        var runner = InProcessTasks(workload: request.workload, input: request.input, taskTimeoutSeconds: request.taskTimeoutSeconds)
        let threadCount = ThreadCountSampler()
        var outcomes: [TaskOutcome] = []
        outcomes.reserveCapacity(request.tasks)
        for index in 0..<request.tasks {
            outcomes.append(timedTask(&runner, index: index))
            lane?.progress.add(1, ordering: .relaxed)
            if index.isMultiple(of: ThreadCountSampler.completionStride) { threadCount.sampleIfDue() }
        }
        var result = ExecutionResult(outcomes: outcomes)
        result.osThreadsMax = threadCount.observedMaximum
        return result
    }
}
