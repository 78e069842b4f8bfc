import Foundation
import TVPAnalysis
import TVPFormatting
import TVPResults

/// responsiveness: how late a foreground's wake-ups were while the workers hashed in the
/// background. A panel per `responsiveness` variant and worker count; in each, a line per mode
/// through its lateness percentiles (p50, p90, p99, p99.9 and the latest wake-up; medians over
/// trials) on a "nines" x axis (−log10(1 − p)), the lateness on one log axis for every panel, the
/// p99 column marked; `serial`, the foreground alone, drawn in every panel as the floor. The
/// background's hashing rate is in the legend (one panel) or written at each line's end.
enum ResponsivenessChart {
    /// The chart.
    static let chart = Chart(name: "responsiveness", title: "Responsiveness: a foreground's wake-up lateness under background hashing",
                             prepare: prepare)

    /// The columns of series.tsv: x on the nines axis, the lateness (seconds), the same at the p99
    /// point only (the mark), and the background's rate as text with where it is written (the
    /// latest wake-up's point; NaN elsewhere).
    static let columns = ["x", "y", "p99", "label", "label_y"]

    /// The percentiles drawn, each at −log10(1 − p) on the x axis; the latest wake-up at 3.6.
    static let points: [(label: String, x: Double, value: KeyPath<CellSummary, Double?> & Sendable)] = [
        ("p50", log10(2), \.latenessP50Microseconds), ("p90", 1, \.latenessP90Microseconds),
        ("p99", 2, \.latenessP99Microseconds), ("p99.9", 3, \.latenessP999Microseconds), ("max", 3.6, \.latenessMaxMicroseconds),
    ]

    /// The data of `run`'s responsiveness chart.
    static func prepare(_ run: RunFolder) -> ChartPreparation {
        let rows = run.summary.filter { $0.workload == "responsiveness" && $0.latenessP99Microseconds != nil }
        guard !rows.isEmpty else {
            return .skip(run.summary.contains { $0.workload == "responsiveness" }
                ? "summary.csv has no lateness columns (a run from before schema 6)" : "the run has no responsiveness workload")
        }
        let modes = ChartStyle.ordered(rows.map(\.mode), by: ChartStyle.modeOrder)
        let panelsShown = panels(rows)
        let values = rows.flatMap { row in points.compactMap { row[keyPath: $0.value] } }.map { $0 * 1e-6 }
        let yAxis = YAxis.fitting(values, logAbove: 0)
        let labelled = panelsShown.count > 1
        var chartPanels = ChartPanels(table: "series.tsv", columns: columns)
        for panel in panelsShown {
            let lines = modes.map { mode -> (style: LineStyle, rows: [[ChartValue]]) in
                guard let row = panel.rows.first(where: { $0.mode == mode }) else { return (ChartStyle.line(mode: mode, among: modes), []) }
                let drawn = points.compactMap { point -> [ChartValue]? in
                    guard let micro = row[keyPath: point.value], micro.isFinite else { return nil }
                    let y = micro * 1e-6
                    let last = point.label == "max"
                    return [.number(point.x), .number(y), .number(point.label == "p99" ? y : nil),
                            .text(last ? rate(row) : ""), .number(last && labelled ? y : nil)]
                }
                return (ChartStyle.line(mode: mode, among: modes), drawn)
            }
            chartPanels.addPanel(title: panel.title, yLabel: "wake-up lateness", axis: yAxis, lines: lines)
        }
        for mode in modes {
            let rates = Set(rows.filter { $0.mode == mode }.map(rate))
            let title = !labelled && rates.count == 1 && rates.first != "" ? "\(mode) · background \(rates.first!)" : mode
            chartPanels.legend.line(title, ChartStyle.line(mode: mode, among: modes))
        }
        var data = ChartData(finding: finding(rows))
        ChartText.setHeading("A foreground's wake-up lateness while the workers hash (percentiles of its wake-ups, medians over trials)", run,
                             note: "dashed: p99 · serial: the foreground alone", in: &data.settings)
        data.settings.set("x_log", 0)
        data.settings.set("x_low", 0.1)
        data.settings.set("x_high", labelled ? 4.7 : 3.9)
        data.settings.set("x_tic_value", numbers: points.map(\.x))
        data.settings.set("x_tic_label", texts: points.map(\.label))
        data.settings.set("x_label", "percentile of the foreground's wake-ups (nines: p90, p99, p99.9)")
        data.settings.set("p99_x", 2)
        chartPanels.write(into: &data)
        return .draw(data)
    }

    /// The panels: one per variant and worker count of the modes beside a background, each with the
    /// variant's `serial` row (the foreground alone), titled "variant · N workers".
    static func panels(_ rows: [CellSummary]) -> [(title: String, rows: [CellSummary])] {
        WorkersAxis.variants(rows).flatMap { variant, rows -> [(title: String, rows: [CellSummary])] in
            let floor = rows.filter { $0.mode == "serial" }
            let workers = Array(Set(rows.filter { $0.mode != "serial" }.map(\.workers))).sorted()
            guard !workers.isEmpty else { return [(variant, floor)] }
            return workers.map { count in
                ("\(variant) · \(count) worker\(count == 1 ? "" : "s")", floor + rows.filter { $0.mode != "serial" && $0.workers == count })
            }
        }
    }

    /// The background's hashing rate of `row`, "3400 MB/s"; empty when it has none.
    static func rate(_ row: CellSummary) -> String {
        row.backgroundMegabytesPerSecond.map { Rate.format(megabytesPerSecond: $0) } ?? ""
    }

    /// "At 2 workers, the foreground's p99 lateness was 61.2 µs alone (serial), 180 µs under threads, …, 9.80 ms under async,
    /// while the background hashed at 3400 MB/s under threads, …."
    static func finding(_ rows: [CellSummary]) -> String {
        let busy = rows.filter { $0.mode != "serial" }
        let workers = busy.map(\.workers).max() ?? 1
        let variant = rows.first?.variant ?? ""
        let shown = rows.filter { $0.variant == variant && ($0.mode == "serial" || $0.workers == workers) }
        let ordered = ChartStyle.ordered(shown.map(\.mode), by: ChartStyle.modeOrder).compactMap { mode in shown.first { $0.mode == mode } }
        let lateness = ordered.map { row in
            "\(Seconds.format((row.latenessP99Microseconds ?? .nan) * 1e-6, .significant)) \(row.mode == "serial" ? "alone (serial)" : "under \(row.mode)")"
        }
        let rates = ordered.filter { $0.mode != "serial" && $0.backgroundMegabytesPerSecond != nil }.map { "\(rate($0)) under \($0.mode)" }
        var sentence = "At \(workers) worker\(workers == 1 ? "" : "s") (\(variant)), the foreground's p99 lateness was \(ChartText.list(lateness))"
        if !rates.isEmpty { sentence += ", while the background hashed at \(ChartText.list(rates))" }
        return sentence + "."
    }
}
