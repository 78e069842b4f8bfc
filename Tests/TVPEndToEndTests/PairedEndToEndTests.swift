import Foundation
import Testing
import TVPSystem

/// `tvp paired` with real builds: copies of the built tvp, one of them given a slower worker.
@Suite("tvp paired end to end", .serialized)
struct PairedEndToEndTests {
    static let scenario = """
        name: pairs
        repetitions: 2
        warmup: 0
        tasks: 4
        workloads:
          null: {}
        modes: [threads, processes]
        workers: [2]
        """

    /// A build folder in `directory` named `name`: a copy of the built tvp and either a copy of its
    /// worker or a shell wrapper that waits `delay` seconds and then runs the real one.
    static func build(_ name: String, in directory: String, delay: Double? = nil) throws -> String {
        let built = (Files.currentExecutablePath()! as NSString).deletingLastPathComponent
        let folder = "\(directory)/\(name)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: "\(built)/tvp", toPath: "\(folder)/tvp")
        if let delay {
            let script = "#!/bin/sh\nsleep \(delay)\nexec \(built)/tvp-worker \"$@\"\n"
            FileManager.default.createFile(atPath: "\(folder)/tvp-worker", contents: Data(script.utf8), attributes: [.posixPermissions: 0o755])
        } else {
            try FileManager.default.copyItem(atPath: "\(built)/tvp-worker", toPath: "\(folder)/tvp-worker")
        }
        return folder
    }

    @Test("a slower worker is a regression of the process cell; rounds alternate; every round's runs are kept")
    func slowerWorkerIsFound() throws {
        let directory = try scratchDirectory()
        defer { Files.removeTree(directory) }
        try Self.scenario.write(toFile: "\(directory)/pairs.yaml", atomically: true, encoding: .utf8)
        let a = try Self.build("a", in: directory), b = try Self.build("b", in: directory, delay: 0.05)
        // Two cells at alpha 0.5: each judged at 75 %, which 6 rounds can reach; a 50 ms wait per task
        // on 2 workers and 4 tasks adds about 100 ms to a trial of a few ms.
        let result = try runTVP(["paired", a, b, "pairs.yaml", "--rounds", "6", "--alpha", "0.5", "--out", "out", "--format", "json", "--quiet"],
                                in: directory)
        #expect(result.status == 2, "\(result.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let cells = try #require(report["cells"] as? [[String: Any]])
        let processes = try #require(cells.first { ($0["cell"] as? [String: Any])?["mode"] as? String == "processes" })
        #expect(processes["verdict"] as? String == "regression")
        #expect((processes["ratio"] as? Double ?? 0) > 2)

        let folders = try FileManager.default.contentsOfDirectory(atPath: "\(directory)/out")
        let folder = "\(directory)/out/\(try #require(folders.first { $0.hasSuffix("-paired-pairs") }))"
        let csv = try readCSV("\(folder)/paired.csv")
        #expect(csv.rows.count == 2 * 6)
        #expect(csv.rows.filter { $0["mode"] == "processes" }.map { $0["first"] ?? "" }
            == ["baseline", "current", "baseline", "current", "baseline", "current"])
        for round in 1...6 {
            for side in ["baseline", "current"] {
                let runs = try FileManager.default.contentsOfDirectory(atPath: "\(folder)/rounds/\(String(format: "%02d", round))/\(side)")
                #expect(runs.contains { $0.hasSuffix("-pairs") }, "round \(round) \(side): \(runs)")
            }
        }
        let meta = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(folder)/meta.json"))) as? [String: Any])
        #expect(meta["status"] as? String == "complete" && meta["rounds_completed"] as? Int == 6)
        #expect(FileManager.default.fileExists(atPath: "\(folder)/comparison.md"))
    }

    @Test("a build that is not there, or whose runs fail, is an error naming it")
    func badBuilds() throws {
        let directory = try scratchDirectory()
        defer { Files.removeTree(directory) }
        try Self.scenario.write(toFile: "\(directory)/pairs.yaml", atomically: true, encoding: .utf8)
        let a = try Self.build("a", in: directory)
        let missing = try runTVP(["paired", a, "\(directory)/nowhere", "pairs.yaml", "--quiet"], in: directory)
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("\(directory)/nowhere") && missing.stderr.contains("build folder"))

        let broken = "\(directory)/broken"
        try FileManager.default.createDirectory(atPath: broken, withIntermediateDirectories: true)
        for name in ["tvp", "tvp-worker"] {
            FileManager.default.createFile(atPath: "\(broken)/\(name)", contents: Data("#!/bin/sh\necho cannot run >&2\nexit 1\n".utf8),
                                           attributes: [.posixPermissions: 0o755])
        }
        let failing = try runTVP(["paired", a, broken, "pairs.yaml", "--rounds", "2", "--out", "out", "--quiet"], in: directory)
        #expect(failing.status == 1)
        #expect(failing.stderr.contains("exited with status 1") && failing.stderr.contains("tvp-run.log"), "\(failing.stderr)")
    }
}
