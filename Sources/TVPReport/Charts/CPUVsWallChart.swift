import TVPAnalysis
import TVPFormatting
import TVPResults
/// cpu_vs_wall: CPU time (user + sys, children included) against wall time of one trial, a panel
/// per variant: solid lines with filled points are CPU time, dashed lines with hollow points wall
/// time, a colour per mode. A mode whose solid line sits above another's burns CPU the other does
/// not (spawning, loading, copying); CPU above wall means more than one CPU was busy.
enum CPUVsWallChart {
    /// The chart.
    static let chart = Chart(name: "cpu_vs_wall", title: "CPU time against wall time", prepare: prepare)

    /// The columns: x, workers, wall (y), and cpu (NaN when 0: below the clock's resolution,
    /// which a log axis cannot show).
    static let columns = WorkersAxis.columns + ["cpu"]

    /// The data of `run`'s CPU-against-wall chart.
    static func prepare(_ run: RunFolder) -> ChartPreparation {
        let variants = WorkersAxis.variants(run.summary.filter { $0.cpuMedian > 0 })
            .map { variant, _ in (variant, run.summary.filter { $0.panel == variant }) }
        guard !variants.isEmpty else { return .skip("no CPU times") }
        let (shown, note) = WorkersAxis.limited(variants)
        let axis = WorkersAxis(rows: shown.flatMap(\.1))
        var panels = ChartPanels(table: "series.tsv", columns: columns)
        for (variant, rows) in shown {
            let lines = axis.lines(rows, extra: { [.number($0.cpuMedian > 0 ? $0.cpuMedian : nil)] }) { ($0.wallMedian, nil, nil) }
            let values = rows.map(\.wallMedian) + rows.compactMap { $0.cpuMedian > 0 ? $0.cpuMedian : nil }
            panels.addPanel(title: variant, yLabel: "time per trial", axis: .fitting(values, logAbove: 20), lines: lines)
        }
        axis.legend(axis.modes, into: &panels.legend)
        panels.legend.line("CPU time (solid)", LineStyle(color: ChartStyle.grey, point: 7, width: 2.5))
        panels.legend.line("wall time (dashed)", LineStyle(color: ChartStyle.grey, point: 6, dash: 2, width: 1.5))
        var data = ChartData(finding: finding(variants))
        ChartText.setHeading("CPU time vs wall time of one trial (medians; CPU = user + sys of all threads and child processes)", run, note: note, in: &data.settings)
        axis.write(into: &data.settings)
        panels.write(into: &data)
        return .draw(data)
    }

    /// At the most workers, the hungriest mode's CPU time per trial against the leanest's: "On
    /// cpu[8MiB] ×16, processes use 1.02 s of CPU per trial against 965 ms for threads (1.1×); …".
    static func finding(_ variants: [(String, [CellSummary])]) -> String {
        let clauses = variants.prefix(3).compactMap { variant, rows -> String? in
            let parallel = rows.filter { $0.mode != "serial" && $0.cpuMedian > 0 }
            guard let workers = parallel.map(\.workers).max() else { return nil }
            let here = parallel.filter { $0.workers == workers }
            guard let most = here.max(by: { $0.cpuMedian < $1.cpuMedian }),
                  let least = here.min(by: { $0.cpuMedian < $1.cpuMedian }), most.mode != least.mode else { return nil }
            let (a, b) = (most.cpuMedian, least.cpuMedian)
            return "on \(variant) ×\(workers), \(most.mode) use \(Seconds.format(a, .significant)) of CPU per trial against \(Seconds.format(b, .significant)) for \(least.mode) (\(Ratio.format(a / b, .short)))"
        }
        guard !clauses.isEmpty else { return "Each mode's CPU time per trial against its wall time." }
        let sentence = clauses.joined(separator: "; ")
        return sentence.prefix(1).uppercased() + sentence.dropFirst() + "."
    }
}
