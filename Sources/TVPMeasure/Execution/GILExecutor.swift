import TVPSystem
import TVPWorkloads
import TVPPlan

/// Runs tasks on a pool of exactly `workers` OS threads that share one `GlobalInterpreterLock`, as
/// CPython's threads do: a task holds the lock while it computes, releases it around its sleep and
/// each `open`/`read`, and hands it over between 64 KiB slices when another thread asks.
///
/// With `releasesLockWhileHashing`, each 64 KiB hash update runs without the lock, as CPython's
/// hashlib releases the GIL for inputs over 2047 bytes; the lock is taken again between updates, as
/// a Python loop calling `h.update(block)` would.
public struct GILExecutor: Executor {
    /// Whether hash updates run without the lock (`gil-release`) or with it (`gil`).
    public let releasesLockWhileHashing: Bool

    /// Creates the executor of `gil` (false) or `gil-release` (true).
    public init(releasesLockWhileHashing: Bool) {
        self.releasesLockWhileHashing = releasesLockWhileHashing
    }

    public func run(_ request: ExecutionRequest) -> ExecutionResult { run(request, companion: false) }

    /// The foreground on a thread of its own that needs the trial's lock after each wake-up, as a
    /// Python thread needs the GIL to run the code after `time.sleep` returns.
    public func runWithCompanion(_ request: ExecutionRequest) -> ExecutionResult { run(request, companion: true) }

    private func run(_ request: ExecutionRequest, companion: Bool) -> ExecutionResult {
        let lock = GlobalInterpreterLock(switchIntervalNanoseconds: request.switchIntervalNanoseconds)
        let hooks = GILTaskHooks(lock: lock, releasesLockWhileHashing: releasesLockWhileHashing)
        let mode = releasesLockWhileHashing ? Mode.gilRelease : Mode.gil
        let foreground = companion ? CompanionThread.start(for: request.workload, hooks: hooks) : nil
        var result = runOnThreadPool(request, mode: mode.rawValue) { runner, index in
            Self.timedTask(&runner, index: index, hooks: hooks)
        }
        result.companion = foreground?.finish(abandoned: result.abandoned != nil)
        result.gil = lock.statistics
        return result
    }

    /// Runs task `index` holding the lock from its start to its end, except where the task releases
    /// it; the duration includes every wait for the lock, as a Python thread's would.
    private static func timedTask(_ runner: inout InProcessTasks, index: Int, hooks: GILTaskHooks) -> TaskOutcome {
        let start = MonotonicInstant.now()
        hooks.lock.acquire()
        let digest = Result { () throws in try runner.run(task: index, hooks: hooks) }
        hooks.lock.release()
        let duration = MonotonicInstant.now().nanoseconds &- start.nanoseconds
        switch digest {
        case .success(let digest): return .success(digest, duration: duration, output: runner.lastOutput)
        case .failure(let error): return .failure("\(error)", duration: duration)
        }
    }
}

/// The task hooks of the `gil` modes: blocking calls release the lock, checkpoints honour drop
/// requests, and hash updates release it too when the mode models hashlib.
struct GILTaskHooks: TaskHooks {
    /// The lock every thread of the trial shares.
    let lock: GlobalInterpreterLock
    /// Whether hash updates run without the lock.
    let releasesLockWhileHashing: Bool

    func beginBlocking() { lock.release() }
    func endBlocking() { lock.acquire() }
    func checkpoint() { lock.checkpoint() }
    func beginReleasedCompute() { if releasesLockWhileHashing { lock.release() } }
    func endReleasedCompute() { if releasesLockWhileHashing { lock.acquire() } }
}
