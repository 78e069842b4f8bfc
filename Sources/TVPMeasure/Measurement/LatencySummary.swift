import TVPStatistics

/// Percentiles of a set of durations, in microseconds: a trial's task durations, spawns and a
/// foreground's wake-up lateness. Percentiles interpolate linearly between order statistics
/// (`Statistics.percentile`): of 1,000 wake-ups, p99.9 lies between the two latest.
struct LatencySummary: Sendable, Equatable {
    /// Median.
    var p50: Double
    /// 90th percentile.
    var p90: Double
    /// 99th percentile.
    var p99: Double
    /// 99.9th percentile.
    var p999: Double
    /// Largest.
    var max: Double

    /// Summarises `nanoseconds`; nil when there are none.
    init?(nanoseconds: [UInt64]) {
        guard !nanoseconds.isEmpty else { return nil }
        let micro = nanoseconds.map { Double($0) / 1e3 }.sorted()
        p50 = Statistics.percentile(micro, 50)
        p90 = Statistics.percentile(micro, 90)
        p99 = Statistics.percentile(micro, 99)
        p999 = Statistics.percentile(micro, 99.9)
        max = micro.last!
    }
}
