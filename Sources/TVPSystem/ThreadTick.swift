import CTVPSystem
import Glibc
import SystemPackage

/// A periodic interruption of the thread that starts it: every `intervalSeconds` a signal with a
/// handler that does nothing is sent to that thread alone, so a blocking `read` there returns
/// (`readAvailable(into:interruptible:)` says it was interrupted) at least that often.
///
/// It lets a loop that waits for one worker block in `read` on that worker's pipe, as a plain C
/// program would, instead of calling `poll` before every read (which made a round trip between
/// two CPUs 14–23 % dearer here, docs/overhead.md), while still looking at its deadlines, its
/// other children and SIGINT at every tick. Every other system call of the thread must tolerate
/// EINTR while it runs (TVPSystem's wrappers retry or report it).
public final class ThreadTick {
    private let timer: Int64

    /// Starts ticking the calling thread; throws when the timer cannot be made.
    public init(intervalSeconds: Double) throws {
        let timer = tvp_thread_tick_start(Int64(intervalSeconds * 1e9))
        if timer == -1 { throw SystemCallError("timer_create (thread tick)", Errno(rawValue: errno)) }
        self.timer = timer
    }

    deinit { _ = tvp_thread_tick_stop(timer) }
}
