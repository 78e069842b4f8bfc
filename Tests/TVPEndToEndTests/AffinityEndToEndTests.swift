import Foundation
import Testing
import TVPSystem

/// `affinity` in the built tvp: a test plugin (`where_ran`) writes, from inside each task, the CPU
/// it ran on and the CPUs its thread was allowed, so the tests see where the work really ran, in
/// tvp's threads and in worker processes. The relations hold on one CPU too (there `spread` is
/// `packed`); those that need two CPUs say so and are skipped without them.
@Suite("affinity end to end", .serialized)
struct AffinityEndToEndTests {
    /// Where one task ran.
    struct Place: Hashable {
        var pid: Int, thread: Int, cpu: Int, allowed: [Int]
    }

    static let tasks = 12

    /// Runs one cell of `where_ran` under `mode` (2 workers) and `affinity`, and returns the run's
    /// status, stderr and where each of the trial's tasks ran (the log's last lines: plugin
    /// preparation calls the tasks first, outside the trial, unpinned).
    func run(mode: String, affinity: String, through taskset: String? = nil, environment: [String: String] = [:]) throws
        -> (status: Int32, stderr: String, places: [Place], directory: String) {
        let directory = try scratchDirectory()
        try PluginBuilds.testPlugin("libtest.so", in: directory)
        let log = "\(directory)/where.log"
        let text = """
            name: placed
            repetitions: 1
            warmup: 0
            tasks: \(Self.tasks)
            workloads:
              plugin: { library: libtest.so, symbol: where_ran, parameter: "\(log)" }
            modes: [\(mode)]
            workers: [2]
            affinity: \(affinity)

            """
        try Files.writeDurably(Array(text.utf8), to: "\(directory)/s.yaml")
        let arguments = ["run", "s.yaml", "--out", "out", "--no-plot"]
        let tvp = (Files.currentExecutablePath()! as NSString).deletingLastPathComponent + "/tvp"
        let result = taskset.map { cpus in
            Result { try runProgram("/usr/bin/taskset", ["-c", cpus, tvp] + arguments, in: directory, environment: environment) }
        } ?? Result { try runTVP(arguments, in: directory, environment: environment) }
        let (status, _, stderr, _) = try result.get()
        let lines = (try? String(contentsOfFile: log, encoding: .utf8))?.split(separator: "\n") ?? []
        let places = lines.suffix(Self.tasks).map { line in
            let parts = line.split(separator: " ")
            return Place(pid: Int(parts[0])!, thread: Int(parts[1])!, cpu: Int(parts[2])!,
                         allowed: parts[3].split(separator: ",").compactMap { Int($0) })
        }
        return (status, stderr, places, directory)
    }

    /// The first and every CPU this test process may use, as tvp will see them.
    var usable: [Int] { CPUAffinity.allowedCPUs() }

    @Test("packed: every task of every mode runs on the first usable CPU, and trials.csv says packed",
          arguments: ["serial", "threads", "processes", "process-pool", "gil", "gil-release", "async"])
    func packed(mode: String) throws {
        let run = try run(mode: mode, affinity: "packed")
        defer { Files.removeTree(run.directory) }
        #expect(run.status == 0, "stderr: \(run.stderr)")
        #expect(run.places.count == Self.tasks)
        for place in run.places {
            #expect(place.allowed == [usable[0]], "\(mode): \(place)")
            #expect(place.cpu == usable[0], "\(mode): \(place)")
        }
        let rows = try readCSV("\(try onlyRun(in: run.directory))/trials.csv").rows
        #expect(rows.map { $0["affinity"] } == ["packed"])
        let summary = try readCSV("\(try onlyRun(in: run.directory))/summary.csv").rows
        #expect(summary.map { $0["affinity"] } == ["packed"])
    }

    @Test("spread: each worker runs on one usable CPU of its own, round-robin (on one CPU, as packed)",
          arguments: ["threads", "processes", "process-pool", "gil-release", "async"])
    func spread(mode: String) throws {
        let run = try run(mode: mode, affinity: "spread")
        defer { Files.removeTree(run.directory) }
        #expect(run.status == 0, "stderr: \(run.stderr)")
        #expect(run.places.count == Self.tasks)
        for place in run.places {
            #expect(place.allowed.count == 1 && usable.contains(place.allowed[0]), "\(mode): \(place)")
            #expect(place.allowed == [place.cpu], "\(mode): ran on a CPU outside its mask: \(place)")
        }
        // A worker (a thread of tvp, or a process) keeps its CPU; different workers get different
        // CPUs while there are CPUs left. Async's tasks may hop threads, each thread keeps its CPU.
        let masksByWorker = Dictionary(grouping: run.places) { mode.contains("process") ? $0.pid : $0.thread }.mapValues { Set($0.map(\.allowed)) }
        #expect(masksByWorker.values.allSatisfy { $0.count == 1 }, "\(mode): \(masksByWorker)")
        if mode == "processes" {
            // Task k's process on usable CPU k mod n: with 2 workers, the first min(2, n) CPUs.
            #expect(Set(run.places.map(\.allowed)) == Set(usable.prefix(2).map { [$0] }), "\(run.places)")
        }
        if mode == "threads" || mode == "process-pool" {
            // Two workers on two CPUs, or both on the one.
            #expect(Set(masksByWorker.values.map { $0.first! }) == Set(usable.prefix(min(2, masksByWorker.count)).map { [$0] }),
                    "\(mode): \(masksByWorker)")
        }
    }

    @Test("any: the tasks keep tvp's own mask, as before the key existed")
    func any() throws {
        let run = try run(mode: "threads", affinity: "any")
        defer { Files.removeTree(run.directory) }
        #expect(run.status == 0, "stderr: \(run.stderr)")
        #expect(run.places.allSatisfy { $0.allowed == usable }, "\(run.places)")
        #expect(try readCSV("\(try onlyRun(in: run.directory))/trials.csv").rows.map { $0["affinity"] } == ["any"])
    }

    @Test("under taskset -c N, packed and spread use CPU N, not CPU 0",
          .enabled(if: CPUAffinity.allowedCPUs().count >= 2, "needs 2 usable CPUs to restrict tvp to one that is not the first"),
          arguments: ["threads", "processes"])
    func underTaskset(mode: String) throws {
        let last = usable.last!
        for affinity in ["packed", "spread"] {
            let run = try run(mode: mode, affinity: affinity, through: String(last))
            defer { Files.removeTree(run.directory) }
            #expect(run.status == 0, "stderr: \(run.stderr)")
            #expect(run.places.count == Self.tasks)
            #expect(run.places.allSatisfy { $0.allowed == [last] && $0.cpu == last }, "\(affinity): \(run.places)")
        }
    }

    @Test("a mask the kernel refuses fails the cell with the key and the reason, exit 1, the other cells measured")
    func refused() throws {
        let directory = try scratchDirectory()
        defer { Files.removeTree(directory) }
        let text = """
            repetitions: 1
            warmup: 0
            tasks: 4
            workloads:
              null: {}
            modes: [serial, threads, processes]
            workers: [2]
            affinity: [any, packed, spread]

            """
        try Files.writeDurably(Array(text.utf8), to: "\(directory)/s.yaml")
        // CPU 8000 exists on no machine here: sched_setaffinity really fails (EINVAL).
        let result = try runTVP(["run", "s.yaml", "--out", "out", "--no-plot"], in: directory,
                                environment: ["TVP_TEST_AFFINITY_CPUS": "8000"])
        #expect(result.status == 1, "stderr: \(result.stderr)")
        #expect(result.stderr.contains("`affinity: packed` cannot be applied here") || result.stderr.contains("`affinity: spread` cannot be applied here"),
                "stderr: \(result.stderr)")
        let path = "\(try onlyRun(in: directory))/trials.csv"
        let rows = try readCSV(path).rows
        #expect(rows.count == 9)
        for row in rows {
            // `ok` comes before `error`, the last column, whose commas this simple reader splits.
            #expect(row["ok"] == (row["affinity"] == "any" ? "true" : "false"), "\(row)")
        }
        let written = try String(contentsOfFile: path, encoding: .utf8)
        for affinity in ["packed", "spread"] {
            let failed = written.split(separator: "\n").filter { $0.contains(",\(affinity),") }
            #expect(failed.count == 3 && failed.allSatisfy { $0.contains("`affinity: \(affinity)` cannot be applied here") && $0.contains("errno 22") },
                    "\(failed)")
        }
    }
}
