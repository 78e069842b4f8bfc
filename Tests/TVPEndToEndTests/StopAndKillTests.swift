import Foundation
import Testing
import TVPSystem

/// tvp stopped and resumed (SIGSTOP, SIGCONT: Ctrl-Z and `fg`, a debugger), and tvp killed outright
/// (SIGKILL of `tvp paired`): what is judged, what dies, and what the next run cleans up (issue 23).
@Suite("tvp stopped, resumed and killed end to end", .serialized)
struct StopAndKillTests {
    /// The children of `pid` (`/proc/PID/task/PID/children`).
    func children(of pid: Int32) -> [Int32] {
        (ProcFS.readText("/proc/\(pid)/task/\(pid)/children") ?? "").split(separator: " ").compactMap { Int32($0) }
    }

    @Test("the measuring tvp stopped three times past the task timeout under process-pool and threads: every trial succeeds, the stops are in stopped_s",
          .timeLimit(.minutes(3)))
    func stoppedPastTheTimeout() throws {
        let directory = try scratchDirectory()
        defer { Files.removeTree(directory) }
        // 4 tasks of 200 ms on 2 workers: a trial lasts ~0.4 s; the timeout (1 s per task, 2 s for a
        // thread pool's two rounds) is shorter than each 3 s stop.
        try Files.writeDurably(Array("""
            name: stops
            repetitions: 12
            warmup: 0
            tasks: 4
            task_timeout_s: 1
            workloads:
              io: { sleep_ms: 200, files_per_task: 1, file_size: 4KiB }
            modes: [process-pool, threads]
            workers: [2]
            """.utf8), to: "\(directory)/stops.yaml")
        let tvp = try BackgroundTVP(["run", "stops.yaml", "--out", "out", "--no-plot"], in: directory, environment: [:])
        var measuring: Int32?
        #expect(waitUntil(seconds: 30) {
            measuring = children(of: tvp.pid).first
            let path = "\(directory)/out/\(Files.directoryEntries("\(directory)/out").first ?? "-")/trials.csv"
            return measuring != nil && ((try? String(contentsOfFile: path, encoding: .utf8))?.split(separator: "\n").count ?? 0) >= 2
        })
        let child = try #require(measuring)
        for _ in 0..<3 {
            kill(child, SIGSTOP)
            Thread.sleep(forTimeInterval: 3)
            kill(child, SIGCONT)
            Thread.sleep(forTimeInterval: 1)
        }
        let (status, stderr) = tvp.finish()
        #expect(status == 0, "stderr: \(stderr)")
        let run = try onlyRun(in: directory)
        let rows = try readCSV("\(run)/trials.csv").rows
        #expect(rows.count == 24 && rows.allSatisfy { $0["ok"] == "true" }, "\(rows.filter { $0["ok"] != "true" }.map { $0["error"] ?? "" })")
        let stopped = rows.compactMap { Double($0["stopped_s"] ?? "") }.filter { $0 > 0 }
        print("stopped_s of the stopped trials: \(stopped)")
        // Each 3 s stop lands in one trial, or is split between a trial and the next (a stop that
        // straddles a trial's end: both are marked, one perhaps by a fraction of a millisecond), or
        // falls wholly between two trials (the gap then lasts 3 s longer, and no trial is touched).
        // One busy full test run marked two of the three stops (2.995 and 2.996 s), every trial ok;
        // a stop between trials is the likely reason, not established. So: at most two marked trials
        // per stop, at least one stop marked, and no more than the 9 s of stops marked.
        let total = stopped.reduce(0, +)
        #expect(stopped.count >= 1 && stopped.count <= 6 && total > 2 && total < 12, "\(stopped)")
        #expect(try meta(run)["status"] as? String == "complete")
        #expect(stderr.contains("tvp was stopped for"), "stderr: \(stderr)")
    }

    @Test("SIGKILL of tvp paired: its tvp run and workers die with it; the next tvp run in its folder marks it failed and says so",
          .timeLimit(.minutes(3)))
    func pairedKilled() throws {
        let directory = try scratchDirectory()
        defer { Files.removeTree(directory) }
        try Files.writeDurably(Array("""
            name: slow
            repetitions: 50
            warmup: 0
            tasks: 4
            workloads:
              io: { sleep_ms: 100, files_per_task: 1, file_size: 4KiB }
            modes: [processes]
            workers: [2]
            """.utf8), to: "\(directory)/slow.yaml")
        let a = try PairedEndToEndTests.build("a", in: directory), b = try PairedEndToEndTests.build("b", in: directory)
        let marker = UUID().uuidString
        let paired = try BackgroundTVP(["paired", a, b, "slow.yaml", "--rounds", "2", "--out", "out", "--quiet"], in: directory,
                                       environment: ["TVP_TEST_MARKER": marker])
        // tvp paired, its tvp run, the measuring tvp and at least one worker.
        #expect(waitUntil(seconds: 60) { processes(withMarker: marker).count >= 4 })
        kill(paired.pid, SIGKILL)
        _ = paired.finish()
        let killed = Date()
        #expect(waitUntil(seconds: 10) { processes(withMarker: marker).isEmpty }, "left: \(processes(withMarker: marker))")
        print("processes gone \(String(format: "%.3f", Date().timeIntervalSince(killed))) s after SIGKILL")
        let folder = try #require(Files.directoryEntries("\(directory)/out").first { $0.contains("-paired-slow") })
        #expect(try meta("\(directory)/out/\(folder)")["status"] as? String == "running")

        try Files.writeDurably(Array("name: next\nrepetitions: 1\nwarmup: 0\ntasks: 1\nworkloads: { null: {} }\nmodes: [serial]\n".utf8),
                               to: "\(directory)/next.yaml")
        let next = try runTVP(["run", "next.yaml", "--out", "out", "--no-plot"], in: directory)
        #expect(next.status == 0, "stderr: \(next.stderr)")
        #expect(next.stderr.contains("marked \(directory)/out/\(folder) failed"), "stderr: \(next.stderr)")
        let facts = try meta("\(directory)/out/\(folder)")
        #expect(facts["status"] as? String == "failed" && (facts["reason"] as? String)?.contains("killed") == true)
        // The round's run folder it left is marked too.
        let round = "\(directory)/out/\(folder)/rounds/01"
        for side in Files.directoryEntries(round) {
            for run in Files.directoryEntries("\(round)/\(side)") where !run.hasSuffix(".log") {
                #expect(try meta("\(round)/\(side)/\(run)")["status"] as? String == "failed")
            }
        }
    }
}
