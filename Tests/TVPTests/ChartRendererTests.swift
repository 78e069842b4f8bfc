import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
import TVPSystem
@testable import TVPReport

@Suite("Charts drawn by the real gnuplot")
struct ChartRendererTests {
    let environment = ChartFixtures.environment

    /// The file names of `files`.
    func names(_ files: [String]) -> [String] { files.map { ($0 as NSString).lastPathComponent } }

    @Test("every chart of a full run is a 1200×800 PNG and a well-formed SVG, with no gnuplot warning")
    func fullRun() throws {
        let run = try ChartFixtures.runFolder("full")
        defer { Files.removeTree(run) }
        let rendering = try ChartRenderer.render(runDirectory: run, environment: environment)
        let charts = ["speedup", "wall_time", "overhead", "efficiency", "cpu_vs_wall"]
        #expect(Set(names(rendering.files)) == Set(charts.flatMap { ["\($0).png", "\($0).svg"] }))
        for chart in charts {
            let png = "\(run)/charts/\(chart).png"
            let size = try ChartFixtures.pngSize(png)
            #expect(size.width == 1200 && size.height == 800, "\(chart): \(size)")
            #expect(try Files.readAll(png).count > 10_000, "\(chart).png is suspiciously small")
            let parser = XMLParser(contentsOf: URL(fileURLWithPath: "\(run)/charts/\(chart).svg"))
            #expect(parser?.parse() == true, "\(chart).svg is not well-formed XML")
        }
        #expect(Files.directoryEntries("\(run)/charts").allSatisfy { !$0.hasPrefix(".") }, "a staging folder was left")
    }

    @Test("a run with one workload and two modes still plots, and skips the overhead chart it has no data for")
    func partialRun() throws {
        let run = try ChartFixtures.runFolder("partial")
        defer { Files.removeTree(run) }
        let rendering = try ChartRenderer.render(runDirectory: run, environment: environment)
        #expect(names(rendering.files).contains("speedup.png") && names(rendering.files).contains("wall_time.svg"))
        #expect(!names(rendering.files).contains("overhead.png"))
        #expect(rendering.skipped.contains { $0.chart == "overhead" })
        #expect(try ChartFixtures.pngSize("\(run)/charts/speedup.png") == (1200, 800))
    }

    @Test("a summary with a new column in the middle, a mode tvp does not know and a quoted variant holding commas still plots")
    func laterSchema() throws {
        let run = try ChartFixtures.runFolder("future")
        defer { Files.removeTree(run) }
        let rendering = try ChartRenderer.render(runDirectory: run, environment: environment)
        #expect(names(rendering.files) == ["cpu_vs_wall", "efficiency", "speedup", "wall_time"].flatMap { ["\($0).png", "\($0).svg"] })
        let svg = String(decoding: try Files.readAll("\(run)/charts/speedup.svg"), as: UTF8.self)
        #expect(svg.contains("io[20ms, 4x256KiB, warm]"))
        #expect(svg.contains(">warp<"), "the unknown mode has no legend entry")
    }

    @Test("a run with the shared workload, pool starts and crossover.csv also gets the transfer, crossover and pool-start charts")
    func poolsRun() throws {
        let run = try ChartFixtures.runFolder("pools")
        defer { Files.removeTree(run) }
        let rendering = try ChartRenderer.render(runDirectory: run, environment: environment)
        let charts = ["speedup", "wall_time", "overhead", "efficiency", "cpu_vs_wall", "transfer", "crossover", "crossover_lines", "pool_start"]
        #expect(Set(names(rendering.files)) == Set(charts.flatMap { ["\($0).png", "\($0).svg"] }))
        for chart in ["transfer", "crossover", "crossover_lines", "pool_start"] {
            #expect(try ChartFixtures.pngSize("\(run)/charts/\(chart).png") == (1200, 800), "\(chart)")
            let parser = XMLParser(contentsOf: URL(fileURLWithPath: "\(run)/charts/\(chart).svg"))
            #expect(parser?.parse() == true, "\(chart).svg is not well-formed XML")
        }
        let crossover = String(decoding: try Files.readAll("\(run)/charts/crossover.svg"), as: UTF8.self)
        // The verdicts: gil lost below 10 ms tasks, threads never lost.
        #expect(crossover.contains("pays off from 10 ms tasks"))
        #expect(crossover.contains("never pays off beyond the noise"))
        #expect(crossover.contains("thread mode faster"))
        let transfer = String(decoding: try Files.readAll("\(run)/charts/transfer.svg"), as: UTF8.self)
        #expect(transfer.contains("64 MiB") && transfer.contains(">shm<"))
    }

    @Test("plotting writes only under charts/: every other file of the run is unchanged, and nothing derived is added")
    func readsOnly() throws {
        let run = try ChartFixtures.runFolder("report-sample")
        defer { Files.removeTree(run) }
        Files.removeTree("\(run)/crossover.csv")
        Files.removeTree("\(run)/breakeven.csv")
        let before = try ChartFixtures.hashesOutsideCharts(run)
        let rendering = try ChartRenderer.render(runDirectory: run, environment: environment)
        #expect(try ChartFixtures.hashesOutsideCharts(run) == before)
        // Without crossover.csv the crossover comes from trials.csv, in memory.
        #expect(names(rendering.files).contains("crossover.png"))
        #expect(!Files.exists("\(run)/crossover.csv"))
    }

    @Test("rendering again lists the redrawn charts, and removes the old files of a chart that now has no data")
    func renderAgain() throws {
        let run = try ChartFixtures.runFolder("partial")
        defer { Files.removeTree(run) }
        let first = try ChartRenderer.render(runDirectory: run, environment: environment)
        try Files.writeDurably(Array("stale".utf8), to: "\(run)/charts/overhead.png")
        let second = try ChartRenderer.render(runDirectory: run, environment: environment)
        #expect(second.files == first.files)
        #expect(!Files.exists("\(run)/charts/overhead.png"))
    }

    @Test("a gnuplot that fails or warns fails the rendering with its message, and leaves no staging folder and no chart")
    func failingGnuplot() throws {
        let run = try ChartFixtures.runFolder("partial")
        defer { Files.removeTree(run) }
        let bin = try Files.makePrivateDirectory(in: Files.temporaryDirectory, prefix: "tvp-fakebin-")
        defer { Files.removeTree(bin) }
        try Files.writeDurably(Array("#!/bin/sh\necho 'warning: something odd' >&2\nexit 0\n".utf8), to: "\(bin)/gnuplot")
        try Files.setMode("\(bin)/gnuplot", 0o755)
        var environment = self.environment
        environment["PATH"] = bin
        #expect {
            try ChartRenderer.render(runDirectory: run, environment: environment)
        } throws: { error in
            guard case ChartError.gnuplotFailed(let chart, _, let stderr) = error else { return false }
            return chart == "speedup" && stderr == "warning: something odd"
        }
        // The chart data stays (tvp wrote it before gnuplot ran); no chart file, no staging folder.
        #expect(Files.directoryEntries("\(run)/charts") == ["data"], "left: \(Files.directoryEntries("\(run)/charts"))")
    }

    @Test("without gnuplot on PATH, rendering fails with the install command, after writing the chart data plot.gp draws later")
    func gnuplotMissing() throws {
        let run = try ChartFixtures.runFolder("partial")
        defer { Files.removeTree(run) }
        let empty = try Files.makePrivateDirectory(in: Files.temporaryDirectory, prefix: "tvp-nopath-")
        defer { Files.removeTree(empty) }
        var environment = self.environment
        environment["PATH"] = empty
        #expect(throws: ChartError.gnuplotMissing) { try ChartRenderer.render(runDirectory: run, environment: environment) }
        #expect(ChartError.gnuplotMissing.description.contains("apt-get install -y gnuplot-nox"))
        let index = String(decoding: try Files.readAll("\(run)/charts/data/index.gp"), as: UTF8.self)
        #expect(index.contains("tvp_chart_data_version = \(ChartDataFolder.version)\n"))
        #expect(index.contains("tvp_charts = \"speedup wall_time efficiency cpu_vs_wall\"\n"), "\(index)")
        #expect(Files.exists("\(run)/charts/data/speedup/settings.gp"))
        let skipped = String(decoding: try Files.readAll("\(run)/charts/data/skipped.tsv"), as: UTF8.self)
        #expect(skipped.hasPrefix("overhead\t"), "\(skipped)")
        #expect(Files.directoryEntries("\(run)/charts") == ["data"])
    }

    @Test("writing the chart data again replaces it whole: a chart the run no longer has leaves no folder")
    func dataReplaced() throws {
        let run = try ChartFixtures.runFolder("partial")
        defer { Files.removeTree(run) }
        try Files.makeDirectories("\(run)/charts/data/overhead")
        try Files.writeDurably(Array("stale".utf8), to: "\(run)/charts/data/overhead/settings.gp")
        let index = try ChartRenderer.prepareData(try ChartRenderer.load(run))
        #expect(index.drawn == ["speedup", "wall_time", "efficiency", "cpu_vs_wall"])
        #expect(Set(Files.directoryEntries("\(run)/charts/data")) == Set(index.drawn + ["index.gp", "skipped.tsv"]))
        #expect(Files.directoryEntries("\(run)/charts") == ["data"], "a staging folder was left")
    }

    @Test("a folder without summary.csv is an error naming the file")
    func noSummary() throws {
        let empty = try Files.makePrivateDirectory(in: Files.temporaryDirectory, prefix: "tvp-nosummary-")
        defer { Files.removeTree(empty) }
        #expect(throws: ChartError.noSummary("\(empty)/summary.csv")) { try ChartRenderer.render(runDirectory: empty, environment: environment) }
    }
}
