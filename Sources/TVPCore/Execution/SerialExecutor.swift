import TVPWorkloads

/// Runs every task one after another on the calling thread: the baseline of every speedup.
public struct SerialExecutor: Executor {
    /// Creates the executor.
    public init() {}

    public func run(_ request: ExecutionRequest) -> ExecutionResult {
        var runner = TaskRunner(workload: request.workload, input: request.input)
        let threadCount = ThreadCountSampler()
        var outcomes: [TaskOutcome] = []
        outcomes.reserveCapacity(request.tasks)
        for index in 0..<request.tasks {
            outcomes.append(timedTask(&runner, index: index))
            if index.isMultiple(of: ThreadCountSampler.completionStride) { threadCount.sampleIfDue() }
        }
        var result = ExecutionResult(outcomes: outcomes)
        result.osThreadsMax = threadCount.observedMaximum
        return result
    }
}
