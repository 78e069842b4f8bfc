import Dispatch
import Synchronization
import TVPSystem
import TVPWorkloads
import TVPPlan

/// Runs tasks as Swift structured-concurrency child tasks (`withTaskGroup`), at most `workers` in
/// flight, on the cooperative pool (one thread per core): the alternative to a thread per waiting
/// task. An `io` task's sleep is a `Task.sleep`, which suspends the task and holds no thread; its
/// file reads and all hashing run on the pool's threads, blocking them as asyncio's file reads block
/// its event loop. A `message` task's party talks through `AsyncChannel`s and suspends while it
/// waits (`AsyncConversations`).
///
/// `run` blocks the calling thread until the group finishes, so it must not be called from a
/// cooperative-pool thread (tvp calls it from the main thread).
public struct AsyncExecutor: Executor {
    /// Creates the executor.
    public init() {}

    public func run(_ request: ExecutionRequest) -> ExecutionResult { run(request, companion: false) }

    /// The foreground as a task on the cooperative pool beside the tasks, at their priority: when
    /// the tasks compute on every thread of the pool (`workers` ≥ the pool's threads, one per CPU),
    /// its wake-up waits until one of them ends; a task does not yield while it hashes.
    public func runWithCompanion(_ request: ExecutionRequest) -> ExecutionResult { run(request, companion: true) }

    private func run(_ request: ExecutionRequest, companion: Bool) -> ExecutionResult {
        let threadCount = ThreadCountSampler()
        let finished = DispatchSemaphore(value: 0)
        let outcomes = Mutex<[TaskOutcome]?>(nil)
        let report = Mutex<CompanionReport?>(nil)
        // High priority: in a process that has other work queued on the pool (a test runner), the
        // trial's jobs are taken first; in tvp nothing else runs there, so it changes nothing.
        let pinning = request.placement.pins ? PoolThreadPinning(request.placement) : nil
        defer { pinning?.restore() }
        let group = Task.detached(priority: .high) {
            let foreground = companion ? Task(priority: .high) { await CompanionRun.loop(request.workload) } : nil
            let all = await Self.runGroup(request, threadCount: threadCount, pinning: pinning)
            foreground?.cancel()
            let recorded = await foreground?.value
            report.withLock { $0 = recorded ?? nil }
            outcomes.withLock { $0 = all }
            finished.signal()
        }
        // As for thread pools: each task may take the timeout, the trial as long as its longest lane.
        let rounds = (request.tasks + request.workers - 1) / max(1, request.workers)
        let limit = min(request.taskTimeoutSeconds * Double(max(1, rounds)), 1e9)
        let waited = InProcessWait.wait(finished, timeoutSeconds: limit)
        if case .interrupted = waited {
            group.cancel()
            var result = ExecutionResult(outcomes: Array(repeating: .failure("not finished"), count: request.tasks))
            result.abandoned = InProcessWait.abandonment(waited, mode: Mode.async.rawValue, timeoutSeconds: request.taskTimeoutSeconds)
            result.osThreadsMax = threadCount.observedMaximum
            return result
        }
        if waited == .timedOut {
            // Sleeping tasks end at once when cancelled; a task computing cannot be stopped.
            group.cancel()
            if finished.wait(timeout: .now() + .seconds(1)) == .timedOut {
                var result = ExecutionResult(outcomes: Array(repeating: .failure("not finished"), count: request.tasks))
                result.abandoned = "a task under `async` ran past the task timeout of \(request.taskTimeoutSeconds) s and did not stop when cancelled; "
                    + "tvp abandons the run here (raise `task_timeout_s` if the tasks are meant to be this long)"
                result.osThreadsMax = threadCount.observedMaximum
                return result
            }
        }
        var result = ExecutionResult(outcomes: outcomes.withLock { $0 } ?? [])
        result.osThreadsMax = threadCount.observedMaximum
        result.companion = report.withLock { $0 }
        return result
    }

    /// Runs every task of `request` in a task group, starting the next as one ends.
    private static func runGroup(_ request: ExecutionRequest, threadCount: ThreadCountSampler, pinning: PoolThreadPinning?) async -> [TaskOutcome] {
        // Downloads are the one workload `async` runs its own way: on the event loop, with NIO's client.
        if request.workload.is(DownloadWorkload.self) { return await AsyncDownloads.run(request, threadCount: threadCount) }
        return await withTaskGroup(of: (Int, TaskOutcome).self, returning: [TaskOutcome].self) { group in
            var outcomes = [TaskOutcome](repeating: .notRun, count: request.tasks)
            var nextTask = 0
            func startNext() {
                let index = nextTask
                nextTask += 1
                group.addTask {
                    if let refusal = pinning?.pinCurrentThread() { return (index, .failure(refusal)) }
                    return (index, await runTask(index, of: request))
                }
            }
            while nextTask < min(request.workers, request.tasks) { startNext() }
            while let (index, outcome) = await group.next() {
                outcomes[index] = outcome
                threadCount.sampleIfDue()
                if nextTask < request.tasks {
                    if Task.isCancelled {
                        outcomes[nextTask] = .failure("not run: the trial was cancelled after the task timeout")
                        nextTask += 1
                    } else {
                        startNext()
                    }
                }
            }
            return outcomes
        }
    }

    /// Runs task `index`, timed from its start on the pool: the sleep of an `io` or `mixed` task is a
    /// `Task.sleep`; its reads or hashing run as in every other mode.
    private static func runTask(_ index: Int, of request: ExecutionRequest) async -> TaskOutcome {
        if case .conversation(let conversation) = request.input, let workload = request.workload.as(MessageWorkload.self) {
            let start = MonotonicInstant.now()
            do {
                let (digest, output) = try await AsyncConversations.party(index, of: workload, conversation: conversation)
                return .success(digest, duration: MonotonicInstant.now().nanoseconds &- start.nanoseconds, output: output)
            } catch is CancellationError {
                return .failure("cancelled after the task timeout", duration: MonotonicInstant.now().nanoseconds &- start.nanoseconds)
            } catch {
                return .failure("\(error)", duration: MonotonicInstant.now().nanoseconds &- start.nanoseconds)
            }
        }
        // The runner is made before the clock starts: a `mixed` runner builds its block on creation.
        var runner = InProcessTasks(workload: request.workload, input: request.input)
        let start = MonotonicInstant.now()
        do {
            let digest: TaskDigest
            // A task that waits (`io`, `mixed`) waits as `async` code does, around its work.
            if let wait = runner.wait {
                if wait.isFirst { try await Task.sleep(for: .nanoseconds(wait.nanoseconds)) }
                digest = try runner.runWithoutWaiting(task: index)
                if !wait.isFirst { try await Task.sleep(for: .nanoseconds(wait.nanoseconds)) }
            } else {
                digest = try runner.run(task: index)
            }
            return .success(digest, duration: MonotonicInstant.now().nanoseconds &- start.nanoseconds)
        } catch is CancellationError {
            return .failure("cancelled after the task timeout", duration: MonotonicInstant.now().nanoseconds &- start.nanoseconds)
        } catch {
            return .failure("\(error)", duration: MonotonicInstant.now().nanoseconds &- start.nanoseconds)
        }
    }
}
