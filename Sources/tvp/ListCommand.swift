import ArgumentParser
import Foundation
import TVPPlan
import TVPReport

struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List workloads, modes and the scenarios in scenarios/.")

    @Flag(help: "Print only the workloads' parameters as the Markdown table of docs/workloads.md.")
    var markdown = false

    func run() throws {
        if markdown {
            print(WorkloadCatalog.markdown(), terminator: "")
            return
        }
        print("Workloads:")
        print(WorkloadCatalog.text(), terminator: "")
        print("Every workload also takes `tasks` (a number, or one per mode) in place of the scenario's.")
        print("Modes:")
        print(ConsoleReport.format(Mode.allCases.map { ["  \($0.rawValue)", $0.summary] }), terminator: "")
        print("Scenarios:")
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: "scenarios")) ?? [])
            .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
        if files.isEmpty { print("  (no scenarios/ folder here; `tvp run` uses the built-in default)") }
        var rows: [[String]] = []
        for file in files {
            let path = "scenarios/\(file)"
            do {
                let scenario = try ScenarioLoader.load(path: path)
                let trials = scenario.cells.count * (scenario.warmup + scenario.repetitions)
                rows.append(["  \(path)", "\(scenario.cells.count) cells, \(trials) trials", scenario.description])
            } catch {
                rows.append(["  \(path)", "INVALID", "\(error)".split(separator: "\n").first.map(String.init) ?? ""])
            }
        }
        if !rows.isEmpty { print(ConsoleReport.format(rows), terminator: "") }
    }
}
