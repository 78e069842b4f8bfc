import TVPWorkloads

/// Runs every task one after another on the calling thread: the baseline of every speedup.
public struct SerialExecutor: Executor {
    /// Creates the executor.
    public init() {}

    public func run(_ request: ExecutionRequest) -> ExecutionResult {
        var runner = TaskRunner(workload: request.workload, fixture: request.fixture)
        var outcomes: [TaskOutcome] = []
        outcomes.reserveCapacity(request.tasks)
        for index in 0..<request.tasks { outcomes.append(timedTask(&runner, index: index)) }
        return ExecutionResult(outcomes: outcomes)
    }
}
