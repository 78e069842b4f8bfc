import ArgumentParser
import Foundation
import TVPPlan
import TVPReport

struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List workloads, modes and the scenarios in scenarios/.")

    func run() throws {
        print("Workloads:")
        print(ConsoleReport.format([
            ["  cpu", "SHA-256 (OpenSSL EVP) over bytes_per_task bytes per task: pure computation"],
            ["  io", "sleep sleep_ms, then read files_per_task files of file_size bytes (cache: warm|cold)"],
            ["  null", "nothing: the mode's own cost per task"],
            ["  shared", "one input of input_size bytes, a slice hashed per task; processes get theirs by transfer: pipe|file|shm"],
            ["  mixed", "a budget of task_ms: hash for cpu_share of it (bytes calibrated per run), sleep the rest"],
            ["  tally", "updates increments of one table of bins counters shared by the trial; sync: mutex|swift-mutex|atomic|local|racy, layout: packed|padded"],
            ["  alloc", "updates frees and mallocs in a working set of objects blocks of object_size bytes: the allocator threads share"],
            ["  refs", "updates steps through a graph of nodes Swift objects, a retain and a release each; graph: shared|private"],
            ["  plugin", "your function from a shared library (include/tvp_task.h): library, symbol, parameter, optional input_size and transfer"],
            ["  download", "GET one of files files of file_size bytes from tvp serve, answered after latency_ms (keep_alive: true|false)"],
        ]), terminator: "")
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
