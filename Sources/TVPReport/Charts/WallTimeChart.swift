import TVPAnalysis
import TVPFormatting
import TVPResults
/// wall_time: median wall time of one trial against workers, a panel per variant (null included:
/// its wall time is each mode's own cost), a line per mode, bars from the fastest to the slowest trial.
enum WallTimeChart {
    /// The chart.
    static let chart = Chart(name: "wall_time", title: "Wall time of one trial", prepare: prepare)

    /// The data of `run`'s wall-time chart.
    static func prepare(_ run: RunFolder) -> ChartPreparation {
        let variants = WorkersAxis.variants(run.summary)
        guard !variants.isEmpty else { return .skip("no wall times") }
        let (shown, note) = WorkersAxis.limited(variants)
        let axis = WorkersAxis(rows: shown.flatMap(\.rows))
        var panels = ChartPanels(table: "series.tsv", columns: WorkersAxis.columns)
        for (variant, rows) in shown {
            let values = rows.flatMap { [$0.wallMin.finite ?? $0.wallMedian, $0.wallMax.finite ?? $0.wallMedian] }
            panels.addPanel(title: variant, yLabel: "wall time per trial", axis: .fitting(values, logAbove: 20),
                            lines: axis.lines(rows) { ($0.wallMedian, $0.wallMin.finite, $0.wallMax.finite) })
        }
        axis.legend(axis.modes, into: &panels.legend)
        var data = ChartData(finding: finding(variants))
        ChartText.setHeading("Wall time of one trial (median; bars: fastest–slowest trial)", run, note: note, in: &data.settings)
        axis.write(into: &data.settings)
        panels.write(into: &data)
        return .draw(data)
    }

    /// "Fastest per variant: cpu[8MiB] threads ×4 in 432 ms; io[…] threads ×16 in 45.1 ms; …".
    static func finding(_ variants: [(variant: String, rows: [CellSummary])]) -> String {
        let fastest = variants.prefix(4).compactMap { variant, rows in
            rows.min { $0.wallMedian < $1.wallMedian }.map { "\(variant) \($0.mode) ×\($0.workers) in \(Seconds.format($0.wallMedian, .significant))" }
        }
        return "Fastest cell per variant (median wall time of one trial): " + fastest.joined(separator: "; ")
            + (variants.count > 4 ? "; more in the chart." : ".")
    }
}
