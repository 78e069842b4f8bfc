import TVPPlan
/// Statistics of one cell's counted trials: what summary.csv holds, one row each.
public struct CellSummary: Sendable {
    /// The cell.
    public var cell: Cell
    /// Counted trials that succeeded (the statistics use only these).
    public var n: Int
    /// Counted trials that failed.
    public var failed: Int
    /// Wall time: median, mean, min, max, standard deviation, seconds.
    public var wallMedian, wallMean, wallMin, wallMax, wallStandardDeviation: Double
    /// 95 % confidence interval of the median wall time (order statistics: `Statistics.medianInterval`), seconds.
    public var wallCI: ClosedRange<Double>
    /// Coefficient of variation of wall time.
    public var wallCV: Double
    /// Median CPU time (user + system, children included), and its parts, seconds.
    public var cpuMedian, userMedian, systemMedian: Double
    /// Median peak memory of the largest process, KiB.
    public var maxRSSMedianKiB: Double
    /// Tasks per second at the median wall time.
    public var tasksPerSecond: Double
    /// Megabytes (10^6) hashed or read per second at the median wall time; nil for `null`.
    public var megabytesPerSecond: Double?
    /// Median serial wall ÷ median wall; nil without a serial cell.
    public var speedup: Double?
    /// The speedup's 95 % confidence interval (`Statistics.medianRatio`); nil without one.
    public var speedupCI: ClosedRange<Double>?
    /// Speedup ÷ min(workers, usable CPUs).
    public var efficiency: Double?
    /// Median wall time per task, microseconds: on `null`, the mode's own cost per task.
    public var perTaskMicroseconds: Double
    /// Median of the trials' median task durations, microseconds.
    public var taskP50Microseconds: Double
    /// Median of the trials' median spawn (posix_spawn call to the worker's first instruction),
    /// microseconds; process modes only.
    public var spawnP50Microseconds: Double?
    /// Median steal time per trial, seconds.
    public var stealMedian: Double
    /// Median bytes read from the disk per trial.
    public var diskReadMedianBytes: Double
    /// Trials whose wall time is an outlier (modified z-score above 10).
    public var outliers: Int
    /// Whether the cell is noisy (coefficient of variation above 5 %).
    public var isNoisy: Bool { wallCV > Summarizer.noisyCoefficientOfVariation }
    /// The usable CPUs efficiency was computed against.
    public var usableCPUs: Int
    /// Pool modes: median of the pool start inside the trial (threads created; workers spawned
    /// and ready), seconds; nil for other modes.
    public var poolStartMedian: Double? = nil
    /// Median of (wall − the pool start) ÷ tasks, microseconds: the per-task cost once the
    /// pool is up. Equal to `perTaskMicroseconds` for modes without a pool.
    public var perTaskNetMicroseconds: Double = 0
    /// `shared` under a transfer: median over trials of the bytes shipped ÷ the time workers spent
    /// receiving them (summed over tasks), MB/s (1 MB = 10⁶ bytes); nil when nothing was shipped.
    public var transferMegabytesPerSecond: Double? = nil
    /// 95 % confidence interval of the median CPU time, seconds.
    public var cpuCI: ClosedRange<Double>? = nil
    /// 95 % confidence interval of the median system CPU time, seconds.
    public var systemCI: ClosedRange<Double>? = nil
    /// The successful counted trials' values, in trial order: expectations between two cells combine
    /// them into the interval of the cells' ratio.
    public var trials = TrialValues()

    /// The per-trial values of a cell's successful counted trials.
    public struct TrialValues: Sendable, Equatable {
        /// Wall time, seconds.
        public var walls: [Double] = []
        /// CPU time (user + system, children included), seconds.
        public var cpus: [Double] = []
        /// System CPU time, seconds.
        public var systems: [Double] = []
        /// `tally`: the updates each trial's race lost; empty for other workloads.
        public var lost: [Double] = []
        /// The most OS threads tvp had in each trial.
        public var threads: [Double] = []
        /// Peak memory of tvp's own process in each trial, KiB.
        public var tvpRSSKiB: [Double] = []
    }
    /// `tally`, `alloc`, `refs`: median wall time ÷ (tasks × updates per task), nanoseconds: the cost of
    /// one update (one replacement, one node visited); nil for other workloads.
    public var perUpdateNanoseconds: Double? = nil
    /// `tally`: median over trials of the updates missing from the final table; nil for other workloads.
    public var lostUpdatesMedian: Double? = nil
    /// Median of the threads the executor created per trial.
    public var threadsCreatedMedian: Double = 0
    /// Median of the most OS threads tvp had per trial.
    public var osThreadsMaxMedian: Double = 0
    /// Median peak memory of tvp's own process, KiB.
    public var tvpMaxRSSMedianKiB: Double = 0
    /// `download`: median CPU time of the server per trial, seconds; nil for other workloads.
    public var serverCPUMedian: Double? = nil
    /// `download`: median peak memory of the server per trial, KiB.
    public var serverMaxRSSMedianKiB: Double? = nil
    /// `download`: connection errors over all counted trials, failed ones included.
    public var connectionErrors: Int = 0
    /// `download`: connections dropped by full accept queues over all counted trials.
    public var listenDrops: Int? = nil
}
