import TVPAnalysis
import TVPMeasure
import TVPPlan
import TVPResults

/// The runs a history judgement or chart reads from a store.
public struct HistorySelection: Sendable {
    /// The selected runs, oldest first (at most the window).
    public var runs: [StoredRun]
    /// Their trials, in the same order.
    public var history: [HistoryRun]
    /// Per cell, the index in `history` where an accepted change restarted its history.
    public var startIndex: [Cell: Int]
    /// Accepted changes in the selection, by index of their first run.
    public var acceptances: [(index: Int, acceptance: Acceptance)]
}

/// Reading a scenario's history on one machine kind from a store.
public enum StoreHistory {
    /// The last `window` complete runs of `scenario` on `machineKind` (any kind when nil, refused
    /// when that spans several) whose labels include `filters`, without the run `excluding`.
    public static func select(_ store: any ResultsStore, scenario: String, machineKind: String?, filters: [String: String],
                              window: Int, excluding: String? = nil) throws -> HistorySelection {
        let all = try store.runs(scenario: scenario, machineKind: machineKind).filter { run in
            run.status == "complete" && run.key != excluding && filters.allSatisfy { run.labels[$0.key] == $0.value }
        }
        let kinds = Set(all.map(\.machineKind))
        if kinds.count > 1 { throw StoreError.mixedMachineKinds(kinds: kinds.sorted()) }
        let runs = Array(all.suffix(window))
        let history = try runs.map { HistoryRun(name: $0.name, run: try runData(store, $0)) }
        var startIndex: [Cell: Int] = [:], accepted: [(Int, Acceptance)] = []
        if let kind = runs.first?.machineKind {
            let cells = Set(history.flatMap { $0.run.trials.map(\.cell) })
            let byKey = Dictionary(cells.map { (storedCellKey($0), $0) }, uniquingKeysWith: { first, _ in first })
            for acceptance in try store.acceptances(scenario: scenario, machineKind: kind) {
                guard let index = runs.firstIndex(where: { $0.key == acceptance.fromRunKey }) else { continue }
                accepted.append((index, acceptance))
                if let cell = byKey[acceptance.cell] { startIndex[cell] = max(startIndex[cell] ?? 0, index) }
            }
        }
        return HistorySelection(runs: runs, history: history, startIndex: startIndex, acceptances: accepted)
    }

    /// The stored run's trials as `tvp compare` reads a folder's.
    public static func runData(_ store: any ResultsStore, _ run: StoredRun) throws -> RunFolder {
        let (_, rows) = try store.trials(ofRun: run.id)
        let samples = try rows.map { try CSVRows.trialSample($0) }
        let version = rows.first.flatMap { Int($0["schema_version"] ?? "") } ?? TrialSchema.version
        return RunFolder(directory: "", trialsPath: "\(run.folder)/trials.csv (stored)", parts: .trials, trials: samples, schemaVersion: version)
    }
}

