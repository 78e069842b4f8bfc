import TVPAnalysis
import TVPFormatting
import TVPResults
/// overhead: what a mode costs per task when the task does nothing (the null workload): trial
/// wall time ÷ tasks on a log axis, bars from the fastest and slowest trials, each mode's value
/// written at its smallest worker count; for process modes the median spawn, dashed.
enum OverheadChart {
    /// The chart.
    static let chart = Chart(name: "overhead", title: "Per-task overhead of each mode", prepare: prepare)

    /// The columns: the workers axis's, the spawn (seconds), and the value as text with the y it
    /// is written at (NaN but at the mode's smallest worker count).
    static let columns = WorkersAxis.columns + ["spawn", "label", "label_y"]

    /// The data of `run`'s overhead chart.
    static func prepare(_ run: RunFolder) -> ChartPreparation {
        let rows = run.summary.filter { $0.workload == "null" && $0.perTaskMicroseconds.isFinite }
        let variants = WorkersAxis.variants(rows)
        guard !variants.isEmpty else { return .skip("the run has no null workload") }
        let (shown, note) = WorkersAxis.limited(variants)
        let axis = WorkersAxis(rows: shown.flatMap(\.rows))
        var panels = ChartPanels(table: "series.tsv", columns: columns)
        for (variant, rows) in shown {
            let first = Dictionary(rows.map { ($0.mode, $0.workers) }, uniquingKeysWith: min)
            let perTask = { (row: CellSummary, wall: Double?) in (wall ?? row.wallMedian) / Double(max(row.tasks, 1)) }
            let lines = axis.lines(rows, extra: { row in
                let y = row.perTaskMicroseconds * 1e-6
                return [.number(row.spawnP50Microseconds.map { $0 * 1e-6 }), .text(Seconds.format(y, .significant)),
                        .number(row.workers == first[row.mode] ? y : nil)]
            }) { row in (row.perTaskMicroseconds * 1e-6, perTask(row, row.wallMin.finite), perTask(row, row.wallMax.finite)) }
            // Room above the highest bar or spawn for nothing to touch the top.
            let values = rows.flatMap { [perTask($0, $0.wallMin.finite), perTask($0, $0.wallMax.finite)] } + rows.compactMap { $0.spawnP50Microseconds.map { $0 * 1e-6 } }
            let top = (values.filter(\.isFinite).max() ?? 1) * 1.6
            panels.addPanel(title: variants.count > 1 ? variant : "", yLabel: "wall time per task = trial wall time ÷ tasks",
                            axis: .fitting(values + [top], logAbove: 0), lines: lines)
        }
        axis.legend(axis.modes, into: &panels.legend)
        for mode in axis.modes(in: rows, with: \.spawnP50Microseconds) {
            var style = ChartStyle.line(mode: mode, among: axis.modes, width: 1.5)
            style.point -= 1
            style.dash = 2
            panels.legend.line("\(mode) spawn (median)", style)
        }
        var data = ChartData(finding: finding(rows, modes: axis.modes))
        ChartText.setHeading("Per-task overhead of each mode (null workload: tasks that do nothing)", run, note: note, in: &data.settings)
        axis.write(into: &data.settings)
        panels.write(into: &data)
        return .draw(data)
    }

    /// "Per task on the null workload at 1 worker: serial 107 ns, threads 207 ns, …; a process spawns in 410 µs (median)."
    static func finding(_ rows: [CellSummary], modes: [String]) -> String {
        let workers = rows.map(\.workers).min() ?? 1
        let costs = modes.compactMap { mode in
            rows.first { $0.mode == mode && $0.workers == workers }.map { "\(mode) \(Seconds.format($0.perTaskMicroseconds * 1e-6, .significant))" }
        }
        let spawns = modes.compactMap { mode in
            rows.first { $0.mode == mode && $0.workers == workers && $0.spawnP50Microseconds != nil }
                .map { "\(mode) \(Seconds.format(($0.spawnP50Microseconds ?? 0) * 1e-6, .significant))" }
        }
        return "Per task on the null workload at \(workers) worker\(workers == 1 ? "" : "s"): \(ChartText.list(costs))"
            + (spawns.isEmpty ? "." : "; median spawn of a worker process: \(ChartText.list(spawns)).")
    }
}
