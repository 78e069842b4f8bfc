import Foundation
import Testing
import TVPSystem

@Suite("tvp under failure and load", .serialized)
struct RobustnessTests {
    func write(_ text: String, to path: String) throws {
        try Files.writeDurably(Array(text.utf8), to: path)
    }

    func meta(_ run: String) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(run)/meta.json"))) as? [String: Any])
    }

    @Test("SIGINT mid-run: exit 130, every finished row complete, summary and meta written, no child, fixture or temp left")
    func interrupt() throws {
        let directory = try scratchDirectory()
        defer { Files.removeTree(directory) }
        let temporary = "\(directory)/tmp"
        try FileManager.default.createDirectory(atPath: temporary, withIntermediateDirectories: false)
        try write("""
            name: long
            repetitions: 200
            warmup: 0
            tasks: 8
            workloads:
              io: { sleep_ms: 30, files_per_task: 1, file_size: 4KiB }
            modes: [serial, processes]
            workers: [2]
            """, to: "\(directory)/long.yaml")
        let marker = "TVP_TEST_MARKER=\(UUID().uuidString)"
        let executable = (Files.currentExecutablePath()! as NSString).deletingLastPathComponent + "/tvp"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["run", "long.yaml", "--out", "out"]
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        var environment = testEnvironment
        environment["TMPDIR"] = temporary
        environment["TVP_TEST_MARKER"] = String(marker.split(separator: "=")[1])
        process.environment = environment
        let err = closeOnExecPipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()

        // Wait until some trials are written, then interrupt mid-run.
        let deadline = Date().addingTimeInterval(60)
        var rows = 0
        while rows < 4 && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.1)
            if let run = Files.directoryEntries("\(directory)/out").first,
               let text = try? String(contentsOfFile: "\(directory)/out/\(run)/trials.csv", encoding: .utf8) {
                rows = text.split(separator: "\n").count - 1
            }
        }
        #expect(rows >= 4)
        kill(process.processIdentifier, SIGINT)
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()

        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 130, "stderr: \(stderr)")
        #expect(stderr.contains("interrupted by SIGINT"))
        let run = "\(directory)/out/\(try #require(Files.directoryEntries("\(directory)/out").first))"
        let text = try String(contentsOfFile: "\(run)/trials.csv", encoding: .utf8)
        #expect(text.hasSuffix("\n"), "no half-written line")
        let trials = try readCSV("\(run)/trials.csv")
        #expect(trials.rows.count >= 4 && trials.rows.count < 400)
        #expect(trials.rows.allSatisfy { $0.count == trials.header.count && $0["ok"] == "true" })
        #expect(Files.exists("\(run)/summary.csv"))
        let meta = try meta(run)
        #expect(meta["status"] as? String == "interrupted")
        #expect(meta["trials_completed"] as? Int == trials.rows.count)
        #expect(Files.directoryEntries(temporary).isEmpty, "fixture directory left behind: \(Files.directoryEntries(temporary))")
        // No process that inherited tvp's environment survives it.
        #expect(processes(withMarker: marker).isEmpty, "processes left running: \(processes(withMarker: marker))")
    }

    @Test("5,000 process tasks leak no descriptor and leave no zombie")
    func noLeaks() throws {
        let directory = try scratchDirectory()
        defer { Files.removeTree(directory) }
        try write("""
            name: leak
            repetitions: 1
            warmup: 0
            tasks: 5000
            workloads: { null: {} }
            modes: [processes]
            workers: [4]
            """, to: "\(directory)/leak.yaml")
        let result = try runTVP(["run", "leak.yaml", "--out", "out"], in: directory)
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let run = "\(directory)/out/\(try #require(Files.directoryEntries("\(directory)/out").first))"
        let row = try #require(try readCSV("\(run)/trials.csv").rows.first)
        #expect(row["ok"] == "true")
        #expect(row["processes_spawned"] == "5000")
        #expect(row["distinct_processes"] == "5000")
        let meta = try meta(run)
        let start = try #require(meta["open_descriptors_at_start"] as? Int)
        #expect(meta["open_descriptors_at_end"] as? Int == start)
        #expect(meta["zombie_children_at_end"] as? Int == 0)
    }

    @Test("100,000 null tasks under threads keep memory bounded")
    func scale() throws {
        let directory = try scratchDirectory()
        defer { Files.removeTree(directory) }
        try write("""
            name: scale
            repetitions: 1
            warmup: 0
            tasks: 100000
            workloads: { null: {} }
            modes: [threads]
            workers: [2]
            """, to: "\(directory)/scale.yaml")
        let result = try runTVP(["run", "scale.yaml", "--out", "out"], in: directory)
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let run = "\(directory)/out/\(try #require(Files.directoryEntries("\(directory)/out").first))"
        let row = try #require(try readCSV("\(run)/trials.csv").rows.first)
        #expect(row["ok"] == "true")
        let peakKiB = try #require(Int(row["max_rss_kib"] ?? ""))
        // Per-task state is one small outcome each (~10 MB for 100,000), not a growing log.
        #expect(peakKiB < 150_000, "peak RSS \(peakKiB) KiB")
        print("scale test: 100,000 null tasks under threads, peak RSS \(peakKiB) KiB")
    }

    @Test("an unwritable --out is reported with its path before anything runs")
    func unwritableOut() throws {
        let directory = try scratchDirectory()
        defer { Files.removeTree(directory) }
        try write("workloads: { null: {} }\nmodes: [serial]\nrepetitions: 1\n", to: "\(directory)/s.yaml")
        let result = try runTVP(["run", "s.yaml", "--out", "/proc/tvp-cannot-write"], in: directory)
        #expect(result.status == 1)
        #expect(result.stderr.contains("/proc/tvp-cannot-write"), "stderr: \(result.stderr)")
        #expect(result.stderr.contains("errno 2"), "stderr: \(result.stderr)")
    }

    @Test("a matrix forecast to run for hours needs --yes")
    func longRunNeedsConfirmation() throws {
        let directory = try scratchDirectory()
        defer { Files.removeTree(directory) }
        try write("workloads: { io: { sleep_ms: 10000 } }\nmodes: [serial]\nrepetitions: 100\ntasks: 100\n", to: "\(directory)/s.yaml")
        let result = try runTVP(["run", "s.yaml", "--out", "out"], in: directory)
        #expect(result.status == 1)
        #expect(result.stderr.contains("would run for about"), "stderr: \(result.stderr)")
        #expect(result.stderr.contains("--yes"))
        #expect(!Files.exists("\(directory)/out"))
    }

    @Test("a missing worker executable is refused before the run starts, with its path")
    func missingWorker() throws {
        let directory = try scratchDirectory()
        defer { Files.removeTree(directory) }
        try write("workloads: { null: {} }\nmodes: [serial, threads, processes]\nworkers: [2]\nrepetitions: 1\nwarmup: 0\n", to: "\(directory)/s.yaml")
        let result = try runTVP(["run", "s.yaml", "--out", "out"], in: directory, environment: ["TVP_WORKER": "/nonexistent/tvp-worker"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("/nonexistent/tvp-worker"), "stderr: \(result.stderr)")
    }
}
