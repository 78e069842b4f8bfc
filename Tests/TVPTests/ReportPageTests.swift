import Foundation
import Testing
import TVPFormatting
import TVPSystem
@testable import TVPAnalysis
@testable import TVPReport
@testable import TVPResults

@Suite("report.md")
struct ReportPageTests {
    /// Set to regenerate the golden file after a deliberate change: TVP_UPDATE_GOLDEN=1 swift test --filter ReportPage.
    let update = ProcessInfo.processInfo.environment["TVP_UPDATE_GOLDEN"] == "1"

    @Test("the report of a fixture run, charts drawn, matches the golden file")
    func golden() throws {
        let run = try ChartFixtures.runFolder("report-sample")
        defer { Files.removeTree(run) }
        _ = try ChartRenderer.render(runDirectory: run, environment: ChartFixtures.environment)
        let report = try ReportPage.make(run)
        let goldenPath = "\(packageRoot)/Tests/TVPTests/Fixtures/golden/report-sample.md"
        if update { try Files.writeDurably(Array(report.utf8), to: goldenPath) }
        let golden = String(decoding: try Files.readAll(goldenPath), as: UTF8.self)
        #expect(report == golden, "run with TVP_UPDATE_GOLDEN=1 after a deliberate change")
    }

    @Test("the report holds the machine, every expectation's verdict, each drawn chart with its finding, and the noisy cells")
    func contents() throws {
        let run = try ChartFixtures.runFolder("report-sample")
        defer { Files.removeTree(run) }
        _ = try ChartRenderer.render(runDirectory: run, environment: ChartFixtures.environment)
        let report = try ReportPage.make(run)
        let folder = try RunFolder.load(run, reading: .summary)
        let machine = try #require(folder.meta?.machine)
        #expect(report.contains(machine.cpuModel) && report.contains("\(machine.usableCPUs) usable CPUs"))
        #expect(report.contains("| PASS | `threads.wall(null, workers: 2) < processes.wall(null, workers: 2)` |"))
        #expect(report.contains("| **FAIL** | `threads.speedup(cpu, workers: 2) >= 50` |"))
        for chart in ChartCatalog.all where Files.exists("\(run)/charts/\(chart.name).png") {
            #expect(report.contains("![\(chart.title)](charts/\(chart.name).png)"))
        }
        for row in folder.summary where row.isNoisy {
            #expect(report.contains("| \(row.variant) \(row.mode) ×\(row.workers) | \(Percent.format(row.wallCV, .spaced)) |")
                || report.contains("…and"), "\(row.variant) \(row.mode) ×\(row.workers) is noisy but not listed")
        }
        // No HTML: GitHub and job summaries render it as it is.
        #expect(!report.contains("<img") && !report.contains("<table"))
    }

    @Test("the report notes a worker kept in small page-cache folios, and says nothing when it sat in 2 MiB folios or was not recorded")
    func workerPagesNote() throws {
        let run = try ChartFixtures.runFolder("report-sample")
        defer { Files.removeTree(run) }
        var folder = try RunFolder.load(run, reading: .summary)
        func report(_ kib: Int?) -> String {
            folder.meta?.workerHugeMappedKiB = kib
            return ReportPage.render(folder, verdicts: .unavailable("not evaluated"), charts: [])
        }
        let small = report(0)
        #expect(small.contains("**Note:** the page cache held none of tvp-worker's file in 2 MiB folios"))
        // The note sits under the machine line, before the run's size.
        let note = try #require(small.range(of: "**Note:**")), machine = try #require(small.range(of: "**Machine:**")),
            size = try #require(small.range(of: "**Run:**"))
        #expect(machine.lowerBound < note.lowerBound && note.lowerBound < size.lowerBound)
        #expect(!report(14_336).contains("**Note:**"))
        #expect(!report(nil).contains("**Note:**"))
    }

    @Test("a run folder holding only summary.csv still gets a report, saying what is unknown")
    func summaryOnly() throws {
        let run = try ChartFixtures.runFolder("partial")
        defer { Files.removeTree(run) }
        let report = try ReportPage.make(run)
        #expect(report.contains("**Machine:** not recorded"))
        #expect(report.contains("## Expectations\n\nNot evaluated: "))
        #expect(report.contains("Some charts are not drawn yet"))
        #expect(!report.contains("!["), "no image is embedded before the charts exist")
    }

    @Test("table cells escape the pipe, and durations read as minutes and seconds")
    func formatting() {
        #expect(Markdown.inline("a | b\nc") == "a \\| b c")
        #expect(Seconds.format(252, .elapsed) == "4 min 12 s" && Seconds.format(38, .elapsed) == "38 s" && Seconds.format(3900, .elapsed) == "1 h 05 min")
    }
}
