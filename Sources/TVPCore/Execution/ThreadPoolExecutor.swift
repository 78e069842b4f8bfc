import TVPSystem
import TVPWorkloads

/// Runs tasks on a pool of exactly `workers` OS threads sharing one address space: each thread
/// reads fixtures and hashes in place, and results go to per-task slots without a lock.
public struct ThreadPoolExecutor: Executor {
    /// Creates the executor.
    public init() {}

    public func run(_ request: ExecutionRequest) -> ExecutionResult {
        runOnThreadPool(request, mode: Mode.threads.rawValue) { runner, index in timedTask(&runner, index: index) }
    }
}

/// Runs every task of `request` on exactly `workers` new threads, each with its own runner, and
/// gives up on them (they cannot be killed) when they overrun the task timeout. `runTask` runs one
/// task on the calling thread's runner. Shared by `threads` and the `gil` modes.
func runOnThreadPool(
    _ request: ExecutionRequest, mode: String,
    runTask: @escaping @Sendable (inout TaskRunner, Int) -> TaskOutcome
) -> ExecutionResult {
    let slots = TaskSlots<TaskOutcome>(count: request.tasks)
    let workload = request.workload, input = request.input, timeout = request.taskTimeoutSeconds
    // Every task gets the timeout: the trial may last as long as its slowest thread's share.
    let rounds = (request.tasks + request.workers - 1) / max(1, request.workers)
    let threadCount = ThreadCountSampler()
    let outcome: ThreadPool.Outcome
    let poolStart = MonotonicInstant.now()
    var poolStartElapsed: UInt64 = 0
    do {
        outcome = try ThreadPool.run(workers: request.workers, taskCount: request.tasks,
                                     timeoutSeconds: request.taskTimeoutSeconds * Double(max(1, rounds)),
                                     started: {
                                         poolStartElapsed = MonotonicInstant.now().nanoseconds &- poolStart.nanoseconds
                                         threadCount.sample()
                                     }) { next in
            var runner = TaskRunner(workload: workload, input: input, taskTimeoutSeconds: timeout)
            var completed = 0
            while let index = next() {
                slots.fill(runTask(&runner, index), at: index)
                if completed.isMultiple(of: ThreadCountSampler.completionStride) { threadCount.sampleIfDue() }
                completed += 1
            }
        }
    } catch {
        return ExecutionResult(outcomes: Array(repeating: .failure("could not start threads: \(error)"), count: request.tasks))
    }
    // Every slot is filled once all threads finished; abandoned threads may still write theirs.
    var result = ExecutionResult(outcomes: outcome.finished
        ? slots.takeAll() : Array(repeating: .failure("not finished"), count: request.tasks))
    if !outcome.finished {
        result.abandoned = InProcessWait.abandonment(outcome.interruptedBy.map { .interrupted($0) } ?? .timedOut,
                                                     mode: mode, timeoutSeconds: request.taskTimeoutSeconds)
    }
    result.threadsCreated = outcome.threadsCreated
    result.poolStartNanoseconds = poolStartElapsed
    result.osThreadsMax = threadCount.observedMaximum
    return result
}
