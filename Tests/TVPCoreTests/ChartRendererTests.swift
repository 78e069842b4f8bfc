import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
import TVPSystem
@testable import TVPCore

@Suite("Charts drawn by the real gnuplot")
struct ChartRendererTests {
    /// The environment with plot.gp of this checkout.
    var environment: [String: String] {
        ProcessInfo.processInfo.environment.merging(["TVP_PLOT_SCRIPT": packageRoot + "/plot.gp"]) { $1 }
    }

    /// A fresh run folder holding the fixture's summary.csv, and its crossover.csv and breakeven.csv when it has them.
    func runFolder(fixture: String) throws -> String {
        let directory = try Files.makePrivateDirectory(in: Files.temporaryDirectory, prefix: "tvp-charts-")
        let source = try #require(Bundle.module.url(forResource: "Fixtures/charts/\(fixture)/summary.csv", withExtension: nil))
        try Files.writeDurably(Array(try Data(contentsOf: source)), to: "\(directory)/summary.csv")
        for name in ["crossover.csv", "breakeven.csv"] {
            if let extra = Bundle.module.url(forResource: "Fixtures/charts/\(fixture)/\(name)", withExtension: nil) {
                try Files.writeDurably(Array(try Data(contentsOf: extra)), to: "\(directory)/\(name)")
            }
        }
        return directory
    }

    /// Width and height from a PNG's IHDR chunk (bytes 16–23, big-endian), after checking the signature.
    func pngSize(_ path: String) throws -> (width: Int, height: Int) {
        let bytes = try Files.readAll(path)
        #expect(bytes.count > 24)
        #expect(Array(bytes[0..<8]) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], "\(path) is not a PNG")
        #expect(String(decoding: bytes[12..<16], as: UTF8.self) == "IHDR")
        let be = { (at: Int) in bytes[at..<at + 4].reduce(0) { $0 << 8 | Int($1) } }
        return (be(16), be(20))
    }

    @Test("every chart of a full run is a 1200×800 PNG and a well-formed SVG, with no gnuplot warning")
    func fullRun() throws {
        let run = try runFolder(fixture: "full")
        defer { Files.removeTree(run) }
        let files = try ChartRenderer.render(runDirectory: run, environment: environment)
        let charts = ["speedup", "wall_time", "overhead", "efficiency", "cpu_vs_wall"]
        #expect(Set(files.map { ($0 as NSString).lastPathComponent }) == Set(charts.flatMap { ["\($0).png", "\($0).svg"] }))
        for chart in charts {
            let png = "\(run)/charts/\(chart).png"
            let size = try pngSize(png)
            #expect(size.width == 1200 && size.height == 800, "\(chart): \(size)")
            #expect(try Files.readAll(png).count > 10_000, "\(chart).png is suspiciously small")
            let parser = XMLParser(contentsOf: URL(fileURLWithPath: "\(run)/charts/\(chart).svg"))
            #expect(parser?.parse() == true, "\(chart).svg is not well-formed XML")
        }
    }

    @Test("a run with one workload and two modes still plots, and skips the overhead chart it has no data for")
    func partialRun() throws {
        let run = try runFolder(fixture: "partial")
        defer { Files.removeTree(run) }
        let files = try ChartRenderer.render(runDirectory: run, environment: environment).map { ($0 as NSString).lastPathComponent }
        #expect(files.contains("speedup.png") && files.contains("wall_time.svg"))
        #expect(!files.contains("overhead.png"))
        #expect(try pngSize("\(run)/charts/speedup.png") == (1200, 800))
    }

    @Test("a summary with a new column in the middle, a mode plot.gp does not know and a quoted variant holding commas still plots")
    func laterSchema() throws {
        let run = try runFolder(fixture: "future")
        defer { Files.removeTree(run) }
        let files = try ChartRenderer.render(runDirectory: run, environment: environment).map { ($0 as NSString).lastPathComponent }
        #expect(files == ["cpu_vs_wall", "efficiency", "speedup", "wall_time"].flatMap { ["\($0).png", "\($0).svg"] })
        let svg = String(decoding: try Files.readAll("\(run)/charts/speedup.svg"), as: UTF8.self)
        // gnuplot's own CSV reading would cut this panel title at its first comma.
        #expect(svg.contains("io[20ms, 4x256KiB, warm]"))
        #expect(svg.contains(">warp<"), "the unknown mode has no legend entry")
    }

    @Test("a run with the shared workload, pool start-ups and crossover.csv also gets the transfer, crossover and startup charts")
    func poolsRun() throws {
        // summary.csv of a shared-workload run (with null), crossover.csv and breakeven.csv of a mixed-workload run.
        let run = try runFolder(fixture: "pools")
        defer { Files.removeTree(run) }
        let files = Set(try ChartRenderer.render(runDirectory: run, environment: environment).map { ($0 as NSString).lastPathComponent })
        let charts = ["speedup", "wall_time", "overhead", "efficiency", "cpu_vs_wall", "transfer", "crossover", "startup"]
        #expect(files == Set(charts.flatMap { ["\($0).png", "\($0).svg"] }))
        for chart in ["transfer", "crossover", "startup"] {
            #expect(try pngSize("\(run)/charts/\(chart).png") == (1200, 800), "\(chart)")
            let parser = XMLParser(contentsOf: URL(fileURLWithPath: "\(run)/charts/\(chart).svg"))
            #expect(parser?.parse() == true, "\(chart).svg is not well-formed XML")
        }
        let crossover = String(decoding: try Files.readAll("\(run)/charts/crossover.svg"), as: UTF8.self)
        // The findings of breakeven.csv: gil lost below 10 ms tasks, threads never lost.
        #expect(crossover.contains("never pays off below 10 ms"))
        #expect(crossover.contains("never pays off up to 10 ms"))
        let transfer = String(decoding: try Files.readAll("\(run)/charts/transfer.svg"), as: UTF8.self)
        #expect(transfer.contains("64 MiB") && transfer.contains(">shm<"))
    }

    @Test("rendering again lists the rewritten charts, and not a stale chart plot.gp no longer draws")
    func renderAgain() throws {
        let run = try runFolder(fixture: "partial")
        defer { Files.removeTree(run) }
        let first = try ChartRenderer.render(runDirectory: run, environment: environment)
        try Files.writeDurably(Array("stale".utf8), to: "\(run)/charts/overhead.png")
        let second = try ChartRenderer.render(runDirectory: run, environment: environment)
        #expect(second == first)
        #expect(!second.contains { $0.hasSuffix("/overhead.png") })
    }

    @Test("without gnuplot on PATH, rendering fails with the install command")
    func gnuplotMissing() throws {
        let empty = try Files.makePrivateDirectory(in: Files.temporaryDirectory, prefix: "tvp-nopath-")
        defer { Files.removeTree(empty) }
        var environment = self.environment
        environment["PATH"] = empty
        #expect(throws: ChartError.gnuplotMissing) { try ChartRenderer.render(runDirectory: empty, environment: environment) }
        #expect(ChartError.gnuplotMissing.description.contains("apt-get install -y gnuplot-nox"))
    }

    @Test("a folder without summary.csv is an error naming the file")
    func noSummary() throws {
        let empty = try Files.makePrivateDirectory(in: Files.temporaryDirectory, prefix: "tvp-nosummary-")
        defer { Files.removeTree(empty) }
        #expect(throws: ChartError.noSummary("\(empty)/summary.csv")) { try ChartRenderer.render(runDirectory: empty, environment: environment) }
    }
}
