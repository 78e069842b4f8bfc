import TVPAnalysis
import TVPFormatting
import TVPResults
/// speedup: speedup over serial against workers, a panel per workload variant that does work, a
/// line per mode with its 95 % bootstrap interval, the ideal line (= workers) and the usable-CPU
/// ceiling. The null workload is left out: its "speedup" is the inverse of each mode's overhead,
/// which the overhead chart shows.
enum SpeedupChart {
    /// The chart.
    static let chart = Chart(name: "speedup", title: "Speedup over serial", prepare: prepare)

    /// The data of `run`'s speedup chart.
    static func prepare(_ run: RunFolder) -> ChartPreparation {
        let rows = run.summary.filter { $0.workload != "null" && $0.speedup != nil }
        // A serial point alone (1 by definition) is not a panel.
        let variants = WorkersAxis.variants(rows).filter { $0.rows.contains { $0.mode != "serial" } }
        guard !variants.isEmpty else {
            return .skip("no speedups: the run needs a serial cell and another mode of the same workload")
        }
        let (shown, note) = WorkersAxis.limited(variants)
        let axis = WorkersAxis(rows: shown.flatMap(\.rows))
        let cpus = run.summary.map(\.usableCPUs).first { $0 > 0 }
        var panels = ChartPanels(table: "series.tsv", columns: WorkersAxis.columns)
        for (variant, rows) in shown {
            let lines = axis.lines(rows) { ($0.speedup, $0.speedupLow, $0.speedupHigh) }
            // The range holds the bars, the ideal line up to the largest worker count, and the ceiling.
            let bars: [Double] = rows.flatMap { [$0.speedupLow, $0.speedupHigh, $0.speedup].compactMap { $0 } }
            let values = bars + [1, Double(axis.workers.last ?? 1), Double(cpus ?? 1)]
            panels.addPanel(title: variant, yLabel: "speedup (× serial)", axis: .fitting(values, logAbove: 10), lines: lines)
        }
        axis.legend(axis.modes, into: &panels.legend)
        panels.legend.line("ideal (= workers)", LineStyle(color: ChartStyle.grey, dash: 2, width: 1.5))
        if cpus != nil { panels.legend.line("usable CPUs", LineStyle(color: ChartStyle.ceiling, dash: 3, width: 2)) }

        var data = ChartData(finding: finding(variants))
        ChartText.setHeading("Speedup over serial (median serial wall time ÷ median wall time; bars: 95 % bootstrap CI)", run, note: note, in: &data.settings)
        data.settings.set("y_log_base", 2)
        data.settings.set("usable_cpus", Double(cpus ?? 0))
        axis.write(into: &data.settings)
        panels.write(into: &data)
        return .draw(data)
    }

    /// "On cpu[8MiB], threads reach 1.9× over serial (at 4 workers) and processes 1.7× (at 4); …".
    static func finding(_ variants: [(variant: String, rows: [CellSummary])]) -> String {
        let clauses = variants.prefix(3).map { variant, rows -> String in
            let modes = ChartStyle.ordered(rows.map(\.mode), by: ChartStyle.modeOrder).filter { $0 != "serial" }
            let best = modes.compactMap { mode in
                rows.filter { $0.mode == mode }.max { ($0.speedup ?? 0) < ($1.speedup ?? 0) }
            }
            let parts = best.enumerated().map { index, row in
                "\(row.mode) \(index == 0 ? "reach " : "")\(Ratio.format(row.speedup ?? 0, .short))\(index == 0 ? " over serial" : "") (at \(row.workers) worker\(row.workers == 1 ? "" : "s"))"
            }
            return "on \(variant), \(ChartText.list(parts))"
        }
        let sentence = clauses.joined(separator: "; ")
        return sentence.prefix(1).uppercased() + sentence.dropFirst() + (variants.count > 3 ? "; more panels in the chart." : ".")
    }
}
