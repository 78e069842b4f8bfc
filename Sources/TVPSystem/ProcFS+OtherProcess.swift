import CTVPSystem
import Glibc

extension ProcFS {
    /// CPU time, user and system, that process `pid` and all its threads used so far, in seconds
    /// (fields 14 and 15 of `/proc/PID/stat`, in `USER_HZ` ticks: 10 ms resolution); nil when the
    /// process is gone.
    public static func cpuSeconds(ofProcess pid: pid_t) -> Double? {
        guard let stat = readText("/proc/\(pid)/stat"), let close = stat.lastIndex(of: ")") else { return nil }
        // After "pid (comm) ": state is field 3, so utime (14) and stime (15) are the 12th and 13th here.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// Peak resident memory of process `pid` since its last reset, in KiB (`VmHWM` of
    /// `/proc/PID/status`); nil when the process is gone.
    public static func peakResidentKiB(ofProcess pid: pid_t) -> Int? {
        guard let text = readText("/proc/\(pid)/status") else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            return Int(line.dropFirst(6).filter(\.isNumber))
        }
        return nil
    }

    /// Resets the peak resident memory of process `pid` (one of tvp's children) to its current size
    /// (writes "5" to `/proc/PID/clear_refs`). Returns false when the kernel refused.
    @discardableResult
    public static func resetPeakResidentMemory(ofProcess pid: pid_t) -> Bool {
        let fd = open("/proc/\(pid)/clear_refs", O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { Glibc.close(fd) }
        return write(fd, "5", 1) == 1
    }

    /// Connections the kernel dropped so far because a listening socket's accept queue was full
    /// (`ListenDrops` of the `TcpExt` lines in `/proc/net/netstat`, for this network namespace);
    /// nil when unreadable. A dropped SYN is retried by the client after about a second.
    public static func listenDrops() -> Int? {
        guard let text = readText("/proc/net/netstat") else { return nil }
        let lines = text.split(separator: "\n").filter { $0.hasPrefix("TcpExt:") }
        guard lines.count >= 2 else { return nil }
        let names = lines[0].split(separator: " "), values = lines[1].split(separator: " ")
        guard let index = names.firstIndex(of: "ListenDrops"), index < values.count else { return nil }
        return Int(values[index])
    }

    /// Gives the heap's free memory back to the kernel (`malloc_trim(0)`): before a trial, so that
    /// its peak memory starts from what tvp needs, not from what an earlier, wider trial left in
    /// malloc's arenas (10,000 threads leave arenas that stay mapped).
    public static func releaseFreeMemory() { _ = tvp_release_free_memory() }
}

extension ProcFS {
    /// Process `pid` as "PID:START" (START: its start time since boot in clock ticks, the 22nd
    /// field of `/proc/PID/stat`), which no later process of the same pid shares; nil when it is gone.
    public static func processIdentity(_ pid: pid_t) -> String? {
        guard let stat = readText("/proc/\(pid)/stat"), let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // After the command: state is field 3, start time field 22.
        guard fields.count > 19 else { return nil }
        return "\(pid):\(fields[19])"
    }

    /// This process as `processIdentity` names it.
    public static func ownIdentity() -> String? { processIdentity(getpid()) }

    /// Whether the process `identity` names still runs (not a zombie).
    public static func isRunning(identity: String) -> Bool {
        guard let pid = pid_t(identity.split(separator: ":").first ?? ""), processIdentity(pid) == identity,
              let stat = readText("/proc/\(pid)/stat"), let close = stat.lastIndex(of: ")") else { return false }
        return stat[stat.index(after: close)...].split(separator: " ").first != "Z"
    }
}
