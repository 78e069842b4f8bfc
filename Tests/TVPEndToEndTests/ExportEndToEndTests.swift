import Foundation
import Testing
import TVPSystem

@Suite("JSON export in hyperfine's layout")
struct ExportEndToEndTests {
    @Test("tvp run --export-json and tvp export --format json write the same cells: every counted trial's time, and statistics that match them")
    func export() throws {
        let directory = try scratchDirectory()
        defer { Files.removeTree(directory) }
        try Files.writeDurably(Array("workloads: { cpu: { bytes_per_task: 64KiB }, null: {} }\nmodes: [serial, threads]\nworkers: [1, 2]\nrepetitions: 3\nwarmup: 1\ntasks: 4\n".utf8),
                               to: "\(directory)/s.yaml")
        let run = try runTVP(["run", "s.yaml", "--out", "out", "--quiet", "--no-plot", "--export-json", "run.json"], in: directory)
        #expect(run.status == 0, "\(run.stderr)")
        let folder = "\(directory)/out/\(try #require(Files.directoryEntries("\(directory)/out").first))"
        let export = try runTVP(["export", folder, "--format", "json"], in: directory)
        #expect(export.status == 0, "\(export.stderr)")
        let written = String(decoding: try Files.readAll("\(directory)/run.json"), as: UTF8.self)
        #expect(written == export.stdout)

        let object = try #require(JSONSerialization.jsonObject(with: Data(written.utf8)) as? [String: Any])
        let results = try #require(object["results"] as? [[String: Any]])
        #expect(results.count == 6, "cpu and null under serial ×1, threads ×1 and ×2")
        let trials = try readCSV("\(folder)/trials.csv").rows.filter { $0["warmup"] == "false" && $0["ok"] == "true" }
        for result in results {
            let parameters = try #require(result["parameters"] as? [String: String])
            let times = try #require(result["times"] as? [Double])
            let rows = trials.filter { $0["workload"] == parameters["workload"] && $0["mode"] == parameters["mode"] && $0["workers"] == parameters["workers"] }
            #expect(times.count == 3 && rows.count == 3, "\(parameters)")
            #expect(Set(times) == Set(rows.compactMap { Double($0["wall_s"] ?? "") }), "times are the counted trials' wall_s")
            let sorted = times.sorted()
            #expect(result["median"] as? Double == sorted[1])
            #expect(result["min"] as? Double == sorted[0] && result["max"] as? Double == sorted[2])
            let mean = times.reduce(0, +) / 3
            #expect(abs((result["mean"] as? Double ?? 0) - mean) < 1e-12)
            let stddev = (times.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 2).squareRoot()
            #expect(abs((result["stddev"] as? Double ?? -1) - stddev) < 1e-12)
            #expect(result["exit_codes"] as? [Int] == [0, 0, 0])
            #expect(parameters["tasks"] == "4")
            if parameters["workload"] == "cpu" { #expect(parameters["bytes_per_task"] == "65536") }
            #expect((result["command"] as? String)?.contains("\(parameters["mode"]!)×\(parameters["workers"]!)") == true)
        }
        let missing = try runTVP(["export", "\(directory)/nothing"], in: directory)
        #expect(missing.status == 1 && missing.stderr.contains("\(directory)/nothing"), "\(missing.stderr)")
    }
}
