import CTVPSystem
import Glibc

/// Facts and counters read from `/proc`, `/sys` and a few system calls.
public enum ProcFS {
    /// Reads a small text file whole; nil when it cannot be read.
    public static func readText(_ path: String) -> String? {
        guard let bytes = try? Files.readAll(path, limit: 1 << 20) else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Hypervisor steal time of the whole machine so far, in seconds (`/proc/stat`, 8th field of
    /// the `cpu` line, in `USER_HZ` ticks).
    public static func stealSeconds() -> Double {
        guard let text = readText("/proc/stat"),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("cpu ") })
        else { return 0 }
        let fields = line.split(separator: " ")
        guard fields.count > 8, let ticks = Double(fields[8]) else { return 0 }
        return ticks / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// Total CPU time of the machine so far, in seconds (sum of the `cpu` line of `/proc/stat`).
    public static func totalCPUSeconds() -> Double {
        guard let text = readText("/proc/stat"),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("cpu ") })
        else { return 0 }
        let ticks = line.split(separator: " ").dropFirst().prefix(8).compactMap { Double($0) }.reduce(0, +)
        return ticks / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// I/O counters of this process and its reaped children (`/proc/self/io`).
    public struct IOCounters: Sendable, Equatable {
        /// Bytes passed to `read()`-like calls, from the page cache or not (`rchar`).
        public var readChars: Int = 0
        /// Bytes really fetched from the storage layer (`read_bytes`).
        public var storageReadBytes: Int = 0
        /// All zero.
        public init() {}
    }

    /// The current I/O counters (`/proc/self/io`), which include children once they are reaped.
    public static func ioCounters() -> IOCounters {
        var counters = IOCounters()
        guard let text = readText("/proc/self/io") else { return counters }
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, let value = Int(parts[1].trimmingSpaces) else { continue }
            switch parts[0] {
            case "rchar": counters.readChars = value
            case "read_bytes": counters.storageReadBytes = value
            default: break
            }
        }
        return counters
    }

    /// Peak resident memory of this process since the last `resetPeakResidentMemory()`, in KiB
    /// (`VmHWM` of `/proc/self/status`).
    public static func peakResidentKiB() -> Int {
        statusField("VmHWM") ?? 0
    }

    /// Current resident memory of this process in KiB (`VmRSS` of `/proc/self/status`).
    public static func residentKiB() -> Int {
        statusField("VmRSS") ?? 0
    }

    /// Number of threads of this process: the entries of `/proc/self/task`. Listing a directory
    /// (`getdents64`) costs half of reading `/proc/self/status` and, unlike `read()`, does not add to the
    /// `rchar` I/O counter that trials measure.
    public static func threadCount() -> Int {
        Files.directoryEntries("/proc/self/task").count
    }

    private static func statusField(_ name: String) -> Int? {
        guard let text = readText("/proc/self/status") else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix(name + ":") {
            let digits = line.dropFirst(name.count + 1).filter { $0.isNumber }
            return Int(digits)
        }
        return nil
    }

    /// Resets this process's peak resident memory to its current size (writes "5" to
    /// `/proc/self/clear_refs`). Returns false when the kernel refused.
    @discardableResult
    public static func resetPeakResidentMemory() -> Bool {
        let fd = open("/proc/self/clear_refs", O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        return write(fd, "5", 1) == 1
    }

    /// The number of open descriptors of this process (entries of `/proc/self/fd`, minus the one
    /// used to list them).
    public static func openDescriptorCount() -> Int {
        max(0, Files.directoryEntries("/proc/self/fd").count - 1)
    }

    /// Children of this process that have ended but were not reaped (state `Z` in `/proc/*/stat`;
    /// the scan of every process is skipped when `waitid(WNOWAIT)` finds none, the usual case).
    public static func zombieChildren() -> Int {
        if tvp_has_unreaped_child() == 0 { return 0 }
        let me = getpid()
        return Files.directoryEntries("/proc").filter { name in
            guard Int32(name) != nil, let stat = readText("/proc/\(name)/stat"),
                  let close = stat.lastIndex(of: ")") else { return false }
            // After "pid (comm) ": state, then parent pid.
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            return fields.count > 2 && fields[0] == "Z" && Int32(fields[1]) == me
        }.count
    }

    /// The CPU model name (`model name` of `/proc/cpuinfo`).
    public static func cpuModel() -> String {
        guard let text = readText("/proc/cpuinfo") else { return "unknown" }
        for line in text.split(separator: "\n") where line.hasPrefix("model name") {
            if let colon = line.firstIndex(of: ":") { return String(line[line.index(after: colon)...].trimmingSpaces) }
        }
        return "unknown"
    }

    /// The feature flags of the first CPU (`flags` of `/proc/cpuinfo`, e.g. `sha_ni`); empty when unknown.
    public static func cpuFlags() -> Set<String> {
        guard let text = readText("/proc/cpuinfo") else { return [] }
        for line in text.split(separator: "\n") where line.hasPrefix("flags") {
            if let colon = line.firstIndex(of: ":") { return Set(line[line.index(after: colon)...].split(separator: " ").map(String.init)) }
        }
        return []
    }

    /// CPUs this process may run on: its affinity mask (`Cpus_allowed_list` of `/proc/self/status`,
    /// e.g. "0-3,6").
    public static func affinityCPUs() -> Int {
        let count = allowedCPUList()?.count ?? 0
        return count > 0 ? count : SystemFacts.logicalCPUs()
    }

    /// The CPU ids of this process's affinity mask, ascending (`Cpus_allowed_list` of
    /// `/proc/self/status`); nil when it cannot be read.
    public static func allowedCPUList() -> [Int]? {
        guard let text = readText("/proc/self/status"),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("Cpus_allowed_list:") })
        else { return nil }
        return cpuList(line.dropFirst("Cpus_allowed_list:".count))
    }

    /// The CPU ids of a kernel CPU list ("0-3,6" → 0, 1, 2, 3, 6), ascending.
    static func cpuList(_ text: Substring) -> [Int] {
        var ids: [Int] = []
        for range in text.trimmingSpaces.split(separator: ",") {
            let ends = range.split(separator: "-").compactMap { Int($0) }
            if ends.count == 2, ends[0] <= ends[1] { ids += ends[0]...ends[1] } else if ends.count == 1 { ids.append(ends[0]) }
        }
        return Array(Set(ids)).sorted()
    }

    /// The CPU quota of this process's cgroup as a CPU count (quota ÷ period); nil if none.
    public static func cgroupCPUQuota() -> Double? { cgroupCPULimit()?.cpus }

    /// CPUs tvp can really use: the smaller of the affinity mask and the cgroup quota (rounded up).
    public static func usableCPUs() -> Int { usableCPUsWithSource().count }

    /// The 1-, 5- and 15-minute load averages (`/proc/loadavg`).
    public static func loadAverages() -> [Double] {
        guard let text = readText("/proc/loadavg") else { return [] }
        return text.split(separator: " ").prefix(3).compactMap { Double($0) }
    }

    /// This process's timer slack in nanoseconds (`/proc/self/timerslack_ns`); -1 when unknown.
    public static func timerSlackNanoseconds() -> Int {
        readText("/proc/self/timerslack_ns").flatMap { Int($0.split(separator: "\n").first ?? "") } ?? -1
    }

}

extension Substring {
    var trimmingSpaces: Substring {
        var s = self
        while let f = s.first, f == " " || f == "\t" || f == "\n" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\n" { s.removeLast() }
        return s
    }
}
