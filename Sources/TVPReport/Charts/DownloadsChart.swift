import TVPAnalysis
import TVPFormatting
import TVPResults
/// downloads: a thread per download or an event loop. Against downloads in flight (workers), per
/// `download` variant: the speedup over serial (throughput, with its 95 % interval and the ideal
/// line, = in flight), then the peak OS threads and the peak memory of tvp's own process; a line
/// per mode, logarithmic axes. A thread per download pays a thread (and its stack) per download in
/// flight; an event loop a few threads whatever the width.
enum DownloadsChart {
    /// The chart.
    static let chart = Chart(name: "downloads", title: "Downloads in flight: threads and memory of tvp", prepare: prepare)

    /// What a panel shows: its title's words, the y label and the value of a row.
    private struct Measure: Sendable {
        let name: String
        let yLabel: String
        let kind: Double
        let value: @Sendable (CellSummary) -> (y: Double?, low: Double?, high: Double?)
    }

    /// Speedup (kind 0), threads (1), memory in bytes (2): the panels of each variant, top to bottom.
    private static let measures = [
        Measure(name: "speedup", yLabel: "speedup (× serial)", kind: 0, value: { ($0.speedup, $0.speedupLow, $0.speedupHigh) }),
        Measure(name: "peak OS threads", yLabel: "peak OS threads of tvp", kind: 1, value: { ($0.osThreadsMaxMedian.finite, nil, nil) }),
        Measure(name: "peak memory", yLabel: "peak memory of tvp", kind: 2, value: { ($0.tvpMaxRSSMedianKiB.finite.map { $0 * 1_024 }, nil, nil) }),
    ]

    /// The data of `run`'s downloads chart.
    static func prepare(_ run: RunFolder) -> ChartPreparation {
        let downloads = run.summary.filter { $0.workload == "download" }
        guard !downloads.isEmpty else { return .skip("the run has no download workload") }
        let rows = downloads.filter { $0.osThreadsMaxMedian.isFinite && $0.tvpMaxRSSMedianKiB.isFinite }
        guard !rows.isEmpty else { return .skip("summary.csv has no os_threads_max_median or tvp_max_rss_median_kib column") }
        // Three panels per variant: at most a third as many variants as a chart has panels.
        let variants = WorkersAxis.variants(rows)
        let limit = max(1, WorkersAxis.maximumPanels / measures.count)
        let shown = Array(variants.prefix(limit))
        let note = variants.count > limit ? "the first \(limit) of \(variants.count) variants (all in summary.csv)" : nil
        let axis = WorkersAxis(rows: shown.flatMap(\.rows))
        var panels = ChartPanels(table: "series.tsv", columns: WorkersAxis.columns)
        var kinds: [Double] = []
        // One axis per measure across variants, so that variants compare.
        let axes = measures.map { measure -> YAxis in
            var values = shown.flatMap(\.rows).flatMap { row -> [Double] in
                let (y, low, high) = measure.value(row)
                return [y, low, high].compactMap { $0 }
            }
            // A speedup axis holds 1 (the ideal line runs up to where the data ends).
            if measure.kind == 0 { values += [1, 1.5 * (values.max() ?? 1)] }
            return YAxis.fitting(values, logAbove: 4)
        }
        // A variant's three panels side by side: a row per variant.
        for (variant, rows) in shown {
            let name = variant.hasPrefix("download[") && variant.hasSuffix("]") ? String(variant.dropFirst(9).dropLast()) : variant
            for (measure, yAxis) in zip(measures, axes) {
                let lines = axis.lines(rows) { measure.value($0) }
                if panels.addPanel(title: "\(measure.name) · \(name)", yLabel: measure.yLabel, axis: yAxis, lines: lines) {
                    kinds.append(measure.kind)
                }
            }
        }
        axis.legend(axis.modes, into: &panels.legend)
        var data = ChartData(finding: finding(shown.first?.rows ?? []))
        ChartText.setHeading("A thread per download or an event loop: speedup, and tvp's own peak OS threads and memory",
                             run, note: ["speedup bars: 95 % CI; dashed: ideal", note].compactMap { $0 }.joined(separator: " · "), in: &data.settings)
        axis.write(into: &data.settings)
        data.settings.set("panel_kind", numbers: kinds)
        panels.write(into: &data)
        return .draw(data)
    }

    /// "At 10000 downloads in flight, threads reached 179× over serial with 659 OS threads and
    /// 143 MiB and async 132× with 8 OS threads and 252 MiB." (the widest worker count of the first
    /// variant, for the modes measured there).
    static func finding(_ rows: [CellSummary]) -> String {
        guard let widest = rows.map(\.workers).max() else { return "" }
        let modes = ChartStyle.ordered(rows.filter { $0.workers == widest }.map(\.mode), by: ChartStyle.modeOrder)
        let parts = modes.enumerated().compactMap { index, mode -> String? in
            guard let row = rows.first(where: { $0.workers == widest && $0.mode == mode }),
                  let threads = row.osThreadsMaxMedian.finite, let kib = row.tvpMaxRSSMedianKiB.finite else { return nil }
            let memory = ByteSize.format(kib * 1_024, .significant)
            let speed = row.speedup.map { "\(index == 0 ? "reached " : "")\(Ratio.format($0, .short))\(index == 0 ? " over serial" : "") with " } ?? (index == 0 ? "held " : "")
            return "\(mode) \(speed)\(Int(threads.rounded())) OS thread\(threads == 1 ? "" : "s") and \(memory)"
        }
        guard !parts.isEmpty else { return "" }
        return "At \(widest) download\(widest == 1 ? "" : "s") in flight, \(ChartText.list(parts))."
    }
}
