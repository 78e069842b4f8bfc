import Testing
@testable import TVPSystem

@Suite("cgroup CPU quotas, v1 and v2")
struct CgroupCPUTests {
    static let v1Mounts = """
        31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
        32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime shared:9 - cgroup cgroup rw,cpu
        33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct
        """

    @Test("v1: cpu.cfs_quota_us ÷ cpu.cfs_period_us of the process's cgroup")
    func v1() {
        let files = ["/sys/fs/cgroup/cpu/ci/cpu.cfs_quota_us": "150000\n", "/sys/fs/cgroup/cpu/ci/cpu.cfs_period_us": "100000\n",
                     "/sys/fs/cgroup/cpu/cpu.cfs_quota_us": "-1\n", "/sys/fs/cgroup/cpu/cpu.cfs_period_us": "100000\n"]
        let limit = ProcFS.cgroupCPULimit(cgroups: "2:cpuacct:/\n1:cpu:/ci\n0::/\n", mountInfo: Self.v1Mounts, read: { files[$0] })
        #expect(limit?.cpus == 1.5)
        #expect(limit?.source == "cgroup v1 quota of 1.5 CPUs (cpu.cfs_quota_us ÷ cpu.cfs_period_us of /sys/fs/cgroup/cpu/ci)")
    }

    @Test("v1: a parent's quota limits its child; no quota anywhere is nil")
    func v1Parent() {
        let files = ["/sys/fs/cgroup/cpu,cpuacct/a/cpu.cfs_quota_us": "100000", "/sys/fs/cgroup/cpu,cpuacct/a/cpu.cfs_period_us": "100000",
                     "/sys/fs/cgroup/cpu,cpuacct/a/b/cpu.cfs_quota_us": "-1", "/sys/fs/cgroup/cpu,cpuacct/a/b/cpu.cfs_period_us": "100000"]
        #expect(ProcFS.cgroupCPULimit(cgroups: "1:cpu,cpuacct:/a/b\n", mountInfo: Self.v1Mounts.replacingCpuacct, read: { files[$0] })?.cpus == 1)
        #expect(ProcFS.cgroupCPULimit(cgroups: "1:cpu:/a/b\n", mountInfo: Self.v1Mounts, read: { _ in nil }) == nil)
    }

    @Test("v2: cpu.max, `max` meaning none")
    func v2() {
        let mounts = "30 23 0:26 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw,nsdelegate\n"
        let files = ["/sys/fs/cgroup/job/cpu.max": "250000 100000\n", "/sys/fs/cgroup/cpu.max": "max 100000\n"]
        let limit = ProcFS.cgroupCPULimit(cgroups: "0::/job\n", mountInfo: mounts, read: { files[$0] })
        #expect(limit?.cpus == 2.5)
        #expect(limit?.source.hasPrefix("cgroup v2 quota of 2.5 CPUs (cpu.max of /sys/fs/cgroup/job)") == true)
        #expect(ProcFS.cgroupCPULimit(cgroups: "0::/\n", mountInfo: mounts, read: { files[$0] }) == nil)
    }
}

private extension String {
    /// The v1 mounts with the cpu and cpuacct controllers mounted together, as many distributions do.
    var replacingCpuacct: String {
        split(separator: "\n").map { $0.hasSuffix("rw,cpu") ? Substring("32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,relatime - cgroup cgroup rw,cpu,cpuacct") : $0 }
            .joined(separator: "\n")
    }
}
