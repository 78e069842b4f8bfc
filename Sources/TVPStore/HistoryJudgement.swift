import Foundation
import TVPAnalysis
import TVPResults

/// `tvp compare --history`: one run folder judged against its history in a store.
public enum HistoryJudgement {
    /// Judges the run folder `current` against the last `window` complete runs in `store` of its
    /// scenario on its machine kind whose labels include `filters`.
    public static func judge(current: String, store location: StoreLocation, filters: [String: String], window: Int,
                             options: ComparisonOptions) throws -> ComparisonReport {
        let run = try RunImport.load(current)
        let data = try RunFolder.load(current, reading: .trials)
        guard let store = try openExisting(location) else {
            throw StoreError.unreachable(store: "none", reason: "--history needs a store")
        }
        let kind = run.machineKind.key
        let selection = try StoreHistory.select(store, scenario: run.meta.scenario, machineKind: kind, filters: filters,
                                                window: window, excluding: run.key)
        if selection.runs.isEmpty {
            let elsewhere = Set(try store.runs(scenario: run.meta.scenario, machineKind: nil).map(\.machineKind)).subtracting([kind])
            let other = elsewhere.isEmpty ? "" : "; it has runs of it on other machine kinds: \(elsewhere.sorted().joined(separator: "; "))"
            let labels = filters.isEmpty ? "" : " labelled \(filters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", "))"
            throw StoreError.noRuns(store: location.description,
                                    what: "complete run of scenario \"\(run.meta.scenario)\"\(labels) on this machine kind (\(kind))\(other); "
                                        + "record runs with `tvp run` (it stores each run) or `tvp store import`")
        }
        var report = try HistoryComparator.compare(
            current: data, history: selection.history, startIndex: selection.startIndex, window: window, options: options,
            storeDescription: "\(location) (\(selection.runs.count) runs of \(run.meta.scenario) on \(kind))")
        if selection.runs.count < HistoryBand.minimumRuns {
            report.warnings.insert("only \(selection.runs.count) stored runs (fewer than \(HistoryBand.minimumRuns)): every cell is judged by the two-run rule against the newest, \(selection.runs.last!.name)", at: 0)
        }
        return report
    }

    /// The store at `location`, which must exist when it is a SQLite file (reading never creates one).
    public static func openExisting(_ location: StoreLocation) throws -> (any ResultsStore)? {
        if case .sqlite(let path) = location, !FileManager.default.fileExists(atPath: path) {
            throw StoreError.unreachable(store: path, reason: "no such file")
        }
        return try Stores.open(location)
    }
}
