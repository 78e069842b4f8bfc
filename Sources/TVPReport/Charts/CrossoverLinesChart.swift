import Foundation
import TVPAnalysis
import TVPFormatting
import TVPResults

/// crossover_lines: the crossover as lines, the second view of `crossover`: a panel per pair of
/// modes, x the CPU share of each task, y the thread mode's median wall time ÷ the process mode's
/// (log axis, 95 % bars), a line per task size from light (small) to dark (large), the bold
/// break-even line at 1, the regions named, each panel's verdict under its title.
enum CrossoverLinesChart {
    /// The chart.
    static let chart = Chart(name: "crossover_lines", title: "The crossover, as lines", prepare: prepare)

    /// The data of `run`'s crossover line chart.
    static func prepare(_ run: RunFolder) -> ChartPreparation {
        let pairs = CrossoverMapChart.pairs(run.crossover)
        guard !pairs.isEmpty else { return .skip(CrossoverMapChart.skipReason) }
        let sizes = Array(Set(run.crossover.map(\.taskMilliseconds))).sorted()
        var panels = ChartPanels(table: "series.tsv", columns: ["x", "y", "low", "high"])
        var upper: [String] = [], lower: [String] = [], verdicts: [String] = []
        for pair in pairs {
            let lines = sizes.enumerated().map { k, size -> (style: LineStyle, rows: [[ChartValue]]) in
                // Task sizes nudged apart on the share axis so that their bars do not overlap.
                let nudge = 0.012 * (Double(k) - Double(sizes.count - 1) / 2)
                let rows = pair.points.filter { $0.taskMilliseconds == size }.sorted { $0.cpuShare < $1.cpuShare }
                    .map { [ChartValue.number($0.cpuShare + nudge), .number($0.ratio), .number($0.ratioCI.lowerBound), .number($0.ratioCI.upperBound)] }
                return (LineStyle(color: ramp(k, of: sizes.count), point: 7), rows)
            }
            let low = min(pair.points.map(\.ratioCI.lowerBound).min() ?? 1, 1), high = max(pair.points.map(\.ratioCI.upperBound).max() ?? 1, 1)
            // Room above the data for the verdict and the upper region's name, below for the lower's.
            let spread = high / low
            let axis = YAxis(log: true, low: low / pow(spread, 0.15) / 1.35, high: high * pow(spread, 0.3) * 1.35)
            panels.addPanel(title: pair.title, yLabel: "\(pair.threadMode) wall time ÷ \(pair.processMode) wall time", axis: axis, lines: lines)
            upper.append("▲ \(pair.processMode) faster")
            lower.append("▼ \(pair.threadMode) faster")
            verdicts.append(pair.breakEven.map(CrossoverText.shortVerdict) ?? "")
        }
        for (k, size) in sizes.enumerated() { panels.legend.line("\(Number.format(size)) ms tasks", LineStyle(color: ramp(k, of: sizes.count), point: 7)) }
        panels.legend.line("break-even (ratio 1)", LineStyle(color: "#222222", width: 3.5))

        var data = ChartData(finding: CrossoverMapChart.finding(pairs))
        data.settings.set("box_top", 0.84)
        data.settings.set("gap_y", 0.16)
        ChartText.setHeading("Crossover: thread mode's wall time ÷ process mode's (medians; above 1 the process mode is faster; bars: 95 % CI)", run, in: &data.settings)
        data.settings.set("panel_upper", texts: upper)
        data.settings.set("panel_lower", texts: lower)
        data.settings.set("panel_verdict", texts: verdicts)
        panels.write(into: &data)
        return .draw(data)
    }

    /// The colour of the `k`-th of `count` task sizes: viridis from green (small) to dark purple
    /// (large), without its pale yellow end, which vanishes on white.
    static func ramp(_ k: Int, of count: Int) -> String {
        let stops: [(Double, Double, Double)] = [(0x7A, 0xD1, 0x51), (0x2A, 0x78, 0x8E), (0x44, 0x01, 0x54)]
        let t = count <= 1 ? 1 : Double(k) / Double(count - 1)
        let (a, b, f) = t <= 0.5 ? (stops[0], stops[1], t / 0.5) : (stops[1], stops[2], (t - 0.5) / 0.5)
        let mix = { (x: Double, y: Double) in Int((x + (y - x) * f).rounded()) }
        return String(format: "#%02X%02X%02X", mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
    }
}
