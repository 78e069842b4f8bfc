import Synchronization
import TVPSystem
import TVPWorkloads

/// How modes run a trial's companion (`TrialCompanion`: the `responsiveness` foreground), whatever
/// the workload: the loop that sleeps to each deadline and wakes it, on a thread or as a task.
///
/// - `threads`, `processes`, `process-pool` (every executor by default, `Executor.runWithCompanion`):
///   on an OS thread of its own in tvp, started before the tasks and stopped when they end
///   (`CompanionThread`).
/// - `gil`, `gil-release`: the same thread, which takes the trial's interpreter lock after each
///   wake-up and releases it before the next sleep, as a Python thread calling `time.sleep` does.
/// - `async`: a task on the cooperative pool beside the tasks, sleeping with `Task.sleep`
///   (`CompanionRun.loop()`): when every pool thread is busy computing, it runs only when one is free.
/// - `serial`: alone on the serial thread, to its end, before the tasks (`CompanionRun.alone`).
enum CompanionRun {
    /// Runs `companion` on the calling thread until it has done its part or `stopped` holds: sleeps
    /// to each deadline (`clock_nanosleep`, absolute), then `hooks.endBlocking()` (the `gil` modes
    /// take the lock), wakes the companion, and `hooks.beginBlocking()` (they release it). A wake-up
    /// after the tasks ended is not recorded: it was not beside them.
    static func loop<Hooks: TaskHooks>(_ companion: any TrialCompanion, hooks: Hooks, stopped: () -> Bool) {
        while !stopped(), let deadline = companion.nextDeadline(now: .now()) {
            sleepThread(until: deadline)
            if stopped() { break }
            hooks.endBlocking()
            companion.woke(at: .now(), deadline: deadline)
            hooks.beginBlocking()
        }
    }

    /// Runs `workload`'s companion alone on the calling thread, to its end: `serial`'s foreground,
    /// the floor. The report says how long it ran, which the tasks then did not have.
    static func alone(_ workload: Workload) -> CompanionReport? {
        guard let companion = workload.kind.makeCompanion() else { return nil }
        let start = MonotonicInstant.now()
        loop(companion, hooks: NoTaskHooks(), stopped: { false })
        var report = companion.report
        report.aloneNanoseconds = MonotonicInstant.now().nanoseconds &- start.nanoseconds
        return report
    }

    /// Runs `workload`'s companion as a task until it has done its part or the task is cancelled:
    /// each sleep a `Task.sleep` to the deadline, so the wake-up waits for a free thread of the pool.
    static func loop(_ workload: Workload) async -> CompanionReport? {
        guard let companion = workload.kind.makeCompanion() else { return nil }
        while !Task.isCancelled, let deadline = companion.nextDeadline(now: .now()) {
            let now = MonotonicInstant.now().nanoseconds
            if deadline.nanoseconds > now {
                do { try await Task.sleep(for: .nanoseconds(deadline.nanoseconds - now)) } catch { break }
            }
            if Task.isCancelled { break }
            companion.woke(at: .now(), deadline: deadline)
        }
        return companion.report
    }
}

/// A trial's companion on an OS thread of its own beside the tasks: started before them, stopped
/// when they end.
final class CompanionThread: Sendable {
    private let stopRequested = Atomic<Bool>(false)
    private let recorded = Mutex<CompanionReport?>(nil)
    private let thread = Mutex<OSThread?>(nil)

    private init() {}

    /// Starts `workload`'s companion on a new thread with `hooks`; nil when the workload has none.
    /// When the thread cannot be started the companion records nothing, and `finish` says so.
    static func start<Hooks: TaskHooks & Sendable>(for workload: Workload, hooks: Hooks) -> CompanionThread? {
        guard workload.hasCompanion else { return nil }
        let run = CompanionThread()
        let started = try? OSThread { [run] in
            guard let companion = workload.kind.makeCompanion() else { return }
            CompanionRun.loop(companion, hooks: hooks, stopped: { run.stopRequested.load(ordering: .acquiring) })
            run.recorded.withLock { $0 = companion.report }
        }
        run.thread.withLock { $0 = started }
        return run
    }

    /// Stops the companion and waits for it (at most one sleep, and under the `gil` modes the lock);
    /// what it recorded. A trial whose tasks were abandoned lets it go unjoined, since it may wait
    /// for a lock an abandoned task holds: nil then.
    func finish(abandoned: Bool) -> CompanionReport? {
        stopRequested.store(true, ordering: .releasing)
        let thread = self.thread.withLock { $0 }
        if abandoned {
            thread?.detach()
            return nil
        }
        thread?.join()
        return recorded.withLock { $0 }
    }
}
