import Glibc
import Synchronization

/// The last SIGINT or SIGTERM received, 0 when none (set by the handler, read by the run loop).
private let receivedSignal = Atomic<Int32>(0)

/// Ctrl-C and `kill` as a flag the run loop polls: the handler only records the signal, so a run
/// can stop scheduling, stop its children, and save what it measured.
public enum InterruptSignal {
    /// Installs handlers for SIGINT and SIGTERM (`sigaction`, without `SA_RESTART` so blocking
    /// waits return early) and unblocks both (`pthread_sigmask`): a parent may have started tvp with
    /// them blocked, and a blocked signal would never reach the handler.
    public static func install() {
        var unblock = sigset_t()
        sigemptyset(&unblock)
        sigaddset(&unblock, SIGINT)
        sigaddset(&unblock, SIGTERM)
        pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
        for signal in [SIGINT, SIGTERM] {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { receivedSignal.store($0, ordering: .relaxed) }
            sigemptyset(&action.sa_mask)
            action.sa_flags = 0
            sigaction(signal, &action, nil)
        }
    }

    /// Makes a write to a pipe whose reader is gone fail with `EPIPE` instead of killing tvp with
    /// SIGPIPE: a worker that dies while tvp feeds it is a failed task, not a failed run. Children
    /// get the default action back (`ProcessSpawner` resets every signal).
    public static func ignoreBrokenPipes() {
        signal(SIGPIPE, SIG_IGN)
    }

    /// The signal received so far (SIGINT = 2, SIGTERM = 15), or nil.
    public static var received: Int32? {
        let value = receivedSignal.load(ordering: .relaxed)
        return value == 0 ? nil : value
    }

    /// The conventional exit status after `signal`: 128 + its number (130 for SIGINT, 143 for SIGTERM).
    public static func exitStatus(for signal: Int32) -> Int32 { 128 + signal }
}
