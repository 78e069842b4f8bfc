import Dispatch
import Synchronization
import TVPSystem

/// How tvp waits for tasks that run inside its own process (`serial`, `threads`, `gil`, `async`),
/// which it cannot kill: in slices of 50 ms, so that a Ctrl-C is honoured at once whatever a task
/// is doing, and with a deadline judged on time the task could run (`StoppedTime`: time tvp spent
/// stopped does not count). The trial is then abandoned; its threads run on, and the run ends.
enum InProcessWait {
    /// How a wait ended.
    enum Outcome: Equatable {
        /// The work signalled its end.
        case finished
        /// The deadline passed first.
        case timedOut
        /// tvp received SIGINT or SIGTERM first.
        case interrupted(Int32)
    }

    /// The slice between two looks at the interrupt flag and the deadline.
    static let slice = DispatchTimeInterval.milliseconds(50)

    /// Waits for `semaphore` until the time a task could run since `progress` last moved (or the
    /// wait began) passes `timeoutSeconds`. `progress` counts what the work finished (a task, a
    /// thread): each step starts the deadline anew.
    static func wait(_ semaphore: DispatchSemaphore, timeoutSeconds: Double, progress: () -> Int = { 0 }) -> Outcome {
        let limit = UInt64(min(max(timeoutSeconds, 0), 1e9) * 1e9)
        var since = MonotonicInstant.now().nanoseconds
        var stoppedSince = StoppedTime.nanoseconds()
        var seen = progress()
        while true {
            if semaphore.wait(timeout: .now() + slice) == .success { return .finished }
            if let signal = InterruptSignal.received { return .interrupted(signal) }
            let now = MonotonicInstant.now().nanoseconds
            if progress() != seen {
                seen = progress()
                since = now
                stoppedSince = StoppedTime.nanoseconds()
                continue
            }
            let ran = (now &- since) &- min(now &- since, StoppedTime.nanoseconds() &- stoppedSince)
            if ran >= limit { return .timedOut }
        }
    }

    /// The `abandoned` text of a trial whose wait ended with `outcome` under `mode`.
    static func abandonment(_ outcome: Outcome, mode: String, timeoutSeconds: Double) -> String? {
        switch outcome {
        case .finished: nil
        case .timedOut:
            "a task under `\(mode)` ran past the task timeout of \(timeoutSeconds) s; "
                + "a task in tvp's own process cannot be killed, so tvp abandons the run here (raise `task_timeout_s` if the tasks are meant to be this long, or run the scenario under `processes`, where an overrunning task fails only its trial)"
        case .interrupted(let signal):
            "tvp received \(signalName(signal)) while a task under `\(mode)` ran; the trial was abandoned"
        }
    }
}
