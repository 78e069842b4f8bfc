import TVPAnalysis
/// efficiency: parallel efficiency = speedup ÷ min(workers, usable CPUs), a panel per variant that
/// does work, a line per mode, the reference line 1.0 (every usable CPU busy). Above 1 the tasks
/// mostly wait. Bars: the speedup's 95 % interval scaled the same way (efficiency and speedup
/// differ by a constant factor per cell).
enum EfficiencyChart {
    /// The chart.
    static let chart = Chart(name: "efficiency", title: "Parallel efficiency", prepare: prepare)

    /// The data of `run`'s efficiency chart.
    static func prepare(_ run: RunFolder) -> ChartPreparation {
        let rows = run.summary.filter { $0.workload != "null" && $0.efficiency != nil }
        let variants = WorkersAxis.variants(rows).filter { $0.rows.contains { $0.mode != "serial" } }
        guard !variants.isEmpty else {
            return .skip("no efficiencies: the run needs a serial cell and another mode of the same workload")
        }
        let (shown, note) = WorkersAxis.limited(variants)
        let axis = WorkersAxis(rows: shown.flatMap(\.rows))
        var panels = ChartPanels(table: "series.tsv", columns: WorkersAxis.columns)
        for (variant, rows) in shown {
            let bars = rows.map(interval)
            let values: [Double] = bars.flatMap { [$0.low, $0.high] } + [1]
            panels.addPanel(title: variant, yLabel: "efficiency (speedup per usable CPU)", axis: .fitting(values, logAbove: 20),
                            lines: axis.lines(rows) { row in let bar = interval(row); return (row.efficiency, bar.low, bar.high) })
        }
        axis.legend(axis.modes, into: &panels.legend)
        panels.legend.line("1.0 = all usable CPUs busy", LineStyle(color: ChartStyle.grey, dash: 2, width: 1.5))
        var data = ChartData(finding: finding(variants, cpus: run.summary.map(\.usableCPUs).first { $0 > 0 }))
        ChartText.setHeading("Parallel efficiency = speedup ÷ min(workers, usable CPUs)  (1: every usable CPU busy; above 1: tasks mostly wait; bars: 95 % CI)", run, note: note, in: &data.settings)
        axis.write(into: &data.settings)
        panels.write(into: &data)
        return .draw(data)
    }

    /// The speedup interval of `row` scaled to its efficiency.
    static func interval(_ row: CellSummary) -> (low: Double, high: Double) {
        let efficiency = row.efficiency ?? 0
        guard let speedup = row.speedup, speedup > 0 else { return (efficiency, efficiency) }
        let scale = efficiency / speedup
        return ((row.speedupLow ?? speedup) * scale, (row.speedupHigh ?? speedup) * scale)
    }

    /// "At 2 workers (the usable CPUs): cpu[8MiB] threads 0.89, processes 0.81; …".
    static func finding(_ variants: [(variant: String, rows: [CellSummary])], cpus: Int?) -> String {
        let all = variants.flatMap(\.rows)
        let counts = Set(all.map(\.workers))
        let workers = cpus.flatMap { counts.contains($0) ? $0 : nil } ?? counts.max() ?? 1
        let clauses = variants.prefix(3).compactMap { variant, rows -> String? in
            let here = rows.filter { $0.workers == workers && $0.mode != "serial" }
            guard !here.isEmpty else { return nil }
            return "\(variant) " + here.map { "\($0.mode) \(String(format: "%.2f", $0.efficiency ?? 0))" }.joined(separator: ", ")
        }
        let at = workers == cpus ? "At \(workers) workers (the usable CPUs)" : "At \(workers) workers"
        return clauses.isEmpty ? "No mode ran at \(workers) workers." : "\(at), efficiency: " + clauses.joined(separator: "; ") + "."
    }
}
