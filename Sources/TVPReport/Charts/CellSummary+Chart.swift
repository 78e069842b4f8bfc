import TVPAnalysis

/// What the charts read of a summary beyond its fields: a statistic absent (NaN) or unbounded as
/// nil, the ends of the speedup's interval, and the parameters of `shared` and `message`.
extension CellSummary {
    /// The speedup interval's low end.
    var speedupLow: Double? { speedupCI?.lowerBound }
    /// The speedup interval's high end.
    var speedupHigh: Double? { speedupCI?.upperBound }
    /// The panel a cell is drawn in: its variant, with its placement when `affinity` placed it
    /// ("cpu[8MiB] packed"), so that placements are never drawn as one line.
    var panel: String { affinity == "any" ? variant : "\(variant) \(affinity)" }
    /// `shared`: the input's size in bytes.
    var inputSize: Double? { parameters["input_size"].flatMap { Double($0) }.flatMap(\.finite) }
    /// `shared`: how a worker gets its slice (`in-place`, `pipe`, `file`, `shm`).
    var transfer: String? { parameters["transfer"] }
    /// `message`: the conversations' shape (`ping-pong`, `fan-in`).
    var pattern: String? { parameters["pattern"] }
    /// `message`: how the messages travel (`queue`, `ring`, `pipe`, `unix`, `shm`).
    var channel: String? { parameters["channel"] }
    /// `message`: bytes per message.
    var messageSize: Double? { parameters["message_size"].flatMap { Double($0) }.flatMap(\.finite) }
}

extension Double {
    /// The number when it is finite; nil for NaN (a statistic a cell has none of) and ±∞.
    var finite: Double? { isFinite ? self : nil }
}
