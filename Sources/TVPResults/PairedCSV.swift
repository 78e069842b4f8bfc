import TVPAnalysis
import TVPPlan
/// paired.csv of a `tvp paired` folder: one row per cell and round, each build's figure in that
/// round and their ratio, so the verdict can be checked by hand. Written only.
public enum PairedCSV {
    /// A row: one cell's figures in one round, under one metric.
    struct Row: Sendable {
        /// What the figures are.
        var metric: ComparisonMetric
        /// The cell.
        var cell: Cell
        /// The round and each build's figure.
        var figure: PairedComparator.RoundFigures
    }

    /// The columns. `metric` names what `baseline` and `current` hold and in which unit (`wall_s`:
    /// the median wall time of the round's counted trials, seconds; `speedup`: median serial wall ÷
    /// median wall); `first` is the build that ran first in the round.
    static let table = CSVTable<Row>(columns: [
        .schemaVersion(required: true),
        .derived("metric") { $0.metric.rawValue },
        .derived("variant") { $0.cell.workload.label },
        .derived("workload") { $0.cell.workload.name },
        .derived("mode") { $0.cell.mode.rawValue },
        .derived("workers") { String($0.cell.workers) },
        .derived("tasks") { String($0.cell.tasks) },
        .derived("round") { String($0.figure.round) },
        .derived("first") { PairedPlan.baselineFirst(inRound: $0.figure.round) ? "baseline" : "current" },
        .derived("baseline") { CSVFormat.number($0.figure.baseline) },
        .derived("current") { CSVFormat.number($0.figure.current) },
        .derived("ratio") { CSVFormat.number($0.figure.current / $0.figure.baseline) },
    ])

    /// The whole file: cells in order, rounds in order.
    public static func text(_ figures: [Cell: [PairedComparator.RoundFigures]], metric: ComparisonMetric) -> String {
        let rows = figures.keys.sorted().flatMap { cell in
            figures[cell]!.map { table.fields(Row(metric: metric, cell: cell, figure: $0), scenario: "") }
        }
        return ([table.header] + rows).map(CSVFormat.line).joined()
    }
}
