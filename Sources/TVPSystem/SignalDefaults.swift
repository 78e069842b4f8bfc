import Glibc

/// Signal state a long-running child of tvp starts from when whoever started it left signals
/// blocked (a test runner's thread, some supervisors): `tvp serve` must still end on SIGTERM and
/// SIGINT.
public enum SignalDefaults {
    /// Unblocks every signal of the calling thread (`pthread_sigmask`) and gives SIGINT and SIGTERM
    /// their default action, ending the process (`sigaction`). Call it before creating threads,
    /// which inherit the mask.
    public static func restore() {
        var empty = sigset_t()
        sigemptyset(&empty)
        pthread_sigmask(SIG_SETMASK, &empty, nil)
        for signal in [SIGINT, SIGTERM] {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = SIG_DFL
            sigemptyset(&action.sa_mask)
            sigaction(signal, &action, nil)
        }
    }
}
