import TVPSystem

/// Ctrl-C and SIGTERM for the command line: install the handlers, and learn how the run was stopped.
public enum Interruption {
    /// Starts recording SIGINT and SIGTERM instead of dying at once, so a run can save its results.
    public static func install() throws { try InterruptSignal.install() }

    /// The signal received so far (SIGINT or SIGTERM), or nil.
    public static var received: Int32? { InterruptSignal.received }

    /// The exit status after `signal` (130 for SIGINT, 143 for SIGTERM).
    public static func exitStatus(for signal: Int32) -> Int32 { InterruptSignal.exitStatus(for: signal) }

    /// The name of `signal`, e.g. "SIGINT".
    public static func name(of signal: Int32) -> String { signalName(signal) }
}
