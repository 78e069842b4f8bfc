/// How many CPUs this process may use, and what limits them.
extension ProcFS {
    /// A CPU limit set by a cgroup.
    public struct CPULimit: Sendable, Equatable {
        /// The quota in CPUs (quota ÷ period), the smallest on the way from the process's cgroup
        /// to the root of its hierarchy.
        public var cpus: Double
        /// Where it was read, e.g. "cgroup v1 quota (cpu.cfs_quota_us ÷ cpu.cfs_period_us of /sys/fs/cgroup/cpu/ci)".
        public var source: String
    }

    /// The usable CPUs and what set their number: "affinity mask" or the cgroup quota's source.
    public static func usableCPUsWithSource() -> (count: Int, source: String) {
        let affinity = affinityCPUs()
        guard let limit = cgroupCPULimit(), Int(limit.cpus.rounded(.up)) < affinity else { return (affinity, "affinity mask") }
        return (max(1, Int(limit.cpus.rounded(.up))), limit.source + ", rounded up")
    }

    /// The CPU quota of this process's cgroup, cgroup v1 (`cpu.cfs_quota_us` ÷ `cpu.cfs_period_us`)
    /// or v2 (`cpu.max`), checking every cgroup from its own up to the hierarchy's root (a parent's
    /// quota limits its children too); nil when none is set.
    public static func cgroupCPULimit() -> CPULimit? {
        guard let cgroups = readText("/proc/self/cgroup"), let mounts = readText("/proc/self/mountinfo") else { return nil }
        return cgroupCPULimit(cgroups: cgroups, mountInfo: mounts, read: { readText($0) })
    }

    /// The quota from the text of /proc/self/cgroup and /proc/self/mountinfo, reading control files
    /// with `read` (a seam for tests).
    static func cgroupCPULimit(cgroups: String, mountInfo: String, read: (String) -> String?) -> CPULimit? {
        var best: CPULimit?
        for line in cgroups.split(separator: "\n") {
            let fields = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            guard fields.count == 3 else { continue }
            let controllers = fields[1].split(separator: ","), path = String(fields[2])
            let version: Int
            if fields[1].isEmpty && fields[0] == "0" { version = 2 } else if controllers.contains("cpu") { version = 1 } else { continue }
            guard let mount = cgroupMount(version: version, mountInfo: mountInfo) else { continue }
            // The cgroup's path relative to the mounted part of the hierarchy.
            var relative = path
            if mount.root != "/" {
                guard relative.hasPrefix(mount.root) else { continue }
                relative = String(relative.dropFirst(mount.root.count))
            }
            var components = relative.split(separator: "/").map(String.init)
            while true {
                let directory = ([mount.point] + components).joined(separator: "/")
                if let cpus = quota(version: version, directory: directory, read: read), cpus < (best?.cpus ?? .infinity) {
                    let files = version == 1 ? "cpu.cfs_quota_us ÷ cpu.cfs_period_us" : "cpu.max"
                    best = CPULimit(cpus: cpus, source: "cgroup v\(version) quota of \(cpus.formatted2) CPU\(cpus == 1 ? "" : "s") (\(files) of \(directory))")
                }
                if components.isEmpty { break }
                components.removeLast()
            }
        }
        return best
    }

    /// The mount point of the cgroup hierarchy holding the cpu controller (v1) or of cgroup2, and
    /// the hierarchy's path mounted there.
    private static func cgroupMount(version: Int, mountInfo: String) -> (point: String, root: String)? {
        for line in mountInfo.split(separator: "\n") {
            // ID PARENT MAJOR:MINOR ROOT MOUNT-POINT OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPER-OPTIONS
            let tokens = line.split(separator: " ")
            guard let dash = tokens.firstIndex(of: "-") else { continue }
            let before = Array(tokens[..<dash]), after = Array(tokens[(dash + 1)...])
            guard before.count >= 5, after.count >= 3 else { continue }
            let matches = version == 2 ? after[0] == "cgroup2" : after[0] == "cgroup" && after[2].split(separator: ",").contains("cpu")
            if matches { return (String(before[4]), String(before[3])) }
        }
        return nil
    }

    /// The quota set in one cgroup folder, in CPUs; nil when unlimited or unreadable.
    private static func quota(version: Int, directory: String, read: (String) -> String?) -> Double? {
        func number(_ text: Substring?) -> Double? { text.flatMap { Double($0.trimmingSpaces) } }
        if version == 1 {
            guard let quota = number(read("\(directory)/cpu.cfs_quota_us").map { Substring($0) }),
                  let period = number(read("\(directory)/cpu.cfs_period_us").map { Substring($0) }),
                  quota > 0, period > 0 else { return nil }
            return quota / period
        }
        guard let text = read("\(directory)/cpu.max") else { return nil }
        let parts = text.split(separator: " ")
        guard parts.count == 2, let quota = number(parts[0]), let period = number(parts[1]), quota > 0, period > 0 else { return nil }
        return quota / period
    }
}

private extension Double {
    /// At most two decimals, without trailing zeros ("1.5", "2").
    var formatted2: String {
        var text = String(Int((self * 100).rounded()))
        while text.count < 3 { text = "0" + text }
        var whole = String(text.dropLast(2)), fraction = String(text.suffix(2))
        while fraction.hasSuffix("0") { fraction.removeLast() }
        if whole.isEmpty { whole = "0" }
        return fraction.isEmpty ? whole : "\(whole).\(fraction)"
    }
}
