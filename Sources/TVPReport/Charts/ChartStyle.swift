/// How modes, transfers and message channels look in every chart: Okabe–Ito colours (told apart
/// with colour blindness), a point type per mode, a dash and point per transfer or channel; and
/// the order they are listed in.
enum ChartStyle {
    /// Modes in the order charts list them (DESIGN.md's); others follow in the order met.
    static let modeOrder = ["serial", "threads", "processes", "process-pool", "gil", "gil-release", "async"]
    /// Transfers in the order charts list them.
    static let transferOrder = ["in-place", "pipe", "file", "shm"]
    /// Message channels in the order charts list them: in memory first, then through the kernel,
    /// then memory mapped together.
    static let channelOrder = ["queue", "ring", "pipe", "unix", "shm"]
    /// Reference lines (ideal, 1.0) and neutral legend samples.
    static let grey = "#555555"
    /// The usable-CPU ceiling.
    static let ceiling = "#9b1c1c"
    /// Colours for modes this table does not know, by position.
    private static let spareColors = ["#8C564B", "#6A3D9A", "#999999", "#F0E442"]

    /// `names` without repeats, those in `order` first in that order, the others as met.
    static func ordered(_ names: [String], by order: [String]) -> [String] {
        var seen = Set<String>(), others: [String] = []
        for name in names where !seen.contains(name) {
            seen.insert(name)
            if !order.contains(name) { others.append(name) }
        }
        return order.filter(seen.contains) + others
    }

    /// The colour of `mode`; an unknown mode gets a spare colour by its place in `modes`.
    static func color(mode: String, among modes: [String]) -> String {
        switch mode {
        case "serial": "#000000"
        case "threads": "#0072B2"
        case "processes": "#D55E00"
        case "process-pool": "#E69F00"
        case "gil": "#009E73"
        case "gil-release": "#56B4E9"
        case "async": "#CC79A7"
        default: spareColors[(modes.firstIndex(of: mode) ?? 0) % spareColors.count]
        }
    }

    /// The filled point type of `mode` (gnuplot numbering; the hollow twin is one less).
    static func point(mode: String) -> Int {
        ["serial": 13, "threads": 7, "processes": 5, "process-pool": 9, "gil": 11, "gil-release": 3, "async": 15][mode] ?? 3
    }

    /// The line style of `mode` in a chart listing `modes`.
    static func line(mode: String, among modes: [String], width: Double = 2) -> LineStyle {
        LineStyle(color: color(mode: mode, among: modes), point: point(mode: mode), width: width)
    }

    /// The dash type of a transfer (gnuplot `dt`).
    static func dash(transfer: String) -> Int { ["in-place": 1, "pipe": 2, "file": 3, "shm": 4][transfer] ?? 5 }

    /// The point type of a transfer.
    static func point(transfer: String) -> Int { ["in-place": 7, "pipe": 5, "file": 9, "shm": 13][transfer] ?? 11 }

    /// The dash type of a message channel (`pipe` and `shm` as the transfers of that name).
    static func dash(channel: String) -> Int { ["queue": 1, "ring": 5, "pipe": 2, "unix": 3, "shm": 4][channel] ?? 1 }

    /// The point type of a message channel (`pipe` and `shm` as the transfers of that name).
    static func point(channel: String) -> Int { ["queue": 7, "ring": 9, "pipe": 5, "unix": 11, "shm": 13][channel] ?? 3 }
}

/// How one line is drawn: colour, point type (0: none), dash type, width.
struct LineStyle: Sendable, Equatable {
    /// `#RRGGBB`.
    var color: String
    /// gnuplot point type; 0 draws no point.
    var point: Int = 0
    /// gnuplot dash type; 1 is solid.
    var dash: Int = 1
    /// Line width.
    var width: Double = 2
}
