import TVPSystem
import TVPWorkloads
import TVPPlan

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
    runTask: @escaping @Sendable (inout InProcessTasks, Int) -> TaskOutcome
) -> ExecutionResult {
    let workload = request.workload, input = request.input, timeout = request.taskTimeoutSeconds
    // Every task gets the timeout: the trial may last as long as its slowest thread's share.
    let rounds = (request.tasks + request.workers - 1) / max(1, request.workers)
    let threadCount = ThreadCountSampler()
    var outcome = ThreadPool.Outcome(threadsCreated: 0, finished: false)
    var startFailure: (any Error)?
    let poolStart = MonotonicInstant.now()
    var poolStartElapsed: UInt64 = 0
    // The threads write each task's outcome straight into the trial's array: no second array and no
    // copy of 100,000 outcomes inside the clock.
    let outcomes = TaskSlots<TaskOutcome>.collect(count: request.tasks) { slots in
        do {
            outcome = try ThreadPool.run(workers: request.workers, taskCount: request.tasks,
                                         timeoutSeconds: request.taskTimeoutSeconds * Double(max(1, rounds)),
                                         started: {
                                             poolStartElapsed = MonotonicInstant.now().nanoseconds &- poolStart.nanoseconds
                                             threadCount.sample()
                                         }, cpus: request.placement.cpus(forWorker:)) { next in
                var runner = InProcessTasks(workload: workload, input: input, taskTimeoutSeconds: timeout)
                var completed = 0
                while let index = next() {
                    slots.fill(runTask(&runner, index), at: index)
                    if completed.isMultiple(of: ThreadCountSampler.completionStride) { threadCount.sampleIfDue() }
                    completed += 1
                }
            }
        } catch {
            startFailure = error
            return false
        }
        return outcome.finished
    }
    if let startFailure {
        let message = request.placement.pins ? request.placement.refusal(startFailure) : "could not start threads: \(startFailure)"
        return ExecutionResult(outcomes: Array(repeating: .failure(message), count: request.tasks))
    }
    // Abandoned threads may still write their slots, which the collected storage keeps for them.
    var result = ExecutionResult(outcomes: outcomes ?? Array(repeating: .failure("not finished"), count: request.tasks))
    if !outcome.finished {
        result.abandoned = InProcessWait.abandonment(outcome.interruptedBy.map { .interrupted($0) } ?? .timedOut,
                                                     mode: mode, timeoutSeconds: request.taskTimeoutSeconds)
    }
    result.threadsCreated = outcome.threadsCreated
    result.poolStartNanoseconds = poolStartElapsed
    result.osThreadsMax = threadCount.observedMaximum
    return result
}
