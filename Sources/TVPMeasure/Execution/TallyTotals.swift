import TVPSystem
import TVPWorkloads

/// The end of a `tally` trial: the trial's table, the per-worker tables in it, and the tables worker
/// processes sent back with their results, added up into the final counts; their digest; and how
/// many updates are missing from them (`racy` loses some; every other sync must lose none).
public struct TallyTotals: Sendable {
    /// The final count of each bin.
    public var counts: [UInt64]
    /// Updates made minus updates counted.
    public var lostUpdates: Int
    /// SHA-256 of the counts, each a little-endian 64-bit word: the trial's digest.
    public var digest: TaskDigest

    /// The totals of a `tally` request whose tasks ended with `outcomes`; nil for other workloads.
    init?(request: ExecutionRequest, outcomes: [TaskOutcome]) {
        guard let tally = request.workload.as(TallyWorkload.self), case .tally(let table) = request.input else { return nil }
        var counts = table.totals()
        for output in outcomes.lazy.compactMap(\.output) {
            Self.add(output, to: &counts)
        }
        let counted = counts.reduce(0, &+)
        lostUpdates = request.tasks * tally.updates - Int(truncatingIfNeeded: counted)
        var hasher = SHA256Hasher()
        for count in counts { hasher.update(count) }
        digest = hasher.finish()
        self.counts = counts
    }

    /// Adds counts sent as little-endian 64-bit words; words past the table's bins are ignored
    /// (and a short table leaves the final counts short, so the digest shows it).
    private static func add(_ bytes: [UInt8], to counts: inout [UInt64]) {
        for bin in 0..<min(counts.count, bytes.count / 8) {
            var word: UInt64 = 0
            for byte in (0..<8).reversed() { word = word << 8 | UInt64(bytes[bin * 8 + byte]) }
            counts[bin] &+= word
        }
    }
}
