import Foundation
import Testing
import TVPSystem
@testable import TVPAnalysis
@testable import TVPReport
@testable import TVPResults

@Suite("The sharing chart")
struct SharingChartTests {
    /// A summary row of `variant` (`workload` its name) under `mode`.
    static func row(_ workload: String, _ variant: String, _ mode: String, _ workers: Int, perUpdate: Double, lost: Double? = nil) -> CellSummary {
        var fields = ["workload": workload, "variant": variant, "mode": mode, "workers": String(workers), "tasks": "4", "n": "5",
                      "wall_median_s": "0.4", "wall_min_s": "0.3", "wall_max_s": "0.6", "per_update_ns": String(perUpdate), "usable_cpus": "2"]
        if let lost { fields["lost_updates_median"] = String(lost) }
        return SummaryCSV.summary(fields)!
    }

    static let run = RunFolder(directory: "/nonexistent", summary: [
        row("tally", "tally[mutex]", "threads", 1, perUpdate: 24),
        row("tally", "tally[mutex]", "threads", 2, perUpdate: 60),
        row("tally", "tally[mutex]", "process-pool", 2, perUpdate: 70),
        row("tally", "tally[racy]", "threads", 2, perUpdate: 16, lost: 23_649),
        row("tally", "tally[racy]", "process-pool", 2, perUpdate: 18, lost: 41_018),
        row("tally", "tally[racy]", "serial", 1, perUpdate: 12, lost: 0),
        row("refs", "refs[shared]", "threads", 2, perUpdate: 30),
        row("cpu", "cpu[8MiB]", "threads", 2, perUpdate: 1),
    ])

    @Test("one panel per sharing variant on one axis, seconds per update with bars from the fastest and slowest trial, races labelled")
    func values() throws {
        let data = try ChartFixtures.data(SharingChart.chart, Self.run)
        #expect(ChartFixtures.texts(data, "panel_title") == ["tally[mutex]", "tally[racy]", "refs[shared]"])
        let table = try #require(data.table("series.tsv"))
        let plotted = table.values("y").compactMap(\.number).sorted()
        #expect(plotted.count == 7)
        #expect(zip(plotted, [12, 16, 18, 24, 30, 60, 70].map { $0 * 1e-9 }).allSatisfy { abs($0 - $1) < 1e-15 })
        // Bars scale the per-update cost by the fastest and slowest trial (0.3 s and 0.6 s of 0.4 s).
        #expect(table.values("low").compactMap(\.number).contains { abs($0 - 60e-9 * 0.75) < 1e-15 })
        #expect(table.values("high").compactMap(\.number).contains { abs($0 - 60e-9 * 1.5) < 1e-15 })
        let labels = try #require(data.table("labels.tsv"))
        #expect(labels.values("text") == [.text("24k lost"), .text("41k lost")])
        #expect(labels.values("rgb").compactMap(\.number) == [0x0072B2, 0xE69F00].map(Double.init))
        #expect(ChartFixtures.numbers(data, "panel_labels") == [0, 1, 0])
        // Every panel has the same range: strategies compare across panels.
        #expect(Set(ChartFixtures.numbers(data, "panel_ylow")).count == 1 && Set(ChartFixtures.numbers(data, "panel_yhigh")).count == 1)
        #expect(data.finding.hasPrefix("At 2 workers, one update cost: tally[mutex] 60.0 ns on threads, 70.0 ns on process-pool"))
        #expect(data.finding.contains("the race lost 24k updates per trial under threads and 41k updates per trial under process-pool"))
    }

    @Test("a run without sharing workloads has no sharing chart, and says why")
    func skipped() {
        let run = RunFolder(directory: "/nonexistent", summary: [Self.row("cpu", "cpu[8MiB]", "threads", 2, perUpdate: 1)])
        guard case .skip(let reason) = SharingChart.chart.prepare(run) else {
            Issue.record("a run without tally, alloc or refs must skip the chart")
            return
        }
        #expect(reason == "the run has no tally, alloc or refs workload")
    }

    @Test("gnuplot draws the chart without a warning")
    func drawn() throws {
        let directory = try Files.makePrivateDirectory(in: Files.temporaryDirectory, prefix: "tvp-charts-")
        defer { Files.removeTree(directory) }
        let header = "workload,variant,mode,workers,tasks,n,wall_median_s,wall_min_s,wall_max_s,per_update_ns,lost_updates_median\n"
        let lines = Self.run.summary.map { "\($0.workload),\($0.variant),\($0.mode),\($0.workers),4,5,0.4,0.3,0.6,\($0.perUpdateNanoseconds ?? 0),\($0.lostUpdatesMedian.map { String($0) } ?? "")\n" }
        try Files.writeDurably(Array((header + lines.joined()).utf8), to: "\(directory)/summary.csv")
        guard ChartRenderer.gnuplotPath(environment: ChartFixtures.environment) != nil else {
            print("skipped: gnuplot is not installed")
            return
        }
        let rendering = try ChartRenderer.render(runDirectory: directory, environment: ChartFixtures.environment, charts: [SharingChart.chart])
        #expect(rendering.files.map { URL(fileURLWithPath: $0).lastPathComponent } == ["sharing.png", "sharing.svg"])
    }
}
