import ArgumentParser
import TVPFormatting
import Foundation
import TVPAnalysis
import TVPMeasure
import TVPReport
import TVPStore

/// `tvp history`: trends, bands and change points from a store.
struct HistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "Show each cell's recent run medians, its band and its change points; draw history.png.",
        subcommands: [HistoryShowCommand.self, HistoryAcceptCommand.self],
        defaultSubcommand: HistoryShowCommand.self
    )
}

/// Options shared by the history commands: which runs.
struct HistorySelectionOptions: ParsableArguments {
    /// The scenario.
    @Option(name: .long, help: "The scenario (default: that of the newest stored run).")
    var scenario: String?

    /// The machine kind.
    @Option(name: .customLong("machine-kind"), help: "The machine kind, as printed (default: that of the newest stored run of the scenario).")
    var machineKind: String?

    /// Label filters.
    @Option(name: .customLong("where"), help: ArgumentHelp("Only runs with this label, e.g. branch=main (repeatable).", valueName: "key=value"))
    var filters: [String] = []

    /// The window.
    @Option(name: .long, help: "The most recent runs shown.")
    var window: Int = 20

    /// The newest run's scenario and machine kind unless given.
    func resolve(_ store: any ResultsStore) throws -> (scenario: String, kind: String, otherKinds: [String]) {
        let all = try store.runs(scenario: scenario, machineKind: nil)
        guard let newest = all.last else {
            throw StoreError.noRuns(store: store.location.description, what: scenario.map { "run of scenario \"\($0)\"" } ?? "run")
        }
        let scenario = scenario ?? newest.scenario
        let ofScenario = all.filter { $0.scenario == scenario }
        let kind = machineKind ?? ofScenario.last!.machineKind
        return (scenario, kind, Set(ofScenario.map(\.machineKind)).subtracting([kind]).sorted())
    }
}

/// `tvp history URL`: the text and the chart.
struct HistoryShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Each cell's recent run medians with their band and change points (the default subcommand).",
        discussion: """
            Change points are found by E-divisive means (as in Apache Otava) with a permutation test at 5 % \
            and a change of the medians on either side of at least 5 %; a single wild run is not one. The band \
            is learned from the runs since the cell's last accepted change (`tvp history accept`). \
            history.png and history.svg are drawn into --out.

            Exit status: 0 success; 1 an error (an unreachable, corrupt or newer store, no runs).
            """
    )

    /// The store.
    @Argument(help: "The store: a SQLite file or a postgres:// URL.")
    var store: String

    @OptionGroup var selection: HistorySelectionOptions

    /// Cell patterns.
    @Option(name: .long, help: "Only cells whose name contains this, e.g. \"cpu[8MiB] threadsx2\" (repeatable).")
    var cell: [String] = []

    /// Where the chart goes.
    @Option(name: .long, help: "Folder for history.png/.svg and their data.")
    var out: String = "results/history"

    /// No chart.
    @Flag(name: .long, help: "Do not draw the chart (its data is still written).")
    var noPlot = false

    /// Across machine kinds.
    @Flag(name: .long, help: "The scenario's cells side by side across every machine kind in the store (machines.png).")
    var machines = false

    func run() throws {
        do {
            let location = StoreLocation(store)
            guard let store = try HistoryJudgement.openExisting(location) else { fail("`none` is no store") }
            if machines { return try acrossMachines(store) }
            let (scenario, kind, others) = try selection.resolve(store)
            let chosen = try StoreHistory.select(store, scenario: scenario, machineKind: kind,
                                                 filters: try RunLabels.parse(selection.filters), window: selection.window)
            guard !chosen.runs.isEmpty else { throw StoreError.noRuns(store: location.description, what: "complete run of \(scenario) on \(kind)") }
            let cells = CellHistory.cells(in: chosen.history, startIndex: chosen.startIndex, patterns: cell)
            print(HistoryText.render(scenario: scenario, kind: kind, runNames: chosen.runs.map(\.name), cells: cells,
                                     acceptances: chosen.acceptances.map { (chosen.runs[$0.index].name, $0.acceptance.cell, $0.acceptance.note) }))
            if !others.isEmpty { print("other machine kinds with runs of \(scenario): \(others.joined(separator: "; ")) (--machine-kind)") }
            let page = HistoryChart.Page(scenario: scenario, machineKind: kind, runNames: chosen.runs.map(Self.axisName), cells: cells)
            let files = try HistoryChart.draw(page, into: out, plot: !noPlot, environment: ProcessInfo.processInfo.environment)
            print(files.isEmpty ? "Chart data: \(out)/charts/data/history/ (not drawn)" : "Chart: \(files.joined(separator: ", "))")
        } catch let error as HistoryChart.NotDrawn {
            printError("note: \(error)")
        } catch {
            fail("\(error)")
        }
    }
}

extension HistoryShowCommand {
    /// A run's name on the chart's x axis: its start, "12-06 09:14:09", and its commit label's first
    /// 7 characters when it has one.
    static func axisName(_ run: StoredRun) -> String {
        let start = run.startedAt
        var name = start.count >= 19 ? String(start.dropFirst(5).prefix(14)).replacingOccurrences(of: "T", with: " ") : run.name
        if let commit = run.labels["commit"] { name += " " + commit.prefix(7) }
        return name
    }

    /// `--machines`: per cell, each machine kind's median of its last runs' medians, and speedups.
    func acrossMachines(_ store: any ResultsStore) throws {
        let (scenario, newestKind, others) = try selection.resolve(store)
        let kinds = [newestKind] + others
        let filters = try RunLabels.parse(selection.filters)
        let selections = try kinds.map {
            try StoreHistory.select(store, scenario: scenario, machineKind: $0, filters: filters, window: selection.window)
        }
        let wall = CellHistory.acrossMachines(selections.map(\.history), patterns: cell)
        let speedup = Dictionary(uniqueKeysWithValues: CellHistory.acrossMachines(selections.map(\.history), patterns: cell, metric: .speedup)
            .map { ($0.cell, $0) })
        print("tvp history --machines: \(scenario) on \(kinds.count) machine kind\(kinds.count == 1 ? "" : "s"); per cell, the median of each kind's run medians (speedup in brackets)")
        for (index, kind) in kinds.enumerated() {
            print("  [\(index + 1)] \(kind) (\(selections[index].runs.count) runs)")
        }
        var table = [["cell", "tasks"] + kinds.indices.map { "[\($0 + 1)]" }]
        for history in wall {
            table.append([history.cell.label, String(history.cell.tasks)] + kinds.indices.map { index in
                let median = history.medians[index]
                guard median.isFinite else { return "–" }
                let ratio = speedup[history.cell]?.medians[index]
                return Seconds.format(median, .fixed) + (ratio.map { $0.isFinite ? String(format: " (%.2f×)", $0) : "" } ?? "")
            })
        }
        print(ConsoleReport.format(table))
        let legend = kinds.indices.map { "[\($0 + 1)] " + kinds[$0].split(separator: "·").prefix(2).joined(separator: "·") }
        let page = HistoryChart.Page(scenario: scenario, machineKind: legend.joined(separator: "; "),
                                     runNames: kinds.indices.map { "[\($0 + 1)]" }, cells: wall)
        let files = try HistoryChart.drawMachines(page, into: out, plot: !noPlot, environment: ProcessInfo.processInfo.environment)
        print(files.isEmpty ? "Chart data: \(out)/charts/data/machines/ (not drawn)" : "Chart: \(files.joined(separator: ", "))")
    }
}

/// `tvp history accept URL --cell … --from RUN --note …`: an intended change.
struct HistoryAcceptCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "accept",
        abstract: "Accept an intended change: the cells' bands restart at RUN instead of alarming.",
        discussion: "Exit status: 0 recorded; 1 an error (no such run or cell, an unusable store)."
    )

    /// The store.
    @Argument(help: "The store: a SQLite file or a postgres:// URL.")
    var store: String

    /// Cell patterns.
    @Option(name: .long, help: "The cells whose name contains this (repeatable; at least one).")
    var cell: [String]

    /// The first run of the new level.
    @Option(name: .long, help: "The first run of the new level: its folder name (as `tvp history` prints it) or folder path.")
    var from: String

    /// Why.
    @Option(name: .long, help: "Why the change is intended.")
    var note: String

    func run() throws {
        do {
            let location = StoreLocation(store)
            guard let store = try HistoryJudgement.openExisting(location) else { fail("`none` is no store") }
            let name = (RunFolderName.normalized(from) as NSString).lastPathComponent
            guard let run = try store.runs(scenario: nil, machineKind: nil).last(where: { $0.name == name }) else {
                throw StoreError.noRuns(store: location.description, what: "run named \(name); `tvp history \(location)` lists the runs")
            }
            let cells = Set(try StoreHistory.runData(store, run).trials.map(\.cell))
                .filter { cell in self.cell.contains { CellPattern.matches(cell, $0) } }.sorted()
            guard !cells.isEmpty else {
                throw StoreError.noRuns(store: location.description, what: "cell matching \(self.cell.joined(separator: ", ")) in run \(name)")
            }
            for cell in cells {
                try store.accept(Acceptance(scenario: run.scenario, machineKind: run.machineKind, cell: storedCellKey(cell),
                                            fromRunKey: run.key, note: note, acceptedAt: RunMeta.timestamp()))
                print("accepted from \(name): \(cell.label) (\(cell.tasks) tasks): \(note)")
            }
        } catch {
            fail("\(error)")
        }
    }
}

/// A run folder path without trailing slashes.
enum RunFolderName {
    static func normalized(_ path: String) -> String {
        var result = Substring(path)
        while result.count > 1 && result.hasSuffix("/") { result = result.dropLast() }
        return String(result)
    }
}
