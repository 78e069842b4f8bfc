import Foundation
import TVPAnalysis
import TVPFormatting
import TVPResults

/// transfer: what it costs a process to get its data, which threads read in place. The shared
/// workload hashes one input, each task its own slice; a worker process obtains its slice through
/// a pipe, a file or shared memory. Three panels: wall time of one trial, throughput, and the rate
/// at which worker processes received their bytes; x is the input size (or, with a single size,
/// the transfer); a colour per mode, a dash and point per transfer. One worker count, the largest
/// of the shared rows (serial, one worker by definition, is the single-thread reference).
enum TransferChart {
    /// The chart.
    static let chart = Chart(name: "transfer", title: "What a process pays to get its data", prepare: prepare)

    /// The panels: the value drawn, its title, y label and tic formats (log, linear).
    static let panels: [(value: @Sendable (CellSummary) -> Double?, title: String, yLabel: String, formats: (String, String))] = [
        ({ $0.wallMedian }, "wall time of one trial (median)", "wall time per trial", ("%.0s %cs", "%g s")),
        ({ $0.megabytesPerSecond }, "throughput: bytes hashed ÷ wall time", "MB/s (1 MB = 10⁶ B)", ("%g", "%g")),
        ({ $0.transferMegabytesPerSecond }, "receive rate of the worker processes", "MB/s received by the workers", ("%g", "%g")),
    ]

    /// The data of `run`'s transfer chart.
    static func prepare(_ run: RunFolder) -> ChartPreparation {
        let shared = run.summary.filter { $0.workload == "shared" && $0.inputSize != nil }
        guard let workers = shared.map(\.workers).max() else {
            return .skip(run.summary.contains { $0.workload == "shared" }
                ? "summary.csv has no input_size column: the run predates the shared workload" : "the run has no shared workload")
        }
        let rows = shared.filter { $0.mode == "serial" || $0.workers == workers }
        let modes = ChartStyle.ordered(rows.map(\.mode), by: ChartStyle.modeOrder)
        let transfers = ChartStyle.ordered(rows.map { $0.transfer ?? "in-place" }, by: ChartStyle.transferOrder)
        let sizes = Array(Set(rows.compactMap(\.inputSize))).sorted()
        let bySize = sizes.count > 1
        // Lines: a (mode, transfer) pair each, modes in mode order, transfers in transfer order.
        let pairs = modes.flatMap { mode in transfers.map { (mode, $0) } }.filter { pair in rows.contains { $0.mode == pair.0 && ($0.transfer ?? "in-place") == pair.1 } }
        func x(_ row: CellSummary) -> Double {
            if bySize { return row.inputSize ?? 0 }
            let place = Double(modes.firstIndex(of: row.mode) ?? 0) + 1
            return Double((transfers.firstIndex(of: row.transfer ?? "in-place") ?? 0) + 1) + 0.12 * (place - Double(modes.count + 1) / 2)
        }

        var chartPanels = ChartPanels(table: "series.tsv", columns: ["x", "y"])
        var formats: [(String, String)] = []
        for panel in panels {
            let lines = pairs.map { mode, transfer in
                let points = rows.filter { $0.mode == mode && ($0.transfer ?? "in-place") == transfer }.sorted { x($0) < x($1) }
                    .compactMap { row in panel.value(row).flatMap { $0 > 0 ? [ChartValue.number(x(row)), .number($0)] : nil } }
                return (LineStyle(color: ChartStyle.color(mode: mode, among: modes), point: ChartStyle.point(transfer: transfer),
                                  dash: ChartStyle.dash(transfer: transfer)), points)
            }
            let values = rows.compactMap(panel.value).filter { $0 > 0 }
            if chartPanels.addPanel(title: panel.title, yLabel: panel.yLabel, axis: .fitting(values, logAbove: 20), lines: lines) {
                formats.append(panel.formats)
            }
        }
        guard chartPanels.count > 0 else { return .skip("the shared rows have no numbers to draw") }
        for mode in modes { chartPanels.legend.line(mode, LineStyle(color: ChartStyle.color(mode: mode, among: modes))) }
        for transfer in transfers {
            chartPanels.legend.line(transfer, LineStyle(color: ChartStyle.grey, point: ChartStyle.point(transfer: transfer), dash: ChartStyle.dash(transfer: transfer)))
        }

        var data = ChartData(finding: finding(rows, workers: workers))
        let reference = workers == 1 || !modes.contains("serial") ? "" : "; serial: 1"
        ChartText.setHeading("What a process pays to get its data, which threads read in place (shared workload, \(workers) worker\(workers == 1 ? "" : "s")\(reference); medians)", run, in: &data.settings)
        var s = data.settings
        s.set("panel_log_format", texts: formats.map(\.0))
        s.set("panel_linear_format", texts: formats.map(\.1))
        if bySize {
            s.set("x_log", 2)
            s.set("x_low", (sizes.first ?? 1) / 1.3)
            s.set("x_high", (sizes.last ?? 1) * 1.3)
            s.set("x_tic_value", numbers: sizes)
            s.set("x_tic_label", texts: sizes.map { ByteSize.format($0, .significant) })
            s.set("x_label", "input size (log scale)")
        } else {
            s.set("x_log", 0)
            s.set("x_low", 0.5)
            s.set("x_high", Double(transfers.count) + 0.5)
            s.set("x_tic_value", numbers: transfers.indices.map { Double($0 + 1) })
            s.set("x_tic_label", texts: transfers)
            s.set("x_label", "how a worker gets its slice (\(ByteSize.format(sizes.first ?? 0, .significant)) input)")
        }
        data.settings = s
        chartPanels.write(into: &data)
        return .draw(data)
    }

    /// "At 1 GiB and 2 workers, workers received their slices at 8271 MB/s by shm, …; threads
    /// hashed 422 MB/s in place, the fastest process mode 446 MB/s (process-pool by shm)."
    static func finding(_ rows: [CellSummary], workers: Int) -> String {
        guard let size = rows.compactMap(\.inputSize).max() else { return "" }
        let here = rows.filter { $0.inputSize == size }
        let received = ChartStyle.ordered(here.compactMap(\.transfer), by: ChartStyle.transferOrder).compactMap { transfer -> (String, Double)? in
            here.filter { $0.transfer == transfer }.compactMap(\.transferMegabytesPerSecond).max().map { (transfer, $0) }
        }.sorted { $0.1 > $1.1 }
        var sentence = "At \(ByteSize.format(size, .significant)) and \(workers) worker\(workers == 1 ? "" : "s")"
        if !received.isEmpty {
            sentence += ", worker processes received their slices at " + ChartText.list(received.map { "\(Rate.format(megabytesPerSecond: $0.1)) by \($0.0)" })
        }
        let inPlace = here.filter { $0.mode == "threads" }.compactMap(\.megabytesPerSecond).max()
        let process = here.filter { ["processes", "process-pool"].contains($0.mode) }.max { ($0.megabytesPerSecond ?? 0) < ($1.megabytesPerSecond ?? 0) }
        if let inPlace, let process, let rate = process.megabytesPerSecond {
            sentence += "; threads hashed \(Rate.format(megabytesPerSecond: inPlace)) in place, the fastest process mode "
                + "\(Rate.format(megabytesPerSecond: rate)) (\(process.mode) by \(process.transfer ?? "?"))"
        }
        return sentence + "."
    }
}
