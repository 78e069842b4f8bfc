import TVPAnalysis
import TVPPlan
/// paired.csv of a `tvp paired` folder: one row per cell and round, each build's figure in that
/// round and their ratio, so the verdict can be checked by hand.
public enum PairedCSV {
    /// The columns. `metric` names what `baseline` and `current` hold and in which unit (`wall_s`:
    /// the median wall time of the round's counted trials, seconds; `speedup`: median serial wall ÷
    /// median wall); `first` is the build that ran first in the round.
    public static let header = [
        "schema_version",
        "metric",
        "variant",
        "workload",
        "mode",
        "workers",
        "tasks",
        "round",
        "first",
        "baseline",
        "current",
        "ratio",
    ]

    /// The rows of `figures`, cells in order, rounds in order.
    public static func rows(_ figures: [Cell: [PairedComparator.RoundFigures]], metric: ComparisonMetric) -> [[String]] {
        figures.keys.sorted().flatMap { cell in
            figures[cell]!.map { figure in
                [String(CSVFormat.schemaVersion), metric.rawValue, cell.workload.label, cell.workload.name, cell.mode.rawValue,
                 String(cell.workers), String(cell.tasks), String(figure.round),
                 PairedPlan.baselineFirst(inRound: figure.round) ? "baseline" : "current",
                 CSVFormat.number(figure.baseline), CSVFormat.number(figure.current),
                 CSVFormat.number(figure.current / figure.baseline)]
            }
        }
    }

    /// The whole file.
    public static func text(_ figures: [Cell: [PairedComparator.RoundFigures]], metric: ComparisonMetric) -> String {
        ([header] + rows(figures, metric: metric)).map(CSVFormat.line).joined()
    }
}
