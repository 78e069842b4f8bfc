import TVPSystem
import TVPWorkloads

/// Runs tasks on a pool of exactly `workers` OS threads sharing one address space: each thread
/// reads fixtures and hashes in place, and results go to per-task slots without a lock.
public struct ThreadPoolExecutor: Executor {
    /// Creates the executor.
    public init() {}

    public func run(_ request: ExecutionRequest) -> ExecutionResult {
        let slots = TaskSlots(count: request.tasks, initial: TaskOutcome.notRun)
        let workload = request.workload, fixture = request.fixture
        let created: Int
        do {
            created = try ThreadPool.run(workers: request.workers, taskCount: request.tasks) { next in
                var runner = TaskRunner(workload: workload, fixture: fixture)
                while let index = next() { slots.store(timedTask(&runner, index: index), at: index) }
            }
        } catch {
            return ExecutionResult(outcomes: Array(repeating: .failure("could not start threads: \(error)"), count: request.tasks))
        }
        var result = ExecutionResult(outcomes: slots.values)
        result.threadsCreated = created
        return result
    }
}
