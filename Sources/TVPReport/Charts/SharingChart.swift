import Foundation
import TVPAnalysis
import TVPFormatting
import TVPResults

/// sharing: where sharing hurts. The cost of one update of each sharing strategy against workers:
/// a panel per variant of `tally` (mutex, Swift's Mutex, atomics, the race, tables per worker
/// packed or padded), `alloc` and `refs` (one graph or a copy each), a line per mode so threads
/// sit beside processes, every panel on the same logarithmic axis so strategies compare across
/// panels; bars from the fastest and slowest trials; the race's points marked with the updates it
/// lost (median per trial).
enum SharingChart {
    /// The chart.
    static let chart = Chart(name: "sharing", title: "Where sharing hurts: the cost of one update", prepare: prepare)

    /// The workloads drawn.
    static let workloads = ["tally", "alloc", "refs"]

    /// The columns of the labels of lost updates: where (x, y), what, and in which colour (0xRRGGBB).
    static let labelColumns = ["x", "y", "text", "rgb"]

    /// The data of `run`'s sharing chart.
    static func prepare(_ run: RunFolder) -> ChartPreparation {
        let rows = run.summary.filter { workloads.contains($0.workload) && ($0.perUpdateNanoseconds ?? 0) > 0 }
        let variants = WorkersAxis.variants(rows)
        guard !variants.isEmpty else {
            return .skip(run.summary.contains { workloads.contains($0.workload) }
                ? "summary.csv has no per_update_ns column" : "the run has no tally, alloc or refs workload")
        }
        let (shown, note) = WorkersAxis.limited(variants)
        let axis = WorkersAxis(rows: shown.flatMap(\.rows))
        func seconds(_ row: CellSummary, _ wall: Double?) -> Double? {
            guard let perUpdate = row.perUpdateNanoseconds, let wall, row.wallMedian > 0 else { return nil }
            return perUpdate * 1e-9 * wall / row.wallMedian
        }
        // One axis for every panel: a strategy's place on it is what the chart compares.
        let values = shown.flatMap(\.rows).flatMap { [seconds($0, $0.wallMin.finite), seconds($0, $0.wallMax.finite)].compactMap { $0 } }
        // Room above the highest point for the race's labels.
        let yAxis = YAxis.fitting(values + [(values.max() ?? 1) * 2], logAbove: 0)
        var panels = ChartPanels(table: "series.tsv", columns: WorkersAxis.columns)
        // The race's labels, a block per panel that has any (gnuplot 5.4 crashes drawing labels
        // from a one-row block whose only point is undefined, so there are none such).
        var labels = DataTable(name: "labels.tsv", columns: labelColumns)
        var labelBlocks: [Double] = []
        for (variant, rows) in shown {
            let lines = axis.lines(rows) { row in (seconds(row, row.wallMedian), seconds(row, row.wallMin.finite), seconds(row, row.wallMax.finite)) }
            guard panels.addPanel(title: variant, yLabel: "wall time per update", axis: yAxis, lines: lines) else { continue }
            // Labels of modes that lost updates at one worker count are stacked apart.
            let losers = axis.modes.filter { mode in rows.contains { $0.mode == mode && ($0.lostUpdatesMedian ?? 0) > 0 } }
            let marks = rows.compactMap { row -> [ChartValue]? in
                guard let lost = row.lostUpdatesMedian, lost > 0, let y = seconds(row, row.wallMedian) else { return nil }
                let place = Double(losers.firstIndex(of: row.mode) ?? 0)
                let rgb = Int(ChartStyle.color(mode: row.mode, among: axis.modes).dropFirst(), radix: 16) ?? 0
                return [.number(axis.x(row)), .number(y * pow(1.9, place)), .text("\(count(lost)) lost"), .number(Double(rgb))]
            }
            if marks.isEmpty {
                labelBlocks.append(0)
            } else {
                labels.addBlock(marks)
                labelBlocks.append(Double(labels.blocks.count))
            }
        }
        axis.legend(axis.modes, into: &panels.legend)
        var data = ChartData(finding: finding(rows))
        let legend = "bars: fastest and slowest trials · labels: updates a race lost (median per trial)"
        ChartText.setHeading("Where sharing hurts: wall time per update of each strategy, threads beside processes", run,
                             note: [legend, note].compactMap { $0 }.joined(separator: " · "), in: &data.settings)
        axis.write(into: &data.settings)
        data.settings.set("panel_labels", numbers: labelBlocks)
        panels.write(into: &data)
        if !labels.blocks.isEmpty { data.tables.append(labels) }
        return .draw(data)
    }

    /// 15300 as "15k", 980 as "980", 2.1e6 as "2.1M".
    static func count(_ value: Double) -> String {
        value >= 1e6 ? String(format: "%.1fM", value / 1e6) : value >= 1e4 ? String(format: "%.0fk", value / 1e3)
            : value >= 1e3 ? String(format: "%.1fk", value / 1e3) : String(format: "%.0f", value)
    }

    /// "At 2 workers, one update cost: tally[mutex] 60.1 ns on threads, 70.2 ns on process-pool; …;
    /// tally[racy] under threads lost 15k of 10M updates."
    static func finding(_ rows: [CellSummary]) -> String {
        let workers = rows.map(\.workers).contains(2) ? 2 : rows.map(\.workers).max() ?? 1
        let variants = WorkersAxis.variants(rows.filter { $0.workers == workers && $0.mode != "serial" })
        let clauses = variants.map { variant, rows -> String in
            let modes = ChartStyle.ordered(rows.map(\.mode), by: ChartStyle.modeOrder).filter { ["threads", "process-pool", "processes"].contains($0) }
            let costs = modes.compactMap { mode in
                rows.first { $0.mode == mode }.map { "\(Seconds.format(($0.perUpdateNanoseconds ?? 0) * 1e-9, .significant)) on \(mode)" }
            }
            return "\(variant) \(costs.joined(separator: ", "))"
        }
        var sentence = "At \(workers) worker\(workers == 1 ? "" : "s"), one update cost: " + clauses.joined(separator: "; ")
        let races = rows.filter { $0.workers == workers && ($0.lostUpdatesMedian ?? 0) > 0 }
        if !races.isEmpty {
            sentence += "; the race lost " + ChartText.list(races.map { "\(count($0.lostUpdatesMedian ?? 0)) updates per trial under \($0.mode)" })
        }
        return sentence + "."
    }
}
