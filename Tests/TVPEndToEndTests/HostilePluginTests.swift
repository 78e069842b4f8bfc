import Foundation
import Testing
import TVPSystem

/// Code tvp does not control, run inside it (issue 23): a plugin that ends the process, changes the
/// working directory or never returns; a task past its timeout; Ctrl-C whatever the task does.
/// Each test runs the built `tvp` as a user would, with a plugin the test builds, and checks the exit
/// status, the rows kept, meta.json's status, and that no process or fixture folder is left.
@Suite("hostile plugins and stuck tasks end to end", .serialized)
struct HostilePluginTests {
    /// A scratch folder with libtest.so built in it and a private TMPDIR (`tmp`).
    func folder() throws -> String {
        let directory = try scratchDirectory()
        try PluginBuilds.testPlugin("libtest.so", in: directory)
        try FileManager.default.createDirectory(atPath: "\(directory)/tmp", withIntermediateDirectories: false)
        return directory
    }

    func scenario(_ plugin: String, modes: String, tasks: Int = 4, repetitions: Int = 3, extra: String = "") -> String {
        "repetitions: \(repetitions)\nwarmup: 0\ntasks: \(tasks)\n\(extra)workloads:\n  plugin: { \(plugin) }\nmodes: \(modes)\nworkers: [2]\n"
    }

    /// What a run left behind: fixture folders in its TMPDIR, processes carrying `marker`.
    func leftovers(_ directory: String, marker: String) -> [String] {
        Files.directoryEntries("\(directory)/tmp") + processes(withMarker: marker)
    }

    @Test("a plugin that ends tvp's process (exit(0), _exit(0), abort()) under serial or threads: exit 1, finished rows kept, meta.json failed with how, nothing left",
          arguments: [("exit:10", "serial", "exit status 0"), ("_exit:10", "threads", "exit status 0"), ("abort:10", "serial", "SIGABRT")])
    func pluginEndsTheProcess(parameter: String, mode: String, how: String) throws {
        let directory = try folder()
        defer { Files.removeTree(directory) }
        // Calls in tvp: 4 to check determinism, then 4 per trial: call 10 is in the second trial.
        try Files.writeDurably(Array(scenario("library: libtest.so, symbol: ends_process, parameter: \"\(parameter)\"", modes: "[\(mode)]").utf8),
                               to: "\(directory)/s.yaml")
        let marker = UUID().uuidString
        let result = try runTVP(["run", "s.yaml", "--out", "out", "--no-plot"], in: directory,
                                environment: ["TMPDIR": "\(directory)/tmp", "TVP_TEST_MARKER": marker, "SWIFT_BACKTRACE": "enable=no"])
        #expect(result.status == 1 && !result.signaled, "status \(result.status), stderr: \(result.stderr)")
        let run = try onlyRun(in: directory)
        #expect(try rowsAreWhole("\(run)/trials.csv"))
        let rows = try readCSV("\(run)/trials.csv").rows
        #expect(rows.count == 1 && rows.allSatisfy { $0["ok"] == "true" }, "\(rows)")
        let facts = try meta(run)
        #expect(facts["status"] as? String == "failed")
        #expect((facts["reason"] as? String)?.contains(how) == true, "\(facts["reason"] ?? "")")
        #expect(result.stderr.contains("run failed") && result.stderr.contains("modes: [processes]"), "stderr: \(result.stderr)")
        #expect(waitUntil(seconds: 10) { leftovers(directory, marker: marker).isEmpty }, "left: \(leftovers(directory, marker: marker))")
    }

    @Test("a plugin whose set-up calls chdir: the run still writes every file in its folder and exits 0")
    func setUpChangesDirectory() throws {
        let directory = try folder()
        defer { Files.removeTree(directory) }
        try Files.writeDurably(Array(scenario("library: libtest.so, symbol: changes_directory, parameter: \"/\"", modes: "[serial, threads]", repetitions: 2).utf8),
                               to: "\(directory)/s.yaml")
        let result = try runTVP(["run", "s.yaml", "--out", "out", "--no-plot"], in: directory, environment: ["TMPDIR": "tmp"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let run = try onlyRun(in: directory)
        #expect(try readCSV("\(run)/summary.csv").rows.count == 2)
        #expect(try meta(run)["status"] as? String == "complete")
        #expect(Files.directoryEntries("\(directory)/tmp").isEmpty && !Files.directoryEntries("/").contains("out"))
    }

    @Test("serial honours task_timeout_s: a download slower than the timeout fails its tasks, the run goes on and ends with exit 1")
    func serialDownloadTimeout() throws {
        let directory = try folder()
        defer { Files.removeTree(directory) }
        try Files.writeDurably(Array("""
            repetitions: 1
            warmup: 0
            tasks: 2
            task_timeout_s: 1
            workloads:
              download: { latency_ms: 8000, files: 2, file_size: 1KiB }
            modes: [serial]
            workers: [1]
            """.utf8), to: "\(directory)/s.yaml")
        let start = Date()
        let result = try runTVP(["run", "s.yaml", "--out", "out", "--no-plot"], in: directory, environment: ["TMPDIR": "\(directory)/tmp"])
        // Two tasks of 8 s each: 16 s when the timeout is ignored.
        #expect(Date().timeIntervalSince(start) < 12)
        #expect(result.status == 1, "stderr: \(result.stderr)")
        let rows = try readCSV("\(try onlyRun(in: directory))/trials.csv").rows
        #expect(rows.count == 1 && rows[0]["ok"] == "false" && rows[0]["connection_errors"] == "2", "\(rows)")
    }

    @Test("a plugin task that never returns under serial or threads: one SIGINT stops tvp within a few seconds, exit 130, meta.json interrupted, rows kept, nothing left",
          arguments: ["serial", "threads"])
    func interruptStuckTask(mode: String) throws {
        let directory = try folder()
        defer { Files.removeTree(directory) }
        // Call 10 (the second trial) loops forever.
        try Files.writeDurably(Array(scenario("library: libtest.so, symbol: loops_at_call, parameter: \"10\"", modes: "[\(mode)]").utf8),
                               to: "\(directory)/s.yaml")
        let marker = UUID().uuidString
        let tvp = try BackgroundTVP(["run", "s.yaml", "--out", "out", "--no-plot"], in: directory,
                                    environment: ["TMPDIR": "\(directory)/tmp", "TVP_TEST_MARKER": marker])
        // The header and one row (read as text: the file may be empty the moment it is made).
        #expect(waitUntil(seconds: 60) {
            let path = "\(directory)/out/\(Files.directoryEntries("\(directory)/out").first ?? "-")/trials.csv"
            return (try? String(contentsOfFile: path, encoding: .utf8))?.split(separator: "\n").count == 2
        })
        Thread.sleep(forTimeInterval: 0.5)
        let sent = Date()
        kill(tvp.pid, SIGINT)
        let (status, stderr) = tvp.finish()
        let seconds = Date().timeIntervalSince(sent)
        print("\(mode): SIGINT to exit: \(String(format: "%.3f", seconds)) s")
        #expect(seconds < 5)
        #expect(status == 130, "stderr: \(stderr)")
        let run = try onlyRun(in: directory)
        #expect(try readCSV("\(run)/trials.csv").rows.count == 1)
        #expect(try meta(run)["status"] as? String == "interrupted")
        #expect(waitUntil(seconds: 10) { leftovers(directory, marker: marker).isEmpty }, "left: \(leftovers(directory, marker: marker))")
    }
}
