import Foundation
import Testing
import TVPSystem
@testable import TVPWorkloads
@testable import TVPPlan
@testable import TVPResults

@Suite("Scenario loading: the plugin workload")
struct PluginScenarioTests {
    /// A scratch folder holding an empty file `lib/libtask.so` (the loader only checks that it exists).
    func folder() throws -> String {
        let directory = try Files.makePrivateDirectory(in: Files.temporaryDirectory, prefix: "tvp-plugin-scenario-")
        try Files.makeDirectories("\(directory)/lib")
        try Files.writeDurably([], to: "\(directory)/lib/libtask.so")
        return directory
    }

    @Test("library is resolved against the scenario file's folder and recorded as written; parameters sweep")
    func parsesAndResolves() throws {
        let directory = try folder()
        defer { Files.removeTree(directory) }
        let path = "\(directory)/s.yaml"
        try Files.writeDurably(Array("""
            workloads:
              plugin: { library: lib/../lib/libtask.so, symbol: my_task, parameter: ["a", "b,c"], input_size: 1MiB, transfer: [pipe, shm] }
            modes: [serial, threads, processes]
            workers: [2]
            """.utf8), to: path)
        // Loaded from another working directory: the path still starts at the scenario's folder.
        let scenario = try ScenarioLoader.load(path: path)
        let plugins = scenario.workloads.compactMap { $0.as(PluginWorkload.self) }
        #expect(plugins.count == 4)
        #expect(plugins.allSatisfy { $0.library == "lib/../lib/libtask.so" && $0.libraryPath == "\(directory)/lib/libtask.so" })
        #expect(Set(plugins.map(\.parameter)) == ["a", "b,c"] && plugins.allSatisfy { $0.deterministic && $0.symbol == "my_task" })
        #expect(Set(plugins.compactMap(\.input?.transfer)) == [.pipe, .shm])
        // In-process modes read in place: one cell per parameter, whatever the transfers.
        #expect(scenario.cells.filter { $0.mode == .threads }.count == 2)
        #expect(scenario.cells.filter { $0.mode == .processes }.count == 4)
        let labels = Set(scenario.cells.map(\.workload.label))
        #expect(labels.contains("plugin[my_task b_c 1MiB shm]") && labels.contains("plugin[my_task a 1MiB]"))
        let columns = Dictionary(uniqueKeysWithValues: Workload.plugin(plugins[0]).parameters.map { ($0.name, $0.value) })
        #expect(columns["plugin_library"] == "lib/../lib/libtask.so" && columns["plugin_symbol"] == "my_task" && columns["input_size"] == "1048576")
        // trials.csv gives the workload back (by the library's spelling), so runs compare.
        let row = columns.merging(["transfer": plugins[0].input!.transfer.rawValue, "workload": "plugin"]) { $1 }
        #expect(try Workload(csvRow: TrialRowFields(row)) == .plugin(plugins[0]))
    }

    @Test("deterministic: false is read; without input_size there is no input and no transfer")
    func deterministicAndNoInput() throws {
        let directory = try folder()
        defer { Files.removeTree(directory) }
        let scenario = try ScenarioLoader.parse("workloads: { plugin: { library: lib/libtask.so, symbol: t, deterministic: false } }\n",
                                                source: "t.yaml", directory: directory)
        guard let plugin = scenario.workloads.first?.as(PluginWorkload.self) else { Issue.record("no plugin"); return }
        #expect(!plugin.deterministic && plugin.input == nil && plugin.parameter == "")
        #expect(plugin.label == "plugin[t]")
    }

    @Test("plugin mistakes are named with their line, key and fix", arguments: [
        ("plugin: { symbol: t }", "`workloads.plugin.library`: missing"),
        ("plugin: { library: lib/libtask.so }", "`workloads.plugin.symbol`: missing"),
        ("plugin: { library: nowhere.so, symbol: t }", "build the plugin first"),
        ("plugin: { library: lib, symbol: t }", "is a directory, not a shared library"),
        ("plugin: { library: lib/libtask.so, symbol: 9lives }", "letters, digits and `_`"),
        ("plugin: { library: lib/libtask.so, symbol: t, transfer: shm }", "needs `input_size`"),
        ("plugin: { library: lib/libtask.so, symbol: t, deterministic: maybe }", "expected true or false"),
        ("plugin: { library: lib/libtask.so, symbol: t, input_size: 0 }", "`workloads.plugin.input_size`: must be between"),
        ("plugin: { library: lib/libtask.so, symbol: t, libary: x }", "did you mean `library`?"),
    ])
    func mistakes(workload: String, message: String) throws {
        let directory = try folder()
        defer { Files.removeTree(directory) }
        do {
            _ = try ScenarioLoader.parse("workloads:\n  \(workload)\n", source: "bad.yaml", directory: directory)
            Issue.record("accepted \(workload)")
        } catch {
            #expect("\(error)".contains("bad.yaml:2") && "\(error)".contains(message), "\(error)")
        }
    }

    @Test("an expectation names a plugin variant by its label")
    func expectationOnPlugin() throws {
        let directory = try folder()
        defer { Files.removeTree(directory) }
        let scenario = try ScenarioLoader.parse("""
            workloads: { plugin: { library: lib/libtask.so, symbol: t, parameter: ["1", "2"] } }
            modes: [serial, threads]
            workers: [2]
            expect: ["threads.speedup(plugin[t 2], workers: 2) >= 1.2"]
            """, source: "t.yaml", directory: directory)
        #expect(try ExpectationParser.expectations(of: scenario, source: "t.yaml").count == 1)
    }
}
