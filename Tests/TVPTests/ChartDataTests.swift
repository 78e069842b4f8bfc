import Foundation
import Testing
import TVPSystem
@testable import TVPAnalysis
@testable import TVPReport
@testable import TVPResults

@Suite("What each chart plots: the data Swift prepares for gnuplot")
struct ChartDataTests {
    @Test("the data file behind the speedup chart holds the summary's speedups and intervals, a block per panel and mode")
    func speedupValues() throws {
        let directory = try ChartFixtures.runFolder("full")
        defer { Files.removeTree(directory) }
        let run = try RunFolder.load(directory, reading: .summary)
        let data = try ChartFixtures.data(SpeedupChart.chart, run)
        // Written as gnuplot reads it, then parsed back.
        try ChartStage.write(data, into: "\(directory)/stage")
        let blocks = ChartFixtures.parseTSV(String(decoding: try Files.readAll("\(directory)/stage/series.tsv"), as: UTF8.self))
        let plotted = blocks.flatMap { $0 }.map { (Int($0["workers"] ?? "") ?? 0, Double($0["y"] ?? "") ?? .nan, Double($0["low"] ?? "") ?? .nan) }
        let expected = run.summary.filter { $0.workload != "null" && $0.speedup != nil }
        #expect(plotted.count == expected.count)
        #expect(plotted.map(\.1).sorted() == expected.compactMap(\.speedup).sorted())
        #expect(plotted.map(\.2).sorted() == expected.compactMap(\.speedupLow).sorted())
        // Two panels (cpu, io; null has no speedup panel) of three modes each.
        #expect(ChartFixtures.texts(data, "panel_title") == ["cpu[8MiB]", "io[20ms 4x256KiB warm]"])
        #expect(blocks.count == 6)
        #expect(ChartFixtures.numbers(data, "panel_first") == [1, 4] && ChartFixtures.numbers(data, "panel_last") == [3, 6])
        // Each block is one mode, coloured as that mode, and holds that mode's speedups in worker order.
        let threads = try #require(run.summary.filter { $0.variant == "cpu[8MiB]" && $0.mode == "threads" }.sorted { $0.workers < $1.workers } as [CellSummary]?)
        #expect(data.tables[0].values("y", block: 2).compactMap(\.number) == threads.compactMap(\.speedup))
        #expect(ChartFixtures.texts(data, "block_color")[1] == "#0072B2")
        #expect(ChartFixtures.texts(data, "legend_title") == ["serial", "threads", "processes", "ideal (= workers)", "usable CPUs"])
        #expect(data.finding.hasPrefix("On cpu[8MiB], threads reach 1.5× over serial (at 4 workers) and processes 1.3× (at 16 workers)"))
    }

    @Test("placed cells (affinity) are drawn in panels of their own, never on the line of another placement")
    func placementsApart() throws {
        var run = try ChartFixtures.run("full")
        let packed = run.summary.filter { $0.variant == "cpu[8MiB]" }.map { row -> CellSummary in
            var placed = row
            placed.affinity = "packed"
            placed.speedup = (row.speedup ?? 1) / 2
            return placed
        }
        run.summary += packed
        let data = try ChartFixtures.data(SpeedupChart.chart, run)
        #expect(ChartFixtures.texts(data, "panel_title") == ["cpu[8MiB]", "io[20ms 4x256KiB warm]", "cpu[8MiB] packed"])
        // The packed panel's threads line holds the packed speedups only, in worker order.
        let packedThreads = packed.filter { $0.mode == "threads" }.sorted { $0.workers < $1.workers }.compactMap(\.speedup)
        let first = ChartFixtures.numbers(data, "panel_first")
        #expect(first.count == 3)
        let threadsBlock = Int(first[2]) + 1  // the panel's blocks: serial, threads, processes
        #expect(data.tables[0].values("y", block: threadsBlock).compactMap(\.number) == packedThreads)
        let wall = try ChartFixtures.data(WallTimeChart.chart, run)
        #expect(ChartFixtures.texts(wall, "panel_title").contains("cpu[8MiB] packed"))
    }

    @Test("the overhead chart plots wall time ÷ tasks in seconds, the spawn where there is one, and labels each mode once")
    func overheadValues() throws {
        let run = try ChartFixtures.run("pools")
        let data = try ChartFixtures.data(OverheadChart.chart, run)
        let table = try #require(data.table("series.tsv"))
        let nulls = run.summary.filter { $0.workload == "null" }
        #expect(table.values("y").compactMap(\.number).sorted() == nulls.compactMap { $0.perTaskMicroseconds.finite.map { $0 * 1e-6 } }.sorted())
        #expect(table.values("spawn").compactMap(\.number).sorted() == nulls.compactMap { $0.spawnP50Microseconds.map { $0 * 1e-6 } }.sorted())
        #expect(table.values("label_y").compactMap(\.number).count == Set(nulls.map(\.mode)).count)
    }

    @Test("the pool-start chart draws each bar to the median wall time and its dark part to the pool start of summary.csv")
    func poolStartValues() throws {
        let run = try ChartFixtures.run("pools")
        let data = try ChartFixtures.data(PoolStartChart.chart, run)
        let table = try #require(data.table("bars.tsv"))
        let starts = run.summary.compactMap(\.poolStartMedian)
        #expect(!starts.isEmpty)
        #expect(Set(table.values("pool_start").compactMap(\.number)).isSubset(of: Set(starts)))
        // A bar never runs past its panel's cap; the cut ones say so.
        let caps = ChartFixtures.numbers(data, "panel_cap")
        for panel in caps.indices {
            let first = Int(ChartFixtures.numbers(data, "panel_first")[panel]), last = Int(ChartFixtures.numbers(data, "panel_last")[panel])
            for block in first...last {
                #expect(table.values("wall_end", block: block).compactMap(\.number).allSatisfy { $0 <= caps[panel] })
            }
        }
        #expect(data.finding.hasPrefix("Pool start: threads "))
    }

    @Test("the crossover map's grid holds every ratio as log2, labelled with the faster mode's factor, one panel per pair")
    func crossoverGrid() throws {
        let run = try ChartFixtures.run("pools")
        let data = try ChartFixtures.data(CrossoverMapChart.chart, run)
        let cells = try #require(data.table("cells.tsv"))
        let pairs = CrossoverMapChart.pairs(run.crossover)
        #expect(ChartFixtures.texts(data, "panel_title") == pairs.map(\.title))
        #expect(cells.blocks.count == pairs.count)
        let limit = try #require(data.settings["cb_limit"])
        guard case .number(let bound) = limit else { Issue.record("cb_limit is not a number"); return }
        for (index, pair) in pairs.enumerated() {
            let plotted = cells.values("log2_ratio", block: index + 1).compactMap(\.number)
            #expect(plotted == pair.points.sorted { ($0.taskMilliseconds, $0.cpuShare) < ($1.taskMilliseconds, $1.cpuShare) }
                .map { max(-bound, min(bound, log2($0.ratio))) })
        }
        #expect(data.table("contour.tsv")?.blocks.count == pairs.count)
    }

    @Test("the break-even contour runs between neighbouring cells on either side of ratio 1, and nowhere else")
    func contour() {
        func point(_ ms: Double, _ share: Double, _ ratio: Double) -> Crossover.Point {
            Crossover.Point(threadMode: .threads, processMode: .processes, workers: 2, taskMilliseconds: ms, cpuShare: share,
                            threadWall: ratio, processWall: 1, ratio: ratio, ratioCI: ratio...ratio)
        }
        // Process mode faster only on the large, all-CPU cell: two edges, one vertical, one horizontal.
        let grid: [[Crossover.Point?]] = [[point(1, 0, 0.5), point(1, 1, 0.8)], [point(10, 0, 0.9), point(10, 1, 1.5)]]
        let xEdges = [(0.5, 3.0), (3.0, 20.0)], yEdges = [(0.5, 1.5), (1.5, 2.5)]
        let segments = CrossoverMapChart.segments(grid, xEdges: xEdges, yEdges: yEdges)
        #expect(segments.count == 2)
        #expect(segments.contains([.number(3.0), .number(1.5), .number(0), .number(1)]), "vertical edge between 1 ms and 10 ms at share 1")
        #expect(segments.contains([.number(3.0), .number(1.5), .number(17), .number(0)]), "horizontal edge between shares 0 and 1 at 10 ms")
        // All on one side: no contour, a single undefined point so that the block is not empty.
        let even = CrossoverMapChart.segments([[point(1, 0, 0.5)]], xEdges: [(0.5, 3.0)], yEdges: [(0.5, 1.5)])
        #expect(even.count == 1 && even[0][0] == .number(nil))
        #expect(CrossoverMapChart.label(point(1, 0, 0.25)) == "4×")
        #expect(CrossoverMapChart.label(Crossover.Point(threadMode: .threads, processMode: .processes, workers: 2, taskMilliseconds: 1,
                                                        cpuShare: 0, threadWall: 1.9, processWall: 1, ratio: 1.9, ratioCI: 0.9...2.5)) == "(1.9×)")
    }

    @Test("the transfer chart draws a line per (mode, transfer) over the input sizes, with the summary's receive rates")
    func transferValues() throws {
        let run = try ChartFixtures.run("pools")
        let data = try ChartFixtures.data(TransferChart.chart, run)
        let table = try #require(data.table("series.tsv"))
        #expect(ChartFixtures.texts(data, "panel_title").count == 3)
        #expect(ChartFixtures.texts(data, "x_tic_label") == ["16 MiB", "64 MiB"])
        let rates = run.summary.filter { $0.workload == "shared" && $0.workers == 2 }.compactMap(\.transferMegabytesPerSecond)
        let third = Int(ChartFixtures.numbers(data, "panel_first")[2])...Int(ChartFixtures.numbers(data, "panel_last")[2])
        #expect(third.flatMap { table.values("y", block: $0).compactMap(\.number) }.sorted() == rates.sorted())
    }

    @Test("a run without serial cells or null workload skips those charts with the reason")
    func skips() throws {
        let run = try ChartFixtures.run("pools")
        guard case .skip(let reason) = WallTimeChart.chart.prepare(RunFolder(directory: "/x", summary: [])) else {
            Issue.record("a run without rows drew a wall-time chart"); return
        }
        #expect(reason == "no wall times")
        let partial = try ChartFixtures.run("partial")
        guard case .skip(let why) = OverheadChart.chart.prepare(partial) else { Issue.record("partial run drew an overhead chart"); return }
        #expect(why.contains("no null workload"))
        guard case .skip = CrossoverMapChart.chart.prepare(partial) else { Issue.record("a run without mixed cells drew a crossover"); return }
        guard case .draw = CrossoverMapChart.chart.prepare(run) else { Issue.record("crossover.csv was not read"); return }
    }

    @Test("settings are gnuplot assignments: quotes doubled, whole numbers as integers, empty arrays left out")
    func settingsText() {
        var settings = GnuplotSettings()
        settings.set("title", "it's")
        settings.set("count", 3)
        settings.set("share", 0.25)
        settings.set("names", texts: ["a", "b c"])
        settings.set("none", numbers: [])
        #expect(settings.text == "title = 'it''s'\ncount = 3\nshare = 0.25\narray names[2] = ['a', 'b c']\n")
    }

    @Test("every chart of the catalog has its script, and names are unique")
    func catalog() {
        let names = ChartCatalog.all.map(\.name)
        #expect(Set(names).count == names.count)
        for name in names { #expect(Files.exists("\(packageRoot)/charts/\(name).gp"), "charts/\(name).gp is missing") }
        #expect(Files.exists("\(packageRoot)/charts/lib.gp"))
    }
}
