import Dispatch
import Synchronization
import TVPSystem

/// The thread `serial` runs its tasks on, kept from trial to trial (its start is not in any
/// clock): the calling thread waits for it in `InProcessWait`, so a task that never returns or a
/// Ctrl-C ends the trial instead of hanging tvp. A lane whose work overran is abandoned (its task
/// still runs); the next trial gets a new one. Lanes are reused one caller at a time.
final class SerialLane: @unchecked Sendable {
    // Sendable: `job` is written before `work` is signalled and read after, by the lane thread only.
    private var job: (() -> Void)?
    private let work = DispatchSemaphore(value: 0)
    private let done = DispatchSemaphore(value: 0)
    /// Tasks finished so far: what restarts the per-task deadline.
    let progress = Atomic<Int>(0)

    private static let idle = Mutex<[SerialLane]>([])

    private init() throws {
        let thread = try OSThread(stackBytes: 8 << 20) { [self] in
            while true {
                work.wait()
                job?()
                job = nil
                done.signal()
            }
        }
        thread.detach()
        HelperThreads.add()
    }

    /// Runs `body` on an idle lane (a new one when none is) and waits for it: each task (a step
    /// of `progress`) may take `timeoutSeconds` of time it could run. Returns nil when no thread
    /// could be made: the caller runs the work itself.
    static func run(timeoutSeconds: Double, _ body: @escaping (SerialLane) -> Void) -> InProcessWait.Outcome? {
        guard let lane = idle.withLock({ $0.popLast() }) ?? (try? SerialLane()) else { return nil }
        lane.job = { body(lane) }
        lane.work.signal()
        // A quarter of a second (or a tenth) past the timeout: a download's socket, bounded by the
        // timeout itself, fails its task first, and the trial goes on.
        let limit = timeoutSeconds + max(0.25, timeoutSeconds / 10)
        let outcome = InProcessWait.wait(lane.done, timeoutSeconds: limit, progress: { lane.progress.load(ordering: .relaxed) })
        if outcome == .finished { idle.withLock { $0.append(lane) } }
        return outcome
    }
}
