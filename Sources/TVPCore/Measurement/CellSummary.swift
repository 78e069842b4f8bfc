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
    /// 95 % bootstrap confidence interval of the median wall time, seconds.
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
    /// Median serial wall ÷ median wall, with its 95 % bootstrap interval; nil without a serial cell.
    public var speedup: Double?
    /// The speedup's confidence interval.
    public var speedupCI: ClosedRange<Double>?
    /// Speedup ÷ min(workers, usable CPUs).
    public var efficiency: Double?
    /// Median wall time per task, microseconds: on `null`, the mode's own cost per task.
    public var perTaskMicroseconds: Double
    /// Median of the trials' median task durations, microseconds.
    public var taskP50Microseconds: Double
    /// Median of the trials' median process start-up, microseconds (process modes only).
    public var startupP50Microseconds: Double?
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
    /// Pool modes: median of the pool's start-up inside the trial (threads created; workers spawned
    /// and ready), seconds; nil for other modes.
    public var setupMedian: Double? = nil
    /// Median of (wall − the pool's start-up) ÷ tasks, microseconds: the per-task cost once the
    /// pool is up. Equal to `perTaskMicroseconds` for modes without a pool.
    public var perTaskNetMicroseconds: Double = 0
    /// `shared` under a transfer: median over trials of the bytes shipped ÷ the time workers spent
    /// receiving them (summed over tasks), MB/s (1 MB = 10⁶ bytes); nil when nothing was shipped.
    public var transferMegabytesPerSecond: Double? = nil
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
