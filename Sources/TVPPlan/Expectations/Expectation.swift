/// A machine-independent claim a scenario makes about its own results, e.g.
/// `threads.speedup(cpu, workers: 2) >= 1.7` or
/// `threads.wall(io, workers: 16) < processes.wall(io, workers: 16)`.
///
/// Grammar: `TERM OP TERM`, where OP is one of `>=`, `<=`, `>`, `<`, and a TERM is a number or
/// `[FACTOR *] MODE.METRIC(WORKLOAD, workers: N)`. WORKLOAD is a workload name, or a variant label such
/// as `cpu[8MiB]` when the scenario sweeps parameters.
public struct Expectation: Sendable, Equatable {
    /// The expectation as written.
    public var text: String
    /// Its line in the scenario file.
    public var line: Int
    /// The left side.
    public var left: Term
    /// The comparison.
    public var comparison: Comparison
    /// The right side.
    public var right: Term

    /// A side of an expectation.
    public enum Term: Sendable, Equatable {
        /// A plain number.
        case constant(Double)
        /// A factor times a metric of a cell.
        case metric(factor: Double, metric: Metric, cell: Cell)

        /// The cell the term refers to, if any.
        public var cell: Cell? {
            if case .metric(_, _, let cell) = self { return cell }
            return nil
        }
    }

    /// The comparison operators.
    public enum Comparison: String, Sendable, CaseIterable {
        case atLeast = ">=", atMost = "<=", greater = ">", less = "<"

        /// Whether `left OP right` holds.
        public func holds(_ left: Double, _ right: Double) -> Bool {
            switch self {
            case .atLeast: left >= right
            case .atMost: left <= right
            case .greater: left > right
            case .less: left < right
            }
        }
    }

    /// What can be measured about a cell.
    public enum Metric: String, Sendable, CaseIterable {
        /// Median serial wall time ÷ median wall time.
        case speedup
        /// Speedup ÷ min(workers, usable CPUs).
        case efficiency
        /// Median wall time, seconds.
        case wall
        /// Median CPU time, tvp and children, seconds.
        case cpu
        /// Median system CPU time, tvp and children, seconds: the kernel's share, where copies through
        /// pipes and files are paid.
        case sys
        /// Median wall time per task, microseconds (the mode's own cost on `null`).
        case overhead
        /// Tasks per second at the median wall time.
        case throughput
        /// `tally`, `alloc`, `refs`: median wall time per update, nanoseconds; `message`: per message sent.
        case perUpdate = "per_update"
        /// `tally`: median updates missing from the final table (a race's lost updates).
        case lost
        /// Median of the most OS threads tvp's process had during a trial.
        case threads
        /// Median peak resident memory of tvp's own process, MiB (workers' and servers' apart).
        case rss
        /// `responsiveness`: the median over trials of the foreground's median wake-up lateness, µs.
        case latenessP50 = "lateness_p50"
        /// `responsiveness`: the median over trials of the 99th percentile of lateness, µs.
        case latenessP99 = "lateness_p99"
        /// `responsiveness`: the median over trials of the 99.9th percentile of lateness, µs.
        case latenessP999 = "lateness_p999"
        /// `responsiveness`: the median over trials of the latest wake-up, µs.
        case latenessMax = "lateness_max"
        /// `responsiveness`: the median background hashing rate, MB/s (10⁶ bytes).
        case background
        /// `message`: the median over trials of the round trips' median, µs (ping-pong's asking parties).
        case roundTripP50 = "round_trip_p50"
        /// `message`: the median over trials of the round trips' 99th percentile, µs.
        case roundTripP99 = "round_trip_p99"

        /// Whether it measures a trial's foreground (`responsiveness`): its workload must have one.
        public var needsCompanion: Bool {
            [.latenessP50, .latenessP99, .latenessP999, .latenessMax, .background].contains(self)
        }

        /// Whether a larger value is better, for describing margins.
        public var higherIsBetter: Bool { self == .speedup || self == .efficiency || self == .throughput || self == .background }

        /// The unit printed after values.
        public var unit: String {
            switch self {
            case .speedup: "×"
            case .efficiency: ""
            case .wall, .cpu, .sys: " s"
            case .overhead: " µs"
            case .throughput: " tasks/s"
            case .perUpdate: " ns"
            case .lost: " updates lost"
            case .threads: " threads"
            case .rss: " MiB"
            case .latenessP50, .latenessP99, .latenessP999, .latenessMax, .roundTripP50, .roundTripP99: " µs"
            case .background: " MB/s"
            }
        }
    }
}
