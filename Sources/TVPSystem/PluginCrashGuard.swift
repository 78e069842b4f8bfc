import CTVPTask
import Glibc
import SystemPackage

/// What tvp can do about a plugin task that crashes its own process (`threads`, `serial` and the
/// other in-process modes): nothing that keeps the process alive, since a crashed thread may have
/// corrupted anything it could reach. So the guard only speaks: its handler (C, async-signal-safe:
/// `write`, `sigaction`, `raise`) writes a message prepared before the trial — which task of which
/// plugin, and that a process mode fails only the trial — and then lets the signal end the process
/// as it would have (through Swift's backtracer, when that was installed first).
public enum PluginCrashGuard {
    /// Installs the handler for SIGSEGV, SIGBUS, SIGILL, SIGFPE and SIGABRT (once per process).
    public static func install() throws {
        guard tvp_crash_guard_install() == 0 else { throw SystemCallError("sigaction (plugin crash guard)", Errno(rawValue: errno)) }
    }

    /// Sets what the handler writes if a plugin call crashes the process: "tvp: task N `subject`
    /// (signal).", then `advice` on lines of its own.
    public static func setMessage(subject: String, advice: String) {
        tvp_crash_guard_set_message(subject, advice)
    }
}
