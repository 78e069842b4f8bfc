import Foundation
import Testing
import TVPSystem
import TVPWorkloads

/// Plugins that misbehave: every problem is named with the file and the fix, a crash under a
/// process mode fails only its trial, and a crash of tvp itself loses no finished row.
@Suite("bad plugins end to end", .serialized)
struct BadPluginTests {
    func scenario(_ plugin: String, modes: String = "[serial, threads, processes]", tasks: Int = 4, repetitions: Int = 1) -> String {
        "repetitions: \(repetitions)\nwarmup: 0\ntasks: \(tasks)\nworkloads:\n  plugin: { \(plugin) }\nmodes: \(modes)\nworkers: [2]\n"
    }

    /// Writes `text` as `directory`/s.yaml and runs it into `directory`/out.
    func run(_ text: String, in directory: String, environment: [String: String] = [:]) throws
        -> (status: Int32, stdout: String, stderr: String, signaled: Bool) {
        try Files.writeDurably(Array(text.utf8), to: "\(directory)/s.yaml")
        return try runTVP(["run", "s.yaml", "--out", "out", "--no-plot"], in: directory, environment: environment)
    }

    /// A scratch folder with the test plugins built in it (libtest.so, libabi99.so, libnoabi.so).
    func folderWithPlugins() throws -> String {
        let directory = try scratchDirectory()
        try PluginBuilds.testPlugin("libtest.so", in: directory)
        try PluginBuilds.testPlugin("libabi99.so", in: directory, defines: ["TVP_TEST_ABI=99"])
        try PluginBuilds.testPlugin("libnoabi.so", in: directory, defines: ["TVP_TEST_NO_ABI"])
        return directory
    }

    @Test("each bad plugin stops the run before any trial with exit 1 and a message naming the file and the fix",
          arguments: [
              ("library: absent.so, symbol: good", ["s.yaml:5", "absent.so", "build the plugin first"]),
              ("library: libtest.so, symbol: nope", ["libtest.so", "exports no function `nope`", "nm -D"]),
              ("library: libabi99.so, symbol: good", ["libabi99.so", "ABI version 99", "rebuild the plugin against this tvp's include/tvp_task.h"]),
              ("library: libnoabi.so, symbol: good", ["libnoabi.so", "exports no `tvp_task_abi_version`", "TVP_TASK_ABI"]),
              ("library: libtest.so, symbol: fails", ["libtest.so", "task 1", "widgets.dat is missing", "fix the task"]),
              ("library: libtest.so, symbol: crashes", ["libtest.so", "task 1", "SIGSEGV", "fix the task", "tvp-plugin-worker task"]),
              ("library: libtest.so, symbol: setup_fails", ["libtest.so", "setup_fails_setup failed", "license server"]),
              ("library: libtest.so, symbol: flaky", ["libtest.so", "flaky is nondeterministic", "declare `deterministic: false`"]),
          ])
    func badPlugin(plugin: String, expected: [String]) throws {
        let directory = try folderWithPlugins()
        defer { Files.removeTree(directory) }
        let result = try run(scenario(plugin), in: directory)
        #expect(result.status == 1 && !result.signaled, "stderr: \(result.stderr)")
        for text in expected { #expect(result.stderr.contains(text), "missing '\(text)' in: \(result.stderr)") }
        // No trial ran: a run folder, if made, holds a header and no row.
        for run in Files.directoryEntries("\(directory)/out") {
            #expect(try readCSV("\(directory)/out/\(run)/trials.csv").rows.isEmpty)
        }
    }

    @Test("a task declared nondeterministic runs, its digests unchecked and said so in trials.csv")
    func declaredNondeterministic() throws {
        let directory = try folderWithPlugins()
        defer { Files.removeTree(directory) }
        let result = try run(scenario("library: libtest.so, symbol: flaky, deterministic: false"), in: directory)
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let rows = try readCSV("\(try onlyRun(in: directory))/trials.csv").rows
        #expect(rows.count == 3)
        #expect(rows.allSatisfy { $0["ok"] == "true" && $0["digest_check"] == "skipped" && $0["digest"]?.count == 64 })
    }

    @Test("a task that crashes a pool worker fails that trial only: the run goes on and ends with exit 1")
    func crashUnderProcessMode() throws {
        let directory = try folderWithPlugins()
        defer { Files.removeTree(directory) }
        let text = scenario("library: libtest.so, symbol: crashes_when_reused", modes: "[processes, process-pool]", tasks: 3, repetitions: 2)
        let result = try run(text, in: directory)
        #expect(result.status == 1 && !result.signaled, "stderr: \(result.stderr)")
        let run = try onlyRun(in: directory)
        let lines = try String(contentsOfFile: "\(run)/trials.csv", encoding: .utf8).split(separator: "\n")
        let rows = try readCSV("\(run)/trials.csv").rows
        #expect(rows.count == 4 && lines.count == 5)
        #expect(rows.filter { $0["mode"] == "processes" }.allSatisfy { $0["ok"] == "true" && $0["digest_check"] == "matched" })
        let pool = lines.filter { $0.contains(",process-pool,") }
        #expect(pool.count == 2 && pool.allSatisfy { $0.contains(",false,") && $0.contains("SIGSEGV") }, "\(pool)")
        // The run went on to its last trial.
        let meta = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(run)/meta.json"))) as? [String: Any]
        #expect(meta?["trials_planned"] as? Int == 4 && meta?["trials_completed"] as? Int == 4 && meta?["trials_failed"] as? Int == 2)
        #expect(result.stderr.contains("2 of 4 trials failed"), "stderr: \(result.stderr)")
    }

    @Test("a task that crashes tvp's measuring process under threads: exit 1, every finished row on disk, meta.json failed, and the message says to run it under a process mode")
    func crashOfTVPItself() throws {
        let directory = try folderWithPlugins()
        defer { Files.removeTree(directory) }
        // Calls in tvp: 4 to check determinism, then 4 per trial: call 10 is in the second trial.
        let text = scenario("library: libtest.so, symbol: crashes_at_call, parameter: \"10\"", modes: "[threads]", tasks: 4, repetitions: 3)
        let result = try run(text, in: directory, environment: ["SWIFT_BACKTRACE": "enable=no"])
        // The supervising tvp outlives the crash and decides the exit status.
        #expect(!result.signaled && result.status == 1, "status \(result.status), stderr: \(result.stderr)")
        // Which of the trial's first two tasks makes call 10 depends on the threads' timing.
        for text in ["tvp: task ", " of plugin libtest.so (symbol crashes_at_call) crashed tvp's own process under `threads` with 2 workers (SIGSEGV",
                     "Every trial that finished is in", "modes: [processes]"] {
            #expect(result.stderr.contains(text), "missing '\(text)' in: \(result.stderr)")
        }
        let run = try onlyRun(in: directory)
        let trials = try String(contentsOfFile: "\(run)/trials.csv", encoding: .utf8)
        #expect(trials.hasSuffix("\n"))
        let rows = try readCSV("\(run)/trials.csv").rows
        #expect(rows.count == 1 && rows.allSatisfy { $0["ok"] == "true" && $0["digest_check"] == "matched" })
        let meta = try String(contentsOfFile: "\(run)/meta.json", encoding: .utf8)
        #expect(meta.contains("\"status\" : \"failed\"") && meta.contains("SIGSEGV"), "\(meta)")
    }

    @Test("set-up and tear-down run once in every process that runs the task: tvp, each per-task process, each pool worker")
    func setUpOncePerProcess() throws {
        let directory = try folderWithPlugins()
        defer { Files.removeTree(directory) }
        let marks = "\(directory)/marks.txt"
        let text = scenario("library: libtest.so, symbol: counted, parameter: \"\(marks)\"",
                            modes: "[serial, threads, processes, process-pool]", tasks: 3)
        let result = try run(text, in: directory)
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let lines = try String(contentsOfFile: marks, encoding: .utf8).split(separator: "\n").map { $0.split(separator: " ") }
        let setUps = lines.filter { $0.first == "setup" }.map { String($0[1]) }
        let tearDowns = lines.filter { $0.first == "teardown" }.map { String($0[1]) }
        // tvp once; 3 reference processes; 3 per-task processes; 2 pool workers.
        #expect(setUps.count == 1 + 3 + 3 + 2)
        #expect(Set(setUps).count == setUps.count, "a process set up twice")
        #expect(Set(setUps) == Set(tearDowns) && tearDowns.count == setUps.count)
    }

    @Test("under gil the lock is held for the whole plugin call: never two calls at once")
    func gilHoldsTheLock() throws {
        let directory = try folderWithPlugins()
        defer { Files.removeTree(directory) }
        let marks = "\(directory)/marks.txt"
        let result = try run(scenario("library: libtest.so, symbol: inflight, parameter: \"\(marks)\"", modes: "[gil]", tasks: 6), in: directory)
        #expect(result.status == 0, "stderr: \(result.stderr)")
        // Two threads, each call 20 ms long: only the lock keeps them apart. Worker processes run one call each.
        let most = try String(contentsOfFile: marks, encoding: .utf8).split(separator: "\n")
            .filter { $0.hasPrefix("inflight ") }.compactMap { Int($0.split(separator: " ")[1]) }
        #expect(most.count == 1 + 6 && most.allSatisfy { $0 == 1 }, "\(most)")
    }

    @Test("a finished plugin run is checked and reported from its files, even once its library is gone")
    func checkWithoutLibrary() throws {
        let directory = try folderWithPlugins()
        defer { Files.removeTree(directory) }
        let text = scenario("library: libtest.so, symbol: good", modes: "[serial, threads]") + "expect: [\"threads.wall(plugin, workers: 2) < 1000\"]\n"
        let result = try run(text, in: directory)
        #expect(result.status == 0, "stderr: \(result.stderr)")
        Files.removeTree("\(directory)/libtest.so")
        let run = try onlyRun(in: directory)
        let check = try runTVP(["check", run], in: "/")
        #expect(check.status == 0 && check.stdout.contains("PASS"), "\(check.stdout)\(check.stderr)")
        let report = try runTVP(["report", run], in: "/")
        #expect(report.status == 0, "\(report.stderr)")
        let page = try String(contentsOfFile: "\(run)/report.md", encoding: .utf8)
        #expect(page.contains("PASS") && !page.contains("Not evaluated"), "\(page)")
    }

    @Test("the static tvp-worker refuses a plugin task and names the worker that runs them")
    func staticWorkerRefuses() throws {
        let directory = try folderWithPlugins()
        defer { Files.removeTree(directory) }
        let worker = (Files.currentExecutablePath()! as NSString).deletingLastPathComponent + "/tvp-worker"
        let spec = TaskSpec.encode(.plugin(PluginWorkload(library: "\(directory)/libtest.so", libraryPath: "\(directory)/libtest.so", symbol: "good")))
        let result = try runProgram(worker, ["task", spec, "tasks=1", "0"], in: directory)
        #expect(result.status == 1)
        #expect(result.stdout.contains("the static tvp-worker cannot load plugins") && result.stdout.contains("tvp-plugin-worker"))
        let plugin = try runProgram(worker.replacingOccurrences(of: "/tvp-worker", with: "/tvp-plugin-worker"),
                                    ["task", spec, "tasks=1", "0"], in: directory)
        #expect(plugin.status == 0 && plugin.stdout.hasPrefix("ok "), "\(plugin.stdout)")
    }
}
