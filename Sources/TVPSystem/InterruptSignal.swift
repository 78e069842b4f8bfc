import CTVPSystem
import Glibc
import SystemPackage

/// Ctrl-C and `kill` as a flag the run loop polls: the handler (C, async-signal-safe) only records
/// the first signal and wakes `wakeDescriptor`, so a run can stop scheduling, stop its children and
/// save what it measured. A second signal means "now": the handler removes the paths registered
/// with `registerForForcedExit` and ends the process with 128 + its number.
public enum InterruptSignal {
    /// Installs handlers for SIGINT and SIGTERM (`sigaction`, without `SA_RESTART` so blocking
    /// waits return early) and unblocks both (`pthread_sigmask`): a parent may have started tvp with
    /// them blocked, and a blocked signal would never reach the handler.
    /// With `escalating` false, a second signal is recorded like the first and nothing more: a
    /// supervising tvp, which forwards the signals its terminal sends to both, decides when to end
    /// this process.
    public static func install(escalating: Bool = true) throws {
        _ = try attempt("install the SIGINT and SIGTERM handlers") { () throws in
            try valueOrErrno { tvp_interrupt_install(escalating ? 1 : 0) }
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
        let value = tvp_interrupt_received()
        return value == 0 ? nil : value
    }

    /// How many SIGINT and SIGTERM signals arrived so far (a supervising tvp ends its child at once
    /// on the second).
    public static var count: Int { Int(tvp_interrupt_count()) }

    /// A descriptor that becomes readable when the first signal arrives (never drained), for a
    /// `poll` that must end at once; nil before `install`.
    public static var wakeDescriptor: FileDescriptor? {
        let fd = tvp_interrupt_wake_descriptor()
        return fd < 0 ? nil : FileDescriptor(rawValue: fd)
    }

    /// The conventional exit status after `signal`: 128 + its number (130 for SIGINT, 143 for SIGTERM).
    public static func exitStatus(for signal: Int32) -> Int32 { 128 + signal }

    /// What a forced exit removes.
    public enum CleanupKind: Sendable {
        /// A POSIX shared-memory object, by name ("/tvp-…").
        case sharedMemory
        /// A directory holding only files (the fixture folder).
        case flatDirectory
    }

    /// Registers `path` for removal should a second signal end the process at once; returns a
    /// registration for `unregister`, nil when the table of 64 paths is full.
    public static func registerForForcedExit(_ kind: CleanupKind, _ path: String) -> Int32? {
        let slot = tvp_cleanup_register(kind == .sharedMemory ? Int32(TVP_CLEANUP_SHARED_MEMORY.rawValue) : Int32(TVP_CLEANUP_FLAT_DIRECTORY.rawValue), path)
        return slot < 0 ? nil : slot
    }

    /// Forgets a registration (the path was removed the ordinary way).
    public static func unregister(_ registration: Int32?) {
        if let registration { tvp_cleanup_unregister(registration) }
    }

    /// Runs the forced exit's clean-up of `registration` now, without exiting, and forgets it: for
    /// tests of what a second Ctrl-C removes.
    public static func runForcedExitCleanupNow(_ registration: Int32?) {
        if let registration { tvp_cleanup_run_now(registration) }
    }
}
