import Foundation
import Testing
import TVPSystem

/// The meta.json of the only run folder under `out`.
func onlyRunMeta(_ out: String) throws -> (folder: String, meta: [String: Any]) {
    let folders = Files.directoryEntries(out)
    try #require(folders.count == 1, "run folders: \(folders)")
    let folder = "\(out)/\(folders[0])"
    let meta = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(folder)/meta.json"))) as? [String: Any])
    return (folder, meta)
}

/// Whether this process may make a cgroup v1 cpu cgroup (root, the cpu controller mounted writable).
let canMakeCPUCgroup: Bool = getuid() == 0 && access("/sys/fs/cgroup/cpu", W_OK) == 0 && Files.exists("/sys/fs/cgroup/cpu/cpu.cfs_quota_us")
/// Whether this process may make a cgroup v2 cgroup with the cpu controller.
let canMakeCPUCgroup2: Bool = getuid() == 0 && access("/sys/fs/cgroup", W_OK) == 0
    && ((try? String(contentsOfFile: "/sys/fs/cgroup/cgroup.subtree_control", encoding: .utf8))?.contains("cpu") ?? false)

@Suite("cpus end to end: taskset, cgroup quotas, TVP_CPUS", .serialized)
struct UsableCPUsEndToEndTests {
    /// A quick scenario whose only timing-free claims are about `cpus`: a CPU speedup that needs 2
    /// CPUs (skipped on 1), and a cpus-scaled bound so low that it holds on any machine.
    static let scenario = """
        name: cpus
        repetitions: 2
        warmup: 0
        tasks: "max(4, cpus)"
        workloads:
          cpu: { bytes_per_task: 64KiB }
        modes: [serial, threads]
        workers: [1, 2, cpus]
        expect:
          - "threads.speedup(cpu, workers: 2) >= 1.4"
          - "threads.speedup(cpu, workers: cpus) >= 0.001 * cpus"
        """

    func run(prefix: [String], environment: [String: String] = [:], shell: String? = nil) throws
        -> (result: (status: Int32, stdout: String, stderr: String, signaled: Bool), folder: String, meta: [String: Any], directory: String) {
        let directory = try scratchDirectory()
        try Files.writeDurably(Array(Self.scenario.utf8), to: "\(directory)/cpus.yaml")
        let tvp = (Files.currentExecutablePath()! as NSString).deletingLastPathComponent + "/tvp"
        let command = prefix + [tvp, "run", "cpus.yaml", "--out", "out", "--quiet", "--no-plot"]
        let result = try shell.map { script in
            try runProgram("/bin/sh", ["-c", script + " " + command.map { "'\($0)'" }.joined(separator: " ")], in: directory, environment: environment)
        } ?? runProgram(command[0], Array(command.dropFirst()), in: directory, environment: environment)
        let (folder, meta) = try onlyRunMeta("\(directory)/out")
        return (result, folder, meta, directory)
    }

    @Test("under taskset to one CPU: 1 usable CPU from the affinity mask, the 2-CPU claim skipped with its reason, exit 0")
    func taskset() throws {
        let taskset = try #require(ExternalProgram.find("taskset", searchPath: "/usr/bin:/bin"))
        // The first CPU this process may use (a container's mask need not hold CPU 0).
        let allowed = (ProcFS.readText("/proc/self/status") ?? "").split(separator: "\n")
            .first { $0.hasPrefix("Cpus_allowed_list:") }?.dropFirst("Cpus_allowed_list:".count)
            .trimmingCharacters(in: .whitespaces).prefix { $0.isNumber } ?? "0"
        let (result, folder, meta, directory) = try run(prefix: [taskset, "-c", allowed.isEmpty ? "0" : String(allowed)])
        defer { Files.removeTree(directory) }
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("SKIP  threads.speedup(cpu, workers: 2) >= 1.4\n      skipped: needs 2 usable CPUs; this machine has 1"), "\(result.stdout)")
        #expect(result.stdout.contains("PASS  threads.speedup(cpu, workers: cpus) >= 0.001 * cpus"))
        let machine = try #require(meta["machine"] as? [String: Any])
        #expect(machine["usable_cpus"] as? Int == 1 && machine["usable_cpus_source"] as? String == "affinity mask")
        let check = try runTVP(["check", folder], in: directory)
        #expect(check.status == 0 && check.stdout.contains("1 passed, 0 failed, 1 skipped"), "\(check.stdout)")
        let report = try runTVP(["report", folder], in: directory)
        #expect(report.status == 0)
        let page = String(decoding: try Files.readAll("\(folder)/report.md"), as: UTF8.self)
        #expect(page.contains("| SKIP | `threads.speedup(cpu, workers: 2) >= 1.4` | skipped: needs 2 usable CPUs; this machine has 1"), "\(page)")
    }

    @Test("TVP_CPUS=64 plans a 64-CPU matrix on this machine and records both counts in meta.json")
    func sixtyFour() throws {
        let (result, folder, meta, directory) = try run(prefix: [], environment: ["TVP_CPUS": "64"])
        defer { Files.removeTree(directory) }
        // The 2-worker claim is judged here, so on a busy machine it may fail (exit 2): no timing claim in a test.
        #expect(result.status == 0 || result.status == 2, "\(result.stderr)")
        let machine = try #require(meta["machine"] as? [String: Any])
        #expect(machine["usable_cpus"] as? Int == 64 && machine["usable_cpus_source"] as? String == "TVP_CPUS")
        #expect((machine["detected_usable_cpus"] as? Int ?? 0) >= 1)
        let rows = try readCSV("\(folder)/summary.csv").rows
        #expect(Set(rows.compactMap { $0["workers"] }) == ["1", "2", "64"])
        #expect(rows.allSatisfy { $0["tasks"] == "64" }, "tasks: max(4, cpus) = 64")
        // 64 CPUs make the 2-worker claim judged, not skipped.
        #expect(!result.stdout.contains("SKIP"), "\(result.stdout)")
        #expect(result.stdout.contains("PASS  threads.speedup(cpu, workers: 2) >= 1.4") || result.stdout.contains("FAIL  threads.speedup(cpu, workers: 2) >= 1.4"))
    }

    @Test("in a cgroup v1 with a quota of one CPU: 1 usable CPU from the quota, the claim skipped",
          .enabled(if: canMakeCPUCgroup, "needs root and a writable cgroup v1 cpu controller"))
    func cgroupV1() throws {
        let group = "/sys/fs/cgroup/cpu/tvp-test-\(getpid())"
        try Files.makeDirectories(group)
        defer { rmdir(group) }
        try Files.writeDurably(Array("100000".utf8), to: "\(group)/cpu.cfs_period_us")
        try Files.writeDurably(Array("100000".utf8), to: "\(group)/cpu.cfs_quota_us")
        let (result, _, meta, directory) = try run(prefix: [], shell: "echo $$ > \(group)/cgroup.procs && exec")
        defer { Files.removeTree(directory) }
        #expect(result.status == 0, "\(result.stderr)")
        let machine = try #require(meta["machine"] as? [String: Any])
        #expect(machine["usable_cpus"] as? Int == 1)
        #expect((machine["usable_cpus_source"] as? String)?.hasPrefix("cgroup v1 quota of 1 CPU (cpu.cfs_quota_us ÷ cpu.cfs_period_us of \(group))") == true,
                "\(machine["usable_cpus_source"] ?? "none")")
        #expect(result.stdout.contains("skipped: needs 2 usable CPUs; this machine has 1"))
    }

    @Test("in a cgroup v2 with cpu.max of one CPU: 1 usable CPU from the quota",
          .enabled(if: canMakeCPUCgroup2, "needs root and cgroup v2 with the cpu controller"))
    func cgroupV2() throws {
        let group = "/sys/fs/cgroup/tvp-test-\(getpid())"
        try Files.makeDirectories(group)
        defer { rmdir(group) }
        try Files.writeDurably(Array("100000 100000".utf8), to: "\(group)/cpu.max")
        let (result, _, meta, directory) = try run(prefix: [], shell: "echo $$ > \(group)/cgroup.procs && exec")
        defer { Files.removeTree(directory) }
        #expect(result.status == 0, "\(result.stderr)")
        let machine = try #require(meta["machine"] as? [String: Any])
        #expect(machine["usable_cpus"] as? Int == 1)
        #expect((machine["usable_cpus_source"] as? String)?.hasPrefix("cgroup v2 quota of 1 CPU") == true)
    }
}
