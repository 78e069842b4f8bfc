import Foundation
import Testing
import TVPSystem
@testable import TVPAnalysis
@testable import TVPReport
@testable import TVPResults

@Suite("The communication chart")
struct CommunicationChartTests {
    /// A `message` summary row: `perUpdate` nanoseconds a message, wall times 0.4 s (median),
    /// 0.3 s (fastest trial) and 0.6 s (slowest).
    static func row(_ pattern: String, _ channel: String, _ size: Int, _ mode: String, _ workers: Int, perUpdate: Double?) -> CellSummary {
        var fields = ["workload": "message", "mode": mode, "workers": String(workers), "tasks": "8", "n": "5",
                      "wall_median_s": "0.4", "wall_min_s": "0.3", "wall_max_s": "0.6", "usable_cpus": "2",
                      "pattern": pattern, "channel": channel, "message_size": String(size)]
        if let perUpdate { fields["per_update_ns"] = String(perUpdate) }
        if pattern == "ping-pong" {
            fields["round_trips"] = "2000"
            fields["variant"] = "message[ping-pong \(channel) \(size)B 2krt]"
        } else {
            fields["messages"] = "500"
            fields["group"] = "4"
            fields["variant"] = "message[fan-in \(channel) \(size)B 2x2 500msg]"
        }
        return SummaryCSV.summary(fields)!
    }

    /// Two sizes at one worker count; fan-in's rows first in the file.
    static let sizes = RunFolder(directory: "/nonexistent", summary: [
        row("fan-in", "queue", 64, "serial", 1, perUpdate: 300),
        row("fan-in", "queue", 64, "threads", 4, perUpdate: 3_000),
        row("fan-in", "pipe", 64, "processes", 4, perUpdate: 6_000),
        row("ping-pong", "queue", 64, "serial", 1, perUpdate: 170),
        row("ping-pong", "queue", 4096, "serial", 1, perUpdate: 900),
        row("ping-pong", "pipe", 64, "serial", 1, perUpdate: 1_100),
        row("ping-pong", "queue", 64, "threads", 4, perUpdate: 2_900),
        row("ping-pong", "queue", 4096, "threads", 4, perUpdate: 4_000),
        row("ping-pong", "ring", 64, "threads", 4, perUpdate: 1_500),
        row("ping-pong", "pipe", 64, "threads", 4, perUpdate: 5_000),
        row("ping-pong", "pipe", 64, "processes", 4, perUpdate: 2_100),
        row("ping-pong", "pipe", 4096, "processes", 4, perUpdate: 3_000),
        row("ping-pong", "unix", 64, "processes", 4, perUpdate: 2_500),
        row("ping-pong", "shm", 64, "processes", 4, perUpdate: 1_200),
    ])

    /// Two sizes and two worker counts of ping-pong.
    static let both = RunFolder(directory: "/nonexistent", summary: [
        row("ping-pong", "queue", 64, "serial", 1, perUpdate: 170),
        row("ping-pong", "queue", 4096, "serial", 1, perUpdate: 900),
        row("ping-pong", "queue", 64, "threads", 4, perUpdate: 2_000),
        row("ping-pong", "queue", 64, "threads", 8, perUpdate: 2_600),
        row("ping-pong", "queue", 4096, "threads", 4, perUpdate: 3_500),
        row("ping-pong", "queue", 4096, "threads", 8, perUpdate: 4_100),
        row("ping-pong", "pipe", 64, "processes", 4, perUpdate: 2_200),
        row("ping-pong", "pipe", 64, "processes", 8, perUpdate: 7_800),
        row("ping-pong", "pipe", 4096, "processes", 8, perUpdate: 9_000),
        row("fan-in", "unix", 64, "processes", 4, perUpdate: 4_000),
        row("fan-in", "unix", 64, "processes", 8, perUpdate: 4_400),
    ])

    /// A block's numbers in `column`.
    static func numbers(_ table: DataTable, _ column: String, block: Int) -> [Double] {
        table.values(column, block: block).compactMap(\.number)
    }

    /// Whether two lists of numbers agree to a part in 10⁹.
    static func close(_ a: [Double], _ b: [Double]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= 1e-9 * max(abs($0), abs($1)) }
    }

    @Test("against message size: a panel per pattern (ping-pong first), a line per (mode, channel) coloured by mode, dashed and pointed by channel, seconds per message with bars")
    func bySize() throws {
        let data = try ChartFixtures.data(CommunicationChart.chart, Self.sizes)
        #expect(ChartFixtures.texts(data, "panel_title") == ["ping-pong · 2000 round trips · 4 workers",
                                                             "fan-in · 2 senders → 2 receivers, 500 messages · 4 workers"])
        #expect(ChartFixtures.numbers(data, "panel_x_workers") == [0, 0])
        #expect(ChartFixtures.numbers(data, "x_tic_value") == [64, 4096])
        #expect(ChartFixtures.texts(data, "x_tic_label") == ["64 B", "4 KiB"])
        #expect(data.settings["x_log"] == .number(2))
        // ping-pong: serial queue, serial pipe, threads queue, ring, pipe, processes pipe, unix, shm; fan-in: three.
        #expect(ChartFixtures.numbers(data, "panel_first") == [1, 9] && ChartFixtures.numbers(data, "panel_last") == [8, 11])
        let table = try #require(data.table("series.tsv"))
        #expect(table.blocks.count == 11)
        // threads (the middle of three modes: not nudged) through the queue, at 64 B and 4 KiB.
        #expect(Self.numbers(table, "x", block: 3) == [64, 4096])
        #expect(Self.close(Self.numbers(table, "y", block: 3), [2_900e-9, 4_000e-9]))
        #expect(Self.close(Self.numbers(table, "low", block: 3), [2_900e-9 * 0.75, 4_000e-9 * 0.75]))
        #expect(Self.close(Self.numbers(table, "high", block: 3), [2_900e-9 * 1.5, 4_000e-9 * 1.5]))
        // serial nudged left, processes right, by 3 % of a doubling.
        #expect(Self.close(Self.numbers(table, "x", block: 1), [64 * pow(2, -0.03), 4096 * pow(2, -0.03)]))
        #expect(Self.close(Self.numbers(table, "x", block: 6), [64 * pow(2, 0.03), 4096 * pow(2, 0.03)]))
        #expect(Self.close(Self.numbers(table, "y", block: 8), [1_200e-9]))
        #expect(ChartFixtures.texts(data, "block_color").prefix(8) == ["#000000", "#000000", "#0072B2", "#0072B2", "#0072B2", "#D55E00", "#D55E00", "#D55E00"])
        #expect(ChartFixtures.numbers(data, "block_dash").prefix(8) == [1, 2, 1, 5, 2, 2, 3, 4])
        #expect(ChartFixtures.numbers(data, "block_point").prefix(8) == [7, 5, 7, 9, 5, 5, 11, 13])
        #expect(ChartFixtures.numbers(data, "block_width").prefix(3) == [1.25, 1.25, 2])
        // One log axis for every panel, holding every bar.
        #expect(ChartFixtures.numbers(data, "panel_ylog") == [1, 1])
        let low = try #require(ChartFixtures.numbers(data, "panel_ylow").first), high = try #require(ChartFixtures.numbers(data, "panel_yhigh").first)
        #expect(Set(ChartFixtures.numbers(data, "panel_ylow")).count == 1 && low <= 170e-9 * 0.75 && high >= 6_000e-9 * 1.5)
        #expect(ChartFixtures.texts(data, "legend_title") == ["serial", "threads", "processes", "queue", "ring", "pipe", "unix", "shm"])
        #expect(ChartFixtures.numbers(data, "legend_dash") == [1, 1, 1, 1, 5, 2, 3, 4])
        #expect(data.finding == "Ping-pong at 4 workers: a 64 B message cost 2.90 µs between threads through the queue, "
            + "2.10 µs between processes through a pipe (0.72× the threads'), 1.20 µs through shared memory and 170 ns on one thread (serial, through the queue); "
            + "fan-in at 4 workers: a 64 B message cost 3.00 µs between threads through the queue, 6.00 µs between processes through a pipe (2× the threads') "
            + "and 300 ns on one thread (serial, through the queue).")
    }

    @Test("sweeping sizes and workers: per pattern a panel against size at the largest worker count and one against workers at the smallest size")
    func bySizeAndWorkers() throws {
        let data = try ChartFixtures.data(CommunicationChart.chart, Self.both)
        #expect(ChartFixtures.texts(data, "panel_title") == ["ping-pong · 2000 round trips · 8 workers", "ping-pong · 2000 round trips · 64 B messages",
                                                             "fan-in · 2 senders → 2 receivers, 500 messages · 8 workers",
                                                             "fan-in · 2 senders → 2 receivers, 500 messages · 64 B messages"])
        #expect(ChartFixtures.numbers(data, "panel_x_workers") == [0, 1, 0, 1])
        #expect(ChartFixtures.numbers(data, "workers") == [1, 4, 8])
        let table = try #require(data.table("series.tsv"))
        // Against size: serial, threads at 8 workers (not 4), processes at 8.
        #expect(ChartFixtures.numbers(data, "panel_first").prefix(2) == [1, 4] && ChartFixtures.numbers(data, "panel_last").prefix(2) == [3, 6])
        #expect(Self.close(Self.numbers(table, "y", block: 2), [2_600e-9, 4_100e-9]))
        #expect(Self.close(Self.numbers(table, "y", block: 3), [7_800e-9, 9_000e-9]))
        // Against workers at 64 B: serial at its one worker, threads and processes at 4 and 8.
        #expect(Self.close(Self.numbers(table, "x", block: 4), [pow(2, -0.03)]) && Self.close(Self.numbers(table, "y", block: 4), [170e-9]))
        #expect(Self.numbers(table, "x", block: 5) == [4, 8] && Self.close(Self.numbers(table, "y", block: 5), [2_000e-9, 2_600e-9]))
        #expect(Self.close(Self.numbers(table, "y", block: 6), [2_200e-9, 7_800e-9]))
        #expect(data.finding.hasPrefix("Ping-pong at 8 workers: a 64 B message cost 2.60 µs between threads through the queue, 7.80 µs between processes through a pipe (3× the threads') and 170 ns on one thread"))
        // fan-in ran only in processes: its clause has no threads and no ratio.
        #expect(data.finding.hasSuffix("; fan-in at 8 workers: a 64 B message cost 4.40 µs between processes through a Unix socket."))
    }

    @Test("one size and one worker count: x is the channel; the finding falls back to the ring, to shared memory, and to the worker count where both ran")
    func byChannel() throws {
        let run = RunFolder(directory: "/nonexistent", summary: [
            Self.row("ping-pong", "ring", 64, "threads", 4, perUpdate: 1_500),
            Self.row("ping-pong", "pipe", 64, "threads", 4, perUpdate: 5_000),
            Self.row("ping-pong", "shm", 64, "processes", 4, perUpdate: 1_800),
        ])
        let data = try ChartFixtures.data(CommunicationChart.chart, run)
        #expect(ChartFixtures.texts(data, "panel_title") == ["ping-pong · 2000 round trips · 4 workers"])
        #expect(ChartFixtures.numbers(data, "panel_x_workers") == [0])
        #expect(ChartFixtures.texts(data, "x_tic_label") == ["ring", "pipe", "shm"] && data.settings["x_log"] == .number(0))
        let table = try #require(data.table("series.tsv"))
        // threads' ring and pipe at channels 1 and 2 nudged left, processes' shm at 3 nudged right.
        #expect(Self.close(table.values("x").compactMap(\.number), [0.96, 1.96, 3.04]))
        #expect(data.finding == "Ping-pong at 4 workers: a 64 B message cost 1.50 µs between threads through the futex ring and 1.80 µs between processes through shared memory (1.2× the threads').")

        // Threads at 4 and 8 workers, processes only at 4: the comparison is at 4.
        let uneven = RunFolder(directory: "/nonexistent", summary: [
            Self.row("ping-pong", "queue", 64, "threads", 4, perUpdate: 3_000),
            Self.row("ping-pong", "queue", 64, "threads", 8, perUpdate: 3_300),
            Self.row("ping-pong", "unix", 64, "processes", 4, perUpdate: 6_000),
        ])
        #expect(try ChartFixtures.data(CommunicationChart.chart, uneven).finding
            == "Ping-pong at 4 workers: a 64 B message cost 3.00 µs between threads through the queue and 6.00 µs between processes through a Unix socket (2× the threads').")
    }

    @Test("a run without the message workload, or without a cost per message, has no communication chart, and says why")
    func skipped() {
        let cpu = SummaryCSV.summary(["workload": "cpu", "variant": "cpu[8MiB]", "mode": "threads", "workers": "2", "tasks": "4", "n": "5", "wall_median_s": "0.4"])!
        let none = RunFolder(directory: "/nonexistent", summary: [cpu])
        guard case .skip(let reason) = CommunicationChart.chart.prepare(none) else {
            Issue.record("a run without message must skip the chart")
            return
        }
        #expect(reason == "the run has no message workload")
        let failed = RunFolder(directory: "/nonexistent", summary: [Self.row("ping-pong", "pipe", 64, "threads", 4, perUpdate: nil)])
        guard case .skip(let why) = CommunicationChart.chart.prepare(failed) else {
            Issue.record("message cells without per_update_ns must skip the chart")
            return
        }
        #expect(why.contains("no cost per message"))
    }

    @Test("gnuplot draws both kinds of panel to a 1200×800 PNG and an SVG with their axes and titles, without a warning")
    func drawn() throws {
        let directory = try Files.makePrivateDirectory(in: Files.temporaryDirectory, prefix: "tvp-charts-")
        defer { Files.removeTree(directory) }
        let lines = Self.both.summary.map { CSVFormat.line(SummaryCSV.fields($0, scenario: "communication")) }
        try Files.writeDurably(Array((CSVFormat.line(SummaryCSV.header) + lines.joined()).utf8), to: "\(directory)/summary.csv")
        guard ChartRenderer.gnuplotPath(environment: ChartFixtures.environment) != nil else {
            print("skipped: gnuplot is not installed")
            return
        }
        let rendering = try ChartRenderer.render(runDirectory: directory, environment: ChartFixtures.environment, charts: [CommunicationChart.chart])
        #expect(rendering.files.map { URL(fileURLWithPath: $0).lastPathComponent } == ["communication.png", "communication.svg"])
        let size = try ChartFixtures.pngSize("\(directory)/charts/communication.png")
        #expect(size.width == 1200 && size.height == 800)
        #expect(try Files.readAll("\(directory)/charts/communication.png").count > 10_000, "communication.png is suspiciously small")
        let svg = String(decoding: try Files.readAll("\(directory)/charts/communication.svg"), as: UTF8.self)
        for text in ["message size (log scale)", "workers (log scale)", "ping-pong · 2000 round trips · 64 B messages", ">4 KiB<", ">unix<"] {
            #expect(svg.contains(text), "the SVG lacks \(text)")
        }
    }
}
