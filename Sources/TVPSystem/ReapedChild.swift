import Glibc
import SystemPackage

/// A reaped child: how it ended and what it used.
public struct ReapedChild: Sendable {
    /// The child's pid.
    public let pid: pid_t
    /// How it ended.
    public let status: ExitStatus
    /// Its own resource usage (`wait4`), `maxRSSKiB` being this child's own peak.
    public let usage: ResourceUsage
}

// The primitives `ChildSupervisor` is built on: the only calls of wait4 and kill in tvp.

/// Waits for the child `pid` to end and reaps it (`wait4`, retried on `EINTR`): for a caller of
/// `ProcessSpawner` that supervises nothing else. Blocks without a deadline.
public func waitForChild(_ pid: pid_t) throws -> ReapedChild {
    var raw = rusage()
    var status: CInt = 0
    _ = try attempt("wait4 \(pid)") { () throws in try valueOrErrno { wait4(pid, &status, 0, &raw) } }
    return ReapedChild(pid: pid, status: decodeWaitStatus(status), usage: ResourceUsage(raw))
}

/// Reaps the child `pid` if it has ended, without blocking (`wait4(WNOHANG)`); nil if it still runs.
func reapChildIfEnded(_ pid: pid_t) throws -> ReapedChild? {
    var raw = rusage()
    var status: CInt = 0
    let result = try attempt("wait4 \(pid)") { () throws in
        try valueOrErrno { wait4(pid, &status, WNOHANG, &raw) }
    }
    if result == 0 { return nil }
    return ReapedChild(pid: pid, status: decodeWaitStatus(status), usage: ResourceUsage(raw))
}

/// Sends `signal` to the child `pid` (`kill`), or with `group` to every process of the process
/// group it leads; a child or group that already ended (`ESRCH`) is not an error.
func sendSignal(_ signal: Int32, to pid: pid_t, group: Bool = false) throws {
    guard pid > 0 else { return }
    if kill(group ? -pid : pid, signal) != 0 && errno != ESRCH {
        throw SystemCallError("kill -\(signalName(signal)) \(group ? "group " : "")\(pid)", Errno(rawValue: errno))
    }
}

/// Whether a process with this pid exists (`kill(pid, 0)` does not fail with `ESRCH`).
public func processExists(_ pid: pid_t) -> Bool {
    kill(pid, 0) == 0 || errno != ESRCH
}

private func decodeWaitStatus(_ status: CInt) -> ExitStatus {
    // The W* macros are not imported into Swift; these are their Linux definitions.
    let termSignal = status & 0x7f
    if termSignal == 0 { return .exited((status >> 8) & 0xff) }
    return .signaled(termSignal)
}
