import Foundation
import TVPAnalysis
import TVPFormatting
import TVPResults

/// communication: what one message costs between workers that talk (the `message` workload),
/// threads beside processes. A panel per conversation — the pattern (`ping-pong`, then `fan-in`)
/// with its round trips, or messages and group — showing the wall time per message
/// (`per_update_ns`) on one log axis shared by every panel:
/// - against the message size (log2 axis) when the run sweeps `message_size`, at the
///   conversation's largest worker count;
/// - against workers (log2 axis) when the run sweeps workers, at the smallest message size (where
///   the cost of passing a message is least hidden by copying its bytes);
/// - both, a panel of each side by side per conversation, when the run sweeps both;
/// - against the channel, when it sweeps neither.
///
/// A line per (mode, channel): the mode's colour (as in every chart), the channel's dash and point,
/// so that each channel's thread line sits beside its process line. `serial` (one thread plays every
/// party: no wake-up, no context switch) is in every panel as the floor, at its one worker, drawn
/// thinner so that the lines of workers that talk stand out among up to five channels. Bars from
/// the fastest and slowest trials.
enum CommunicationChart {
    /// The chart.
    static let chart = Chart(name: "communication", title: "Workers that talk: the cost of one message", prepare: prepare)

    /// The columns of series.tsv: x (nudged by mode), the wall time per message (seconds) and its bar.
    static let columns = ["x", "y", "low", "high"]

    /// What a panel's x axis shows.
    enum XAxis: Equatable {
        /// The message size, at one worker count.
        case size
        /// The worker count, at one message size.
        case workers
        /// The channel, at the run's only size and worker count.
        case channel
    }

    /// The cells of one pattern with the same round trips (ping-pong) or messages and group
    /// (fan-in), and placement: what the lines of a panel compare.
    struct Conversation {
        /// "ping-pong · 2000 round trips", "fan-in · 2 senders → 2 receivers, 500 messages".
        var title: String
        /// `ping-pong` or `fan-in`.
        var pattern: String
        /// Its cells with a cost per message.
        var rows: [CellSummary]
    }

    /// The data of `run`'s communication chart.
    static func prepare(_ run: RunFolder) -> ChartPreparation {
        let messages = run.summary.filter { $0.workload == "message" }
        let rows = messages.filter { ($0.perUpdateNanoseconds ?? 0) > 0 && $0.channel != nil && $0.messageSize != nil }
        guard !rows.isEmpty else {
            return .skip(messages.isEmpty ? "the run has no message workload" : "its message cells have no cost per message (per_update_ns): no successful trials")
        }
        let all = conversations(rows)
        let modes = ChartStyle.ordered(rows.map(\.mode), by: ChartStyle.modeOrder)
        let channels = ChartStyle.ordered(rows.compactMap(\.channel), by: ChartStyle.channelOrder)
        let sizes = Array(Set(rows.compactMap(\.messageSize))).sorted()
        let axes = xAxes(rows)
        let limit = max(1, WorkersAxis.maximumPanels / axes.count)
        let shown = Array(all.prefix(limit))
        let workersAxis = WorkersAxis(rows: rows)

        // Nudged apart by mode (3 % of a doubling per place) so that bars at one x stay apart.
        func nudge(_ x: Double, _ mode: String) -> Double {
            x * pow(2, 0.03 * (Double(modes.firstIndex(of: mode) ?? 0) + 1 - Double(modes.count + 1) / 2))
        }
        func x(_ row: CellSummary, _ axis: XAxis) -> Double {
            switch axis {
            case .size: nudge(row.messageSize ?? 0, row.mode)
            case .workers: workersAxis.x(row)
            case .channel:
                Double((channels.firstIndex(of: row.channel ?? "") ?? 0) + 1)
                    + 0.08 * (Double(modes.firstIndex(of: row.mode) ?? 0) + 1 - Double(modes.count + 1) / 2)
            }
        }
        let values = shown.flatMap(\.rows).flatMap { row in
            let (y, low, high) = cost(row)
            return [y, low, high]
        }
        let yAxis = YAxis.fitting(values, logAbove: 0)

        var panels = ChartPanels(table: "series.tsv", columns: columns)
        var panelOnWorkers: [Double] = []
        for conversation in shown {
            for axis in axes {
                let (rows, title) = panel(conversation, axis)
                let lines = modes.flatMap { mode in
                    channels.map { channel -> (style: LineStyle, rows: [[ChartValue]]) in
                        let points = rows.filter { $0.mode == mode && $0.channel == channel }.sorted { x($0, axis) < x($1, axis) }.map { row in
                            let (y, low, high) = cost(row)
                            return [ChartValue.number(x(row, axis)), .number(y), .number(low), .number(high)]
                        }
                        return (style(mode: mode, channel: channel, among: modes), points)
                    }
                }
                if panels.addPanel(title: title, yLabel: "wall time per message", axis: yAxis, lines: lines) {
                    panelOnWorkers.append(axis == .workers ? 1 : 0)
                }
            }
        }
        for mode in modes { panels.legend.line(mode, LineStyle(color: ChartStyle.color(mode: mode, among: modes), width: width(mode))) }
        for channel in channels {
            panels.legend.line(channel, LineStyle(color: ChartStyle.grey, point: ChartStyle.point(channel: channel), dash: ChartStyle.dash(channel: channel)))
        }

        var data = ChartData(finding: finding(all))
        let left = all.count > shown.count ? "the first \(shown.count) of \(all.count) conversations (all in summary.csv)" : nil
        ChartText.setHeading("Workers that talk: wall time per message, threads beside processes, each channel a line", run,
                             note: ["serial: one thread plays every party (no wake-up)", "bars: fastest and slowest trials", left]
                                .compactMap { $0 }.joined(separator: " · "), in: &data.settings)
        var s = data.settings
        s.set("panel_x_workers", numbers: panelOnWorkers)
        if axes.contains(.workers) { workersAxis.write(into: &s) }
        if axes.contains(.size) {
            s.set("x_log", 2)
            s.set("x_low", (sizes.first ?? 1) / 1.5)
            s.set("x_high", (sizes.last ?? 1) * 1.5)
            s.set("x_tic_value", numbers: sizes)
            s.set("x_tic_label", texts: sizes.map(size))
            s.set("x_label", "message size (log scale)")
        } else if axes.contains(.channel) {
            s.set("x_log", 0)
            s.set("x_low", 0.5)
            s.set("x_high", Double(channels.count) + 0.5)
            s.set("x_tic_value", numbers: channels.indices.map { Double($0 + 1) })
            s.set("x_tic_label", texts: channels)
            s.set("x_label", "channel (\(sizes.first.map(size) ?? "?") messages)")
        }
        data.settings = s
        panels.write(into: &data)
        return .draw(data)
    }

    /// The x axes of every conversation's panels: message size and workers as the run sweeps them,
    /// else the channel.
    static func xAxes(_ rows: [CellSummary]) -> [XAxis] {
        var axes: [XAxis] = []
        if Set(rows.compactMap(\.messageSize)).count > 1 { axes.append(.size) }
        if Set(rows.filter { $0.mode != "serial" }.map(\.workers)).count > 1 { axes.append(.workers) }
        return axes.isEmpty ? [.channel] : axes
    }

    /// The rows and title of `conversation`'s panel on `axis`: against the size, `serial` and the
    /// largest worker count; against workers, every count at the smallest size.
    static func panel(_ conversation: Conversation, _ axis: XAxis) -> (rows: [CellSummary], title: String) {
        let rows = conversation.rows
        switch axis {
        case .size:
            guard let workers = rows.filter({ $0.mode != "serial" }).map(\.workers).max() else { return (rows, conversation.title) }
            return (rows.filter { $0.mode == "serial" || $0.workers == workers }, "\(conversation.title) · \(workers) worker\(workers == 1 ? "" : "s")")
        case .workers:
            let smallest = rows.compactMap(\.messageSize).min()
            return (rows.filter { $0.messageSize == smallest }, "\(conversation.title) · \(smallest.map(size) ?? "?") messages")
        case .channel:
            let workers = rows.filter { $0.mode != "serial" }.map(\.workers).max()
            return (rows, conversation.title + (workers.map { " · \($0) worker\($0 == 1 ? "" : "s")" } ?? ""))
        }
    }

    /// `rows` grouped by conversation: ping-pong's first, then fan-in's, each in file order.
    static func conversations(_ rows: [CellSummary]) -> [Conversation] {
        var order: [String] = []
        var groups: [String: Conversation] = [:]
        for row in rows {
            let pattern = row.pattern ?? "?"
            let words: String = switch pattern {
            case "ping-pong": "\(row.parameters["round_trips"] ?? "?") round trips"
            case "fan-in":
                (Int(row.parameters["group"] ?? "").map { "\($0 / 2) senders → \($0 / 2) receivers, " } ?? "") + "\(row.parameters["messages"] ?? "?") messages"
            default: row.variant
            }
            let title = "\(pattern) · \(words)" + (row.affinity == "any" ? "" : " \(row.affinity)")
            if groups[title] == nil {
                order.append(title)
                groups[title] = Conversation(title: title, pattern: pattern, rows: [])
            }
            groups[title]?.rows.append(row)
        }
        let patterns = ChartStyle.ordered(order.compactMap { groups[$0]?.pattern }, by: ["ping-pong", "fan-in"])
        return patterns.flatMap { pattern in order.compactMap { groups[$0] }.filter { $0.pattern == pattern } }
    }

    /// Wall time per message of `row` in seconds, and its bar from the fastest and slowest trials.
    static func cost(_ row: CellSummary) -> (y: Double, low: Double, high: Double) {
        let y = (row.perUpdateNanoseconds ?? .nan) * 1e-9
        guard row.wallMedian > 0 else { return (y, y, y) }
        return (y, y * (row.wallMin.finite ?? row.wallMedian) / row.wallMedian, y * (row.wallMax.finite ?? row.wallMedian) / row.wallMedian)
    }

    /// The line of `mode` over `channel`: the mode's colour, the channel's dash and point.
    static func style(mode: String, channel: String, among modes: [String]) -> LineStyle {
        LineStyle(color: ChartStyle.color(mode: mode, among: modes), point: ChartStyle.point(channel: channel), dash: ChartStyle.dash(channel: channel),
                  width: width(mode))
    }

    /// The floor (`serial`) thinner than the modes whose workers talk.
    static func width(_ mode: String) -> Double { mode == "serial" ? 1.25 : 2 }

    /// 64 as "64 B", 4096 as "4 KiB".
    static func size(_ bytes: Double) -> String {
        bytes < 1_024 ? "\(Number.format(bytes)) B" : ByteSize.format(bytes, .significant)
    }

    /// How a channel is named in a sentence: "the queue", "a pipe", "shared memory".
    static func phrase(_ channel: String?) -> String {
        ["queue": "the queue", "ring": "the futex ring", "pipe": "a pipe", "unix": "a Unix socket", "shm": "shared memory"][channel ?? ""] ?? "`\(channel ?? "?")`"
    }

    /// "Ping-pong at 4 workers: a 64 B message cost 2.86 µs between threads through the queue,
    /// 2.12 µs between processes through a pipe (0.74× the threads') and 1.60 µs through shared
    /// memory and 167 ns on one thread (serial, through the queue); fan-in at 4 workers: …".
    ///
    /// The comparison the folklore is about, per conversation at its smallest message size and the
    /// largest worker count where both threads and processes ran: threads through their in-memory
    /// channel (the queue, else the ring, else their cheapest), processes through their cheapest
    /// kernel channel (pipe or Unix socket, else their cheapest) and through shared memory, and the
    /// serial floor; a side the run lacks is left out.
    static func finding(_ conversations: [Conversation]) -> String {
        let clauses = conversations.compactMap(clause)
        guard let first = clauses.first else { return "" }
        return ([first.prefix(1).uppercased() + first.dropFirst()] + clauses.dropFirst()).joined(separator: "; ") + "."
    }

    /// One conversation's part of the finding; nil when it has nothing to say.
    static func clause(_ conversation: Conversation) -> String? {
        guard let smallest = conversation.rows.compactMap(\.messageSize).min() else { return nil }
        let here = conversation.rows.filter { $0.messageSize == smallest }
        func has(_ mode: String, _ workers: Int) -> Bool { here.contains { $0.mode == mode && $0.workers == workers } }
        let counts = Set(here.filter { $0.mode != "serial" }.map(\.workers))
        let workers = counts.filter { has("threads", $0) && has("processes", $0) }.max() ?? counts.max()
        func cheapest(_ rows: [CellSummary]) -> CellSummary? { rows.min { ($0.perUpdateNanoseconds ?? .infinity) < ($1.perUpdateNanoseconds ?? .infinity) } }
        func text(_ row: CellSummary) -> String { Seconds.format((row.perUpdateNanoseconds ?? .nan) * 1e-9, .significant) }

        let threads = here.filter { $0.mode == "threads" && $0.workers == workers }
        let processes = here.filter { $0.mode == "processes" && $0.workers == workers }
        let thread = threads.first { $0.channel == "queue" } ?? threads.first { $0.channel == "ring" } ?? cheapest(threads)
        let process = cheapest(processes.filter { ["pipe", "unix"].contains($0.channel ?? "") }) ?? cheapest(processes)
        let shared = processes.first { $0.channel == "shm" && $0.channel != process?.channel }
        let serials = here.filter { $0.mode == "serial" }
        let serial = serials.first { $0.channel == thread?.channel } ?? cheapest(serials)

        var parts: [String] = []
        if let thread { parts.append("\(text(thread)) between threads through \(phrase(thread.channel))") }
        if let process {
            var part = "\(text(process)) between processes through \(phrase(process.channel))"
            if let thread, let t = thread.perUpdateNanoseconds, let p = process.perUpdateNanoseconds, t > 0 {
                part += " (\(Ratio.format(p / t, .short)) the threads')"
            }
            parts.append(part)
        }
        if let shared { parts.append("\(text(shared)) through shared memory") }
        if let serial { parts.append("\(text(serial)) on one thread (serial, through \(phrase(serial.channel)))") }
        guard !parts.isEmpty else { return nil }
        let at = workers.map { " at \($0) worker\($0 == 1 ? "" : "s")" } ?? ""
        return "\(conversation.pattern)\(at): a \(size(smallest)) message cost \(ChartText.list(parts))"
    }
}
