import Foundation
import Testing
import TVPSystem

/// The examples, built with the README's commands and run under every mode with the built `tvp`.
@Suite("plugin examples end to end", .serialized)
struct PluginExampleTests {
    /// Runs `scenario` (relative to the package) once per cell into a scratch folder; returns the
    /// trials.csv rows and the run folder.
    func runOnce(_ scenario: String) throws -> (rows: [[String: String]], run: String, directory: String) {
        let directory = try scratchDirectory()
        let result = try runTVP(["run", "\(packageRootForEndToEnd)/\(scenario)", "--out", "\(directory)/out",
                                 "--repetitions", "1", "--warmup", "0", "--no-plot", "--quiet"], in: directory)
        #expect(result.status == 0 && !result.signaled, "stderr: \(result.stderr)")
        let run = try onlyRun(in: directory)
        return (try readCSV("\(run)/trials.csv").rows, run, directory)
    }

    func expectOneDigestUnderEveryMode(_ rows: [[String: String]], modes: Set<String>) {
        #expect(!rows.isEmpty)
        #expect(rows.allSatisfy { $0["ok"] == "true" && $0["digest_check"] == "matched" }, "\(rows.map { $0["error"] ?? "" })")
        #expect(Set(rows.compactMap { $0["mode"] }) == modes)
        #expect(Set(rows.compactMap { $0["digest"] }).count == 1, "digests differ across modes")
    }

    static let everyMode: Set<String> = ["serial", "threads", "processes", "process-pool", "gil", "gil-release", "async"]

    @Test("the C example (zlib) builds with make and gives one digest under every mode and every transfer")
    func zlibExample() throws {
        let folder = try PluginBuilds.makeExample("c-zlib")
        let (rows, run, directory) = try runOnce("examples/c-zlib/compress.yaml")
        defer { Files.removeTree(directory) }
        // meta.json says which file ran: the scenario names a path whose file can change between runs.
        let meta = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(run)/meta.json"))) as? [String: Any]
        let plugins = meta?["plugins"] as? [[String: Any]]
        let size = try FileManager.default.attributesOfItem(atPath: "\(folder)/libzlib_task.so")[.size] as? Int
        #expect(plugins?.count == 1 && plugins?.first?["library"] as? String == "libzlib_task.so")
        #expect(plugins?.first?["bytes"] as? Int == size && (plugins?.first?["sha256"] as? String)?.count == 64)
        expectOneDigestUnderEveryMode(rows, modes: Self.everyMode)
        #expect(Set(rows.compactMap { $0["transfer"] }) == ["in-place", "pipe", "file", "shm"])
        #expect(rows.allSatisfy { $0["plugin_library"] == "libzlib_task.so" && $0["plugin_symbol"] == "compress_words" })
        let shipped = rows.filter { $0["transfer"] != "in-place" }
        #expect(shipped.allSatisfy { $0["transfer_bytes"] == String(1 << 20) })
    }

    @Test("the Swift example builds with swift build and gives one digest under every mode")
    func swiftExample() throws {
        _ = try PluginBuilds.buildSwiftExample()
        let (rows, _, directory) = try runOnce("examples/swift-sort/sort.yaml")
        defer { Files.removeTree(directory) }
        expectOneDigestUnderEveryMode(rows, modes: Self.everyMode)
        #expect(rows.allSatisfy { $0["plugin_symbol"] == "sort_task" })
    }

    @Test("the cpu plugin gives exactly the built-in cpu task's digests, side by side")
    func cpuPluginMatchesBuiltIn() throws {
        _ = try PluginBuilds.makeExample("cpu-plugin")
        let (rows, _, directory) = try runOnce("examples/cpu-plugin/side-by-side.yaml")
        defer { Files.removeTree(directory) }
        let builtIn = rows.filter { $0["workload"] == "cpu" }
        let plugin = rows.filter { $0["workload"] == "plugin" && $0["plugin_parameter"] == "8388608" }
        expectOneDigestUnderEveryMode(builtIn, modes: ["serial", "threads", "processes", "process-pool"])
        expectOneDigestUnderEveryMode(plugin, modes: ["serial", "threads", "processes", "process-pool"])
        #expect(builtIn.first?["digest"] == plugin.first?["digest"])
        // The plugin hashing nothing: SHA-256 of no bytes per task, under every mode.
        expectOneDigestUnderEveryMode(rows.filter { $0["plugin_parameter"] == "0" }, modes: ["serial", "threads", "processes", "process-pool"])
    }
}
