import Foundation
import TVPAnalysis

/// The shape the charts against workers share (speedup, wall_time, efficiency, overhead,
/// cpu_vs_wall): a panel per workload variant, a line per mode, x the worker count on a log2 axis,
/// each mode nudged aside so that bars at one worker count stay apart.
struct WorkersAxis {
    /// The columns of their data tables: the nudged x, the worker count, the value and its bar.
    static let columns = ["x", "workers", "y", "low", "high"]
    /// The modes drawn, in chart order (colours and nudges follow it).
    let modes: [String]
    /// Worker counts drawn, ascending: the axis tics.
    let workers: [Int]

    /// The axis for the rows a chart draws.
    init(rows: [CellSummary]) {
        modes = ChartStyle.ordered(rows.map(\.mode), by: ChartStyle.modeOrder)
        workers = Array(Set(rows.map(\.workers))).sorted()
    }

    /// `row`'s worker count, nudged by its mode's place (3 % of a doubling per place).
    func x(_ row: CellSummary) -> Double {
        let place = Double(modes.firstIndex(of: row.mode) ?? 0) + 1
        return Double(row.workers) * pow(2, 0.03 * (place - Double(modes.count + 1) / 2))
    }

    /// A line per mode of `rows` (one panel's), with the points where `value` gives a y: the
    /// value and its bar (nil ends fall back to the value), then the `extra` columns of the chart.
    func lines(_ rows: [CellSummary], width: Double = 2, extra: (CellSummary) -> [ChartValue] = { _ in [] },
               value: (CellSummary) -> (y: Double?, low: Double?, high: Double?)) -> [(style: LineStyle, rows: [[ChartValue]])] {
        modes.map { mode in
            let points = rows.filter { $0.mode == mode }.sorted { $0.workers < $1.workers }.compactMap { row -> [ChartValue]? in
                let (y, low, high) = value(row)
                guard let y, y.isFinite else { return nil }
                return [.number(x(row)), .number(Double(row.workers)), .number(y), .number(low ?? y), .number(high ?? y)] + extra(row)
            }
            return (ChartStyle.line(mode: mode, among: modes, width: width), points)
        }
    }

    /// The modes of `rows` with a number for `value`.
    func modes(in rows: [CellSummary], with value: (CellSummary) -> Double?) -> [String] {
        modes.filter { mode in rows.contains { $0.mode == mode && value($0) != nil } }
    }

    /// A legend entry per mode in `modes` (line with the mode's point).
    func legend(_ modes: [String], into legend: inout Legend) {
        for mode in modes { legend.line(mode, ChartStyle.line(mode: mode, among: self.modes)) }
    }

    /// Writes the tics (`workers`) into `settings`.
    func write(into settings: inout GnuplotSettings) {
        settings.set("workers", numbers: workers.map(Double.init))
    }

    /// Panels a chart against workers draws at most: more would be too small to read (a sweep of
    /// 49 `mixed` variants belongs to the crossover chart).
    static let maximumPanels = 9

    /// The first `maximumPanels` of `variants`, and a note for the heading when some are left out.
    static func limited<T>(_ variants: [T]) -> (shown: [T], note: String?) {
        guard variants.count > maximumPanels else { return (variants, nil) }
        return (Array(variants.prefix(maximumPanels)), "the first \(maximumPanels) of \(variants.count) variants (all in summary.csv)")
    }

    /// `rows` grouped by panel (the variant, and the placement when `affinity` placed it), in file order.
    static func variants(_ rows: [CellSummary]) -> [(variant: String, rows: [CellSummary])] {
        var order: [String] = []
        var groups: [String: [CellSummary]] = [:]
        for row in rows {
            if groups[row.panel] == nil { order.append(row.panel) }
            groups[row.panel, default: []].append(row)
        }
        return order.map { ($0, groups[$0] ?? []) }
    }
}
