import CTVPSystem
import Glibc

/// How a process tvp spawned dies with tvp, even when tvp is SIGKILLed: the child asks the kernel
/// for SIGKILL on its parent's death (`prctl(PR_SET_PDEATHSIG)`), then checks that its parent is
/// still the tvp that spawned it (`getppid()` against `TVP_PARENT_PID`), which closes the race of
/// a tvp that died before the request was made.
///
/// The kernel sends the signal when the *thread* that spawned the child ends: tvp spawns from
/// threads that outlive their children (the run's own thread).
public enum ParentDeath {
    /// The environment variable `ChildSupervisor` sets to tvp's pid.
    public static let environmentKey = "TVP_PARENT_PID"

    /// Arms the death signal when `TVP_PARENT_PID` is set, and ends the process at once (exit
    /// status 137, as if SIGKILLed) when that parent is already gone. Call it first thing.
    public static func arm() {
        // `withCString` hands the key's own bytes to getenv; passing the String would build a
        // ContiguousArray<CChar> (generic metadata) in every fresh worker.
        guard let value = environmentKey.withCString({ getenv($0) }), let parent = pid_t(String(cString: value)) else { return }
        _ = tvp_set_parent_death_signal(SIGKILL)
        if getppid() != parent { _exit(137) }
    }
}
