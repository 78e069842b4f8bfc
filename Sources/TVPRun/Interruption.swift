import TVPSystem

/// Ctrl-C and SIGTERM for the command line: install the handlers, and learn how the run was stopped.
public enum Interruption {
    /// Starts recording SIGINT and SIGTERM instead of dying at once, so a run can save its results;
    /// a second signal ends tvp at once, removing its temporary files.
    /// With `escalating` false a second signal is only recorded: `tvp run`'s two processes, where
    /// the supervisor decides.
    public static func install(escalating: Bool = true) throws { try InterruptSignal.install(escalating: escalating) }

    /// The signal received so far (SIGINT or SIGTERM), or nil.
    public static var received: Int32? { InterruptSignal.received }

    /// The exit status after `signal` (130 for SIGINT, 143 for SIGTERM).
    public static func exitStatus(for signal: Int32) -> Int32 { InterruptSignal.exitStatus(for: signal) }

    /// The name of `signal`, e.g. "SIGINT".
    public static func name(of signal: Int32) -> String { signalName(signal) }

    /// Throws `RunInterrupted` once tvp has received SIGINT or SIGTERM: called between the steps of
    /// long preparations (a fixture file, a MiB of input, a reference task), so a signal is
    /// honoured within one step.
    static func checkpoint() throws {
        if let signal = InterruptSignal.received { throw RunInterrupted(signal: signal) }
    }
}

/// A run's preparation stopped because tvp received a signal.
struct RunInterrupted: Error, CustomStringConvertible {
    /// SIGINT or SIGTERM.
    let signal: Int32
    var description: String { "interrupted by \(signalName(signal))" }
}
