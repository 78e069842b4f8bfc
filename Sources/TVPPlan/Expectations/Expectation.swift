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
        /// `tally`, `alloc`, `refs`: median wall time per update, nanoseconds.
        case perUpdate = "per_update"
        /// `tally`: median updates missing from the final table (a race's lost updates).
        case lost
        /// Median of the most OS threads tvp's process had during a trial.
        case threads
        /// Median peak resident memory of tvp's own process, MiB (workers' and servers' apart).
        case rss

        /// Whether a larger value is better, for describing margins.
        public var higherIsBetter: Bool { self == .speedup || self == .efficiency || self == .throughput }

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
            }
        }
    }
}
