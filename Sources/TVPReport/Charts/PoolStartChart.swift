import Foundation
import TVPAnalysis
import TVPFormatting
import TVPResults

/// pool_start: the pool start apart from the tasks. A panel per variant (the null workload first,
/// then at most three others), a horizontal bar per (mode, workers) as long as the median wall
/// time of one trial; for modes with a pool (creating the threads; spawning the workers until
/// each is ready) a dark segment from 0 is the pool start, the pale rest the tasks. Each bar's
/// numbers are written at the right, so pool starts too short to see still read. When some bar is
/// more than four times as long as the longest bar with a pool start, the axis stops just past
/// those and the longer bars are cut (a white gap near their end, "(bar cut)" after their value).
enum PoolStartChart {
    /// The chart.
    static let chart = Chart(name: "pool_start", title: "Pool start and the tasks", prepare: prepare)

    /// Panels besides the null workload's, so that the bars stay readable.
    static let maximumOtherPanels = 3
    /// The share of a panel's width the bars take; their numbers take the rest.
    static let barShare = 0.52
    /// The columns of bars.tsv: the bar's row, name, end (cut at the panel's cap), pool start
    /// (NaN without a pool), the gap marking a cut bar (NaN when whole), and its numbers.
    static let columns = ["y", "name", "wall_end", "pool_start", "cut_from", "cut_to", "text"]

    /// The data of `run`'s pool-start chart.
    static func prepare(_ run: RunFolder) -> ChartPreparation {
        let withPool = WorkersAxis.variants(run.summary.filter { $0.poolStartMedian != nil })
        guard !withPool.isEmpty else {
            return .skip(run.summary.isEmpty ? "no rows" : "no mode of the run has a pool start (pool_start_median_s; runs before schema 3 did not measure it)")
        }
        let nulls = withPool.filter { $0.rows.first?.workload == "null" }
        let others = withPool.filter { $0.rows.first?.workload != "null" }
        let shown = (nulls + others.prefix(maximumOtherPanels)).map(\.variant)
        let counts = Array(Set(run.summary.map(\.workers))).sorted()
        // All worker counts, or the smallest and the largest when there are more than three.
        let workers = counts.count > 3 ? [counts[0], counts[counts.count - 1]] : counts
        let rows = run.summary.filter { shown.contains($0.panel) && workers.contains($0.workers) }
        let modes = ChartStyle.ordered(rows.map(\.mode), by: ChartStyle.modeOrder)

        var panels = ChartPanels(table: "bars.tsv", columns: columns)
        var caps: [Double] = [], rowCounts: [Double] = []
        for variant in shown {
            let bars = modes.flatMap { mode in workers.compactMap { w in rows.first { $0.panel == variant && $0.mode == mode && $0.workers == w } } }
            let longest = bars.map(\.wallMedian).max() ?? 1
            let longestWithPool = bars.filter { $0.poolStartMedian != nil }.map(\.wallMedian).max() ?? longest
            let cap = longest <= 4 * longestWithPool ? longest : 1.25 * longestWithPool
            var place = 0
            let lines = modes.map { mode -> (style: LineStyle, rows: [[ChartValue]]) in
                let mine = bars.filter { $0.mode == mode }
                let values = mine.map { bar -> [ChartValue] in
                    place += 1
                    let cut = bar.wallMedian > cap
                    return [.number(Double(bars.firstIndex(of: bar).map { $0 + 1 } ?? place)), .text("\(bar.mode) ×\(bar.workers)"),
                            .number(min(bar.wallMedian, cap)), .number(bar.poolStartMedian),
                            .number(cut ? 0.9 * cap : nil), .number(cut ? 0.935 * cap : nil), .text(text(bar, cut: cut))]
                }
                return (ChartStyle.line(mode: mode, among: modes), values)
            }
            if panels.addPanel(title: variant, yLabel: "", axis: YAxis(log: false, low: 0.4, high: Double(bars.count) + 0.6), lines: lines) {
                caps.append(cap)
                rowCounts.append(Double(bars.count))
            }
        }
        for mode in modes { panels.legend.box(mode, color: ChartStyle.color(mode: mode, among: modes), fill: 0.3) }
        panels.legend.box("pool start (dark)", color: ChartStyle.grey, fill: 1)
        panels.legend.box("rest of the trial (pale)", color: ChartStyle.grey, fill: 0.3)

        var data = ChartData(finding: finding(rows.filter { $0.poolStartMedian != nil }, modes: modes))
        if others.count > maximumOtherPanels {
            data.finding += " (\(others.count - maximumOtherPanels) more variants with a pool start are left out of the chart.)"
        }
        ChartText.setHeading("Pool start and the tasks: median wall time of one trial (dark: the pool start, pool_start_median_s; pale: the rest of the trial)", run, in: &data.settings)
        data.settings.set("panels_abreast", 2)
        data.settings.set("panel_cap", numbers: caps)
        data.settings.set("panel_xstep", numbers: caps.map(ticStep))
        data.settings.set("bar_share", barShare)
        panels.write(into: &data)
        return .draw(data)
    }

    /// "980 ms · pool start 45.6 µs (0.0 %)", and "(bar cut)" for a cut bar.
    static func text(_ bar: CellSummary, cut: Bool) -> String {
        Seconds.format(bar.wallMedian, .significant)
            + (bar.poolStartMedian.map { " · pool start \(Seconds.format($0, .significant)) (\(Percent.format($0 / bar.wallMedian, .spaced)))" } ?? "")
            + (cut ? " (bar cut)" : "")
    }

    /// About three tics under the bars, 1, 2 or 5 × 10^k apart.
    static func ticStep(_ cap: Double) -> Double {
        let raw = cap / 2.5, magnitude = pow(10, floor(log10(raw))), ratio = raw / magnitude
        return (ratio < 1.5 ? 1 : ratio < 3.5 ? 2 : ratio < 7.5 ? 5 : 10) * magnitude
    }

    /// "Pool start: threads 45.6–74.2 µs (at most 0.3 % of a trial), process-pool 834 µs–26.4 ms (at most 4.6 %)."
    static func finding(_ rows: [CellSummary], modes: [String]) -> String {
        let parts = modes.compactMap { mode -> String? in
            let mine = rows.filter { $0.mode == mode }
            let starts = mine.compactMap(\.poolStartMedian)
            guard let low = starts.min(), let high = starts.max() else { return nil }
            let share = mine.compactMap { row in row.poolStartMedian.map { $0 / row.wallMedian } }.max() ?? 0
            let span = low == high ? Seconds.format(low, .significant) : "\(Seconds.format(low, .significant))–\(Seconds.format(high, .significant))"
            return "\(mode) \(span) (at most \(Percent.format(share, .spaced)) of a trial)"
        }
        return "Pool start: " + ChartText.list(parts) + "."
    }
}
