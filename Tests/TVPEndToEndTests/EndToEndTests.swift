import Foundation
import Testing
import TVPSystem

/// Runs the built `tvp` (next to the test binary) and returns its exit status (the signal's number
/// when `signaled`), stdout and stderr. With `executable`, runs that program (a shell that sets a
/// limit, then runs tvp) instead.
func runTVP(_ arguments: [String], in directory: String, environment: [String: String] = [:],
            executable: String? = nil) throws -> (status: Int32, stdout: String, stderr: String, signaled: Bool) {
    try runProgram(executable ?? (Files.currentExecutablePath()! as NSString).deletingLastPathComponent + "/tvp", arguments,
                   in: directory, environment: environment)
}

/// Runs `executable` with `arguments` in `directory` and returns its exit status (the signal's
/// number when `signaled`), stdout and stderr.
func runProgram(_ executable: String, _ arguments: [String], in directory: String, environment: [String: String] = [:]) throws
    -> (status: Int32, stdout: String, stderr: String, signaled: Bool) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    process.currentDirectoryURL = URL(fileURLWithPath: directory)
    process.environment = testEnvironment.merging(environment) { $1 }
    let out = closeOnExecPipe(), err = closeOnExecPipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    // Read both pipes before waiting, so a chatty child never blocks on a full pipe.
    let group = DispatchGroup()
    nonisolated(unsafe) var errData = Data()
    DispatchQueue.global().async(group: group) { errData = err.fileHandleForReading.readDataToEndOfFile() }
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self),
            process.terminationReason == .uncaughtSignal)
}

/// The environment of the programs the tests start: this process's, with runs stored only where a
/// test asks (TVP_STORE or --store): the default store, a file in the runs' folder, would sit beside
/// the run folders the tests list.
let testEnvironment = ProcessInfo.processInfo.environment.merging(["TVP_STORE": "none"]) { $1 }

/// A Foundation `Pipe` whose descriptors close on exec. Foundation's are inheritable: while a
/// `tvp` child runs, any process another test spawns (SystemCallTests checks what a child
/// inherits) would get them. The child still gets its copies, which `dup2` makes inheritable.
func closeOnExecPipe() -> Pipe {
    let pipe = Pipe()
    for handle in [pipe.fileHandleForReading, pipe.fileHandleForWriting] {
        _ = fcntl(handle.fileDescriptor, F_SETFD, FD_CLOEXEC)
    }
    return pipe
}

/// A fresh private directory for one test.
func scratchDirectory() throws -> String {
    try Files.makePrivateDirectory(in: Files.temporaryDirectory, prefix: "tvp-e2e-")
}

/// Parses simple CSV (no quoted commas in the columns the tests read) into header and rows.
func readCSV(_ path: String) throws -> (header: [String], rows: [[String: String]]) {
    let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
    let header = lines[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
    let rows = lines.dropFirst().map { line in
        Dictionary(uniqueKeysWithValues: zip(header, line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)))
    }
    return (header, rows)
}

@Suite("tvp end to end", .serialized)
struct EndToEndTests {
    static let tiny = """
        name: tiny
        repetitions: 2
        warmup: 1
        seed: 3
        tasks: 6
        workloads:
          cpu: { bytes_per_task: 256KiB }
          io: { sleep_ms: 1, files_per_task: 2, file_size: 16KiB }
          null: {}
        modes: [serial, threads, processes]
        workers: [1, 3]
        """

    @Test("tvp run writes trials.csv, summary.csv and meta.json with equal digests across modes")
    func runWritesResults() throws {
        let directory = try scratchDirectory()
        defer { Files.removeTree(directory) }
        try Files.writeDurably(Array(Self.tiny.utf8), to: "\(directory)/tiny.yaml")
        let result = try runTVP(["run", "tiny.yaml", "--out", "out"], in: directory)
        #expect(result.status == 0, "stderr: \(result.stderr)")

        let runs = Files.directoryEntries("\(directory)/out")
        #expect(runs.count == 1)
        let run = "\(directory)/out/\(try #require(runs.first))"
        #expect(run.hasSuffix("-tiny"))
        #expect(result.stdout.contains(run.replacingOccurrences(of: directory + "/", with: "")))

        let trials = try readCSV("\(run)/trials.csv")
        #expect(trials.header.first == "schema_version")
        #expect(trials.header.contains("wall_s") && trials.header.contains("digest") && trials.header.contains("user_s"))
        let cellsPerWorkload = 1 + 2 + 2
        #expect(trials.rows.count == 3 * cellsPerWorkload * (1 + 2))
        #expect(trials.rows.allSatisfy { $0["ok"] == "true" && $0["error"] == "" })
        for workload in ["cpu", "io", "null"] {
            let rows = trials.rows.filter { $0["workload"] == workload }
            #expect(Set(rows.compactMap { $0["mode"] }) == ["serial", "threads", "processes"])
            #expect(Set(rows.compactMap { $0["digest"] }).count == 1, "digests of \(workload) differ across modes")
        }
        #expect(trials.rows.filter { $0["warmup"] == "true" }.count == 3 * cellsPerWorkload)
        let processRows = trials.rows.filter { $0["mode"] == "processes" }
        #expect(processRows.allSatisfy { $0["processes_spawned"] == "6" && $0["distinct_processes"] == "6" })
        let cpuProcesses = processRows.filter { $0["workload"] == "cpu" }
        #expect(cpuProcesses.allSatisfy { (Double($0["user_s"] ?? "") ?? 0) > 0 }, "children's CPU time must be counted")

        let summary = try readCSV("\(run)/summary.csv")
        #expect(summary.rows.count == 3 * cellsPerWorkload)
        #expect(summary.rows.allSatisfy { $0["n"] == "2" })
        #expect(summary.rows.filter { $0["mode"] == "serial" }.allSatisfy { $0["speedup"] == "1" })

        let meta = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(run)/meta.json"))) as? [String: Any]
        #expect(meta?["status"] as? String == "complete")
        #expect(meta?["scenario_text"] as? String == Self.tiny)
        #expect(meta?["trials_completed"] as? Int == trials.rows.count)
        // The workers were handed libcrypto's CPU capabilities as the worker itself found them, and
        // hashed to the same digests as the threads (checked above); a worker that cannot report
        // them (not x86_64, or not OpenSSL 3.0) gets nothing.
        let worker = (Files.currentExecutablePath()! as NSString).deletingLastPathComponent + "/tvp-worker"
        let answer = try ExternalProgram(path: worker, arguments: ["openssl-ia32cap"]).run()
        let added = meta?["worker_environment"] as? [String: String]
        if answer.status.isSuccess {
            #expect(added == ["OPENSSL_ia32cap": String(answer.outputText.dropLast())], "meta: \(added ?? [:]), worker: \(answer.outputText)")
        } else {
            #expect(meta?["worker_environment"] == nil)
        }
        // How much of the worker's file the page cache held in 2 MiB folios: a whole number of them,
        // at most the file, 0 where the kernel keeps small folios.
        let huge = try #require(meta?["worker_huge_mapped_kib"] as? Int, "meta: \(meta ?? [:])")
        let workerKiB = try Files.readAll(worker).count / 1024
        #expect(huge >= 0 && huge % 2048 == 0 && huge <= workerKiB, "\(huge) KiB of \(workerKiB)")
    }

    @Test("with OPENSSL_ia32cap set by the user, tvp adds nothing: the workers inherit the user's, and the digests still agree")
    func usersCapabilitiesKept() throws {
        let directory = try scratchDirectory()
        defer { Files.removeTree(directory) }
        try Files.writeDurably(Array(Self.tiny.utf8), to: "\(directory)/tiny.yaml")
        // `~` masks bits off what the CPU reports (here SHA's, word 2 bit 29): still a valid set-up.
        let result = try runTVP(["run", "tiny.yaml", "--out", "out", "--no-plot"], in: directory,
                                environment: ["OPENSSL_ia32cap": ":~0x20000000"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let (folder, meta) = try onlyRunMeta("\(directory)/out")
        #expect(meta["worker_environment"] == nil)
        let rows = try readCSV("\(folder)/trials.csv").rows.filter { $0["workload"] == "cpu" }
        #expect(rows.count == 15 && Set(rows.compactMap { $0["digest"] }).count == 1)
    }

    @Test("a malformed scenario fails with file, line and key, exit 1, and no results folder",
          arguments: [("workloads: { cpu: {} }\nworkers: 0\n", "bad.yaml:2: `workers`: must be between 1 and 16384, got 0"),
                      ("workloads: { cpu: {} }\nmodez: [serial]\n", "bad.yaml:2: `modez`: unknown key; did you mean `modes`?"),
                      ("workloads: { cpu: {\n", "bad.yaml:"),
                      ("workloads: { cpu: { bytes_per_task: 0 } }\n", "bad.yaml:1: `workloads.cpu.bytes_per_task`: must be between")])
    func malformedScenario(text: String, message: String) throws {
        let directory = try scratchDirectory()
        defer { Files.removeTree(directory) }
        try Files.writeDurably(Array(text.utf8), to: "\(directory)/bad.yaml")
        let result = try runTVP(["run", "bad.yaml", "--out", "out"], in: directory)
        #expect(result.status == 1)
        #expect(result.stderr.contains(message), "stderr: \(result.stderr)")
        #expect(!Files.exists("\(directory)/out"))
    }

    @Test("a missing scenario file is an error naming it")
    func missingScenario() throws {
        let directory = try scratchDirectory()
        defer { Files.removeTree(directory) }
        let result = try runTVP(["run", "nope.yaml", "--out", "out"], in: directory)
        #expect(result.status == 1)
        #expect(result.stderr.contains("nope.yaml"))
        #expect(!Files.exists("\(directory)/out"))
    }

    @Test("tvp list names the workloads and modes")
    func list() throws {
        let result = try runTVP(["list"], in: packageRootForEndToEnd)
        #expect(result.status == 0)
        for word in ["cpu", "io", "null", "shared", "mixed", "download", "serial", "threads", "processes", "process-pool", "scenarios/default.yaml"] {
            #expect(result.stdout.contains(word))
        }
    }
}

/// The package's root folder, found from this file's path.
let packageRootForEndToEnd: String = {
    var url = URL(fileURLWithPath: #filePath)
    while url.path != "/" && !FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
        url.deleteLastPathComponent()
    }
    return url.path
}()

@Suite("tvp plot and charts after a run", .serialized)
struct PlotEndToEndTests {
    @Test("tvp run draws charts and writes report.md at the end; without gnuplot it says so, still writes its CSV and report and succeeds; tvp plot then fails with exit 1")
    func chartsAndMissingGnuplot() throws {
        let directory = try scratchDirectory()
        defer { Files.removeTree(directory) }
        try Files.writeDurably(Array("workloads: { cpu: { bytes_per_task: 64KiB } }\nmodes: [serial, threads]\nworkers: [1, 2]\nrepetitions: 2\nwarmup: 0\ntasks: 4\n".utf8),
                               to: "\(directory)/s.yaml")
        let script = ["TVP_CHARTS_DIR": packageRootForEndToEnd + "/charts"]

        let drawn = try runTVP(["run", "s.yaml", "--out", "with"], in: directory, environment: script)
        #expect(drawn.status == 0, "stderr: \(drawn.stderr)")
        let run = "\(directory)/with/\(try #require(Files.directoryEntries("\(directory)/with").first))"
        #expect(Files.exists("\(run)/charts/speedup.png"))
        #expect(drawn.stdout.contains("Charts: "))
        let report = String(decoding: try Files.readAll("\(run)/report.md"), as: UTF8.self)
        #expect(report.contains("![Speedup over serial](charts/speedup.png)"))

        let noGnuplot = script.merging(["PATH": directory]) { $1 }
        let undrawn = try runTVP(["run", "s.yaml", "--out", "without"], in: directory, environment: noGnuplot)
        #expect(undrawn.status == 0, "stderr: \(undrawn.stderr)")
        #expect(undrawn.stderr.contains("gnuplot is not installed"))
        let bare = "\(directory)/without/\(try #require(Files.directoryEntries("\(directory)/without").first))"
        #expect(Files.exists("\(bare)/trials.csv") && Files.exists("\(bare)/summary.csv"))
        #expect(Files.directoryEntries("\(bare)/charts") == ["data"], "only the chart data, for plot.gp later")
        let bareReport = String(decoding: try Files.readAll("\(bare)/report.md"), as: UTF8.self)
        #expect(bareReport.contains("Some charts are not drawn yet") && !bareReport.contains("!["))

        let plot = try runTVP(["plot", bare], in: directory, environment: noGnuplot)
        #expect(plot.status == 1)
        #expect(plot.stderr.contains("apt-get install -y gnuplot-nox"))

        let replot = try runTVP(["plot", bare], in: directory, environment: script)
        #expect(replot.status == 0, "stderr: \(replot.stderr)")
        #expect(replot.stdout.contains("speedup.png"))
        // tvp plot redraws only; tvp report then embeds the charts.
        #expect(String(decoding: try Files.readAll("\(bare)/report.md"), as: UTF8.self) == bareReport)
        let rewritten = try runTVP(["report", bare], in: directory, environment: script)
        #expect(rewritten.status == 0, "stderr: \(rewritten.stderr)")
        #expect(String(decoding: try Files.readAll("\(bare)/report.md"), as: UTF8.self).contains("(charts/speedup.png)"))
    }
}

@Suite("tvp compare and tvp check end to end", .serialized)
struct CompareEndToEndTests {
    let fixtures = packageRootForEndToEnd + "/Tests/TVPTests/Fixtures/compare"

    @Test("comparing a run with itself passes with exit 0")
    func selfComparison() throws {
        let result = try runTVP(["compare", "\(fixtures)/quick", "\(fixtures)/quick"], in: packageRootForEndToEnd)
        #expect(result.status == 0, "stdout: \(result.stdout) stderr: \(result.stderr)")
        #expect(!result.stdout.contains("REGRESSION"))
        let markdown = try runTVP(["compare", "\(fixtures)/quick", "\(fixtures)/quick", "--format", "markdown"], in: packageRootForEndToEnd)
        #expect(markdown.status == 0)
        #expect(markdown.stdout.contains("|"))
        let json = try runTVP(["compare", "\(fixtures)/quick", "\(fixtures)/quick", "--format", "json"], in: packageRootForEndToEnd)
        #expect((try? JSONSerialization.jsonObject(with: Data(json.stdout.utf8))) != nil)
    }

    @Test("runs of different schema versions are refused with exit 1 and both versions named")
    func schemaMismatch() throws {
        let result = try runTVP(["compare", "\(fixtures)/quick-schema1", "\(fixtures)/quick"], in: packageRootForEndToEnd)
        #expect(result.status == 1)
        #expect(result.stderr.contains("1") && result.stderr.contains("2") && result.stderr.lowercased().contains("schema"), "stderr: \(result.stderr)")
    }

    @Test("missing, empty and foreign files fail with a message naming them, never a crash")
    func badFiles() throws {
        let directory = try scratchDirectory()
        defer { Files.removeTree(directory) }
        try Files.writeDurably([], to: "\(directory)/empty.csv")
        try Files.writeDurably(Array("a,b\n1,2\n".utf8), to: "\(directory)/foreign.csv")
        for bad in ["\(directory)/missing", "\(directory)/empty.csv", "\(directory)/foreign.csv"] {
            let compare = try runTVP(["compare", bad, "\(fixtures)/quick"], in: directory)
            #expect(compare.status == 1, "compare \(bad): \(compare.stderr)")
            #expect(compare.stderr.contains(bad), "stderr: \(compare.stderr)")
            let check = try runTVP(["check", bad], in: directory)
            #expect(check.status == 1, "check \(bad): \(check.stderr)")
        }
        let plot = try runTVP(["plot", "\(directory)/missing"], in: directory)
        #expect(plot.status == 1)
        #expect(plot.stderr.contains("summary.csv"))
    }

    @Test("tvp check re-evaluates a run's expectations and exits 2 when one fails")
    func check() throws {
        let directory = try scratchDirectory()
        defer { Files.removeTree(directory) }
        try Files.writeDurably(Array("""
            workloads: { null: {} }
            modes: [serial, threads]
            workers: [2]
            repetitions: 3
            warmup: 0
            tasks: 8
            expect:
              - "threads.overhead(null, workers: 2) < 1000000"
              - "threads.speedup(null, workers: 2) > 1000"
            """.utf8), to: "\(directory)/s.yaml")
        let run = try runTVP(["run", "s.yaml", "--out", "out", "--no-plot"], in: directory)
        #expect(run.status == 2, "a failed expectation exits 2: \(run.stderr)")
        #expect(run.stdout.contains("PASS  threads.overhead(null, workers: 2) < 1000000"))
        #expect(run.stdout.contains("FAIL  threads.speedup(null, workers: 2) > 1000"))
        let folder = "\(directory)/out/\(try #require(Files.directoryEntries("\(directory)/out").first))"
        let check = try runTVP(["check", folder], in: directory)
        #expect(check.status == 2)
        #expect(check.stdout.contains("1 passed, 1 failed"))
    }
}
