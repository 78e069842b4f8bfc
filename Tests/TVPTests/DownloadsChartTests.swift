import Foundation
import Testing
import TVPFormatting
import TVPSystem
@testable import TVPAnalysis
@testable import TVPReport
@testable import TVPResults

@Suite("The downloads chart")
struct DownloadsChartTests {
    /// A summary row of a download variant under `mode`.
    static func row(_ variant: String, _ mode: String, _ workers: Int, threads: Double, kib: Double) -> CellSummary {
        // A speedup of workers ÷ 2 (the serial row: 1), its interval ±10 %.
        let speedup = mode == "serial" ? 1 : Double(workers) / 2
        return SummaryCSV.summary(["workload": "download", "variant": variant, "mode": mode, "workers": String(workers), "tasks": String(max(20, workers)),
                           "n": "3", "wall_median_s": "0.5", "os_threads_max_median": String(threads),
                           "tvp_max_rss_median_kib": String(kib), "usable_cpus": "2", "speedup": String(speedup),
                           "speedup_ci_low": String(speedup * 0.9), "speedup_ci_high": String(speedup * 1.1)])!
    }

    static let close = "download[50ms 100x16KiB close]"
    static let run = RunFolder(directory: "/nonexistent", summary: [
        row(close, "serial", 1, threads: 8, kib: 50_000),
        row(close, "threads", 10, threads: 18, kib: 52_000),
        row(close, "threads", 1000, threads: 1008, kib: 90_000),
        row(close, "async", 10, threads: 8, kib: 51_000),
        row(close, "async", 1000, threads: 8, kib: 70_000),
        row("download[50ms 100x16KiB keep-alive]", "threads", 10, threads: 18, kib: 52_000),
        SummaryCSV.summary(["workload": "cpu", "variant": "cpu[8MiB]", "mode": "threads", "workers": "2", "tasks": "4", "n": "3",
                    "wall_median_s": "0.5", "os_threads_max_median": "3", "tvp_max_rss_median_kib": "1"])!,
    ])

    @Test("per download variant a panel of the speedup, one of tvp's peak threads and one of its peak memory; cpu rows left out")
    func values() throws {
        let data = try ChartFixtures.data(DownloadsChart.chart, Self.run)
        // A row per variant: its speedup, threads and memory side by side.
        #expect(ChartFixtures.texts(data, "panel_title") == [
            "speedup · 50ms 100x16KiB close", "peak OS threads · 50ms 100x16KiB close", "peak memory · 50ms 100x16KiB close",
            "speedup · 50ms 100x16KiB keep-alive", "peak OS threads · 50ms 100x16KiB keep-alive", "peak memory · 50ms 100x16KiB keep-alive",
        ])
        #expect(ChartFixtures.numbers(data, "panel_kind") == [0, 1, 2, 0, 1, 2])
        let table = try #require(data.table("series.tsv"))
        let plotted = table.values("y").compactMap(\.number)
        // 6 download rows, each a speedup, a thread count and a memory in bytes; the cpu row's 3
        // threads and 1 KiB are not there.
        #expect(plotted.count == 18)
        #expect(plotted.contains(500) && plotted.contains(1008) && plotted.contains(90_000 * 1_024) && !plotted.contains(3) && !plotted.contains(1_024))
        #expect(table.values("high").compactMap(\.number).contains { abs($0 - 550) < 1e-9 })
        #expect(data.finding == "At 1000 downloads in flight, threads reached 500× over serial with 1008 OS threads and \(ByteSize.format(90_000 * 1_024, .significant)) and async 500× with 8 OS threads and \(ByteSize.format(70_000 * 1_024, .significant)).")
    }

    @Test("a run without downloads has no downloads chart, and says why")
    func skipped() {
        let run = RunFolder(directory: "/nonexistent", summary: [Self.run.summary.last!])
        guard case .skip(let reason) = DownloadsChart.chart.prepare(run) else {
            Issue.record("a run without download cells must skip the chart")
            return
        }
        #expect(reason == "the run has no download workload")
    }

    @Test("gnuplot draws the committed downloads reference run's chart without a warning")
    func drawn() throws {
        guard ChartRenderer.gnuplotPath(environment: ChartFixtures.environment) != nil else {
            print("skipped: gnuplot is not installed")
            return
        }
        let directory = try Files.makePrivateDirectory(in: Files.temporaryDirectory, prefix: "tvp-charts-")
        defer { Files.removeTree(directory) }
        let reference = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../results/reference/downloads/summary.csv").standardized.path
        try Files.writeDurably(try Files.readAll(reference), to: "\(directory)/summary.csv")
        let rendering = try ChartRenderer.render(runDirectory: directory, environment: ChartFixtures.environment, charts: [DownloadsChart.chart])
        #expect(rendering.files.map { URL(fileURLWithPath: $0).lastPathComponent } == ["downloads.png", "downloads.svg"])
    }
}
