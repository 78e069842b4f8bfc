import TVPWorkloads
import TVPPlan
/// Statistics of one cell's counted trials: what summary.csv holds, one row each, and what the
/// charts, report.md and the expectations take, whether the Summarizer made it or summary.csv was
/// read back (`SummaryCSV`). A statistic the cell has none of (a column an older schema lacked) is
/// NaN, nil or 0, as summary.csv writes it: an empty field.
public struct CellSummary: Sendable, Equatable {
    /// The cell; nil only for a row of a summary.csv whose mode or workload this tvp does not know
    /// (a later tvp's run), which the charts and report.md still show by its names below.
    public var cell: Cell?
    /// The workload's name (`cpu`, `null`, …), as summary.csv writes it.
    public var workload: String
    /// The workload with its parameters, e.g. `cpu[8MiB]` (`Workload.label`, as the run wrote it).
    public var variant: String
    /// The workload's parameters as their columns hold them (`Workload.parameters`), e.g. `input_size`.
    public var parameters: [String: String]
    /// The mode's name (`threads`, …).
    public var mode: String
    /// Workers of the mode.
    public var workers: Int
    /// Tasks per trial.
    public var tasks: Int
    /// Where the work ran (`any`, `packed`, `spread`), as summary.csv writes it; `any` for a
    /// summary.csv written before schema 6.
    public var affinity = "any"
    /// Counted trials that succeeded (the statistics use only these).
    public var n = 0
    /// Counted trials that failed.
    public var failed = 0
    /// Wall time: median, mean, min, max, standard deviation, seconds.
    public var wallMedian = Double.nan, wallMean = Double.nan, wallMin = Double.nan, wallMax = Double.nan, wallStandardDeviation = Double.nan
    /// 95 % confidence interval of the median wall time (order statistics: `Statistics.medianInterval`), seconds.
    public var wallCI = -Double.infinity...Double.infinity
    /// Coefficient of variation of wall time.
    public var wallCV = Double.nan
    /// Median CPU time (user + system, children included), and its parts, seconds.
    public var cpuMedian = Double.nan, userMedian = Double.nan, systemMedian = Double.nan
    /// Median peak memory of the largest process, KiB.
    public var maxRSSMedianKiB = Double.nan
    /// Tasks per second at the median wall time.
    public var tasksPerSecond = Double.nan
    /// Megabytes (10^6) hashed or read per second at the median wall time; nil for `null`.
    public var megabytesPerSecond: Double?
    /// Median serial wall ÷ median wall; nil without a serial cell.
    public var speedup: Double?
    /// The speedup's 95 % confidence interval (`Statistics.medianRatio`); nil without one.
    public var speedupCI: ClosedRange<Double>?
    /// Speedup ÷ min(workers, usable CPUs).
    public var efficiency: Double?
    /// Median wall time per task, microseconds: on `null`, the mode's own cost per task.
    public var perTaskMicroseconds = Double.nan
    /// Median of the trials' median task durations, microseconds.
    public var taskP50Microseconds = Double.nan
    /// Median of the trials' median spawn (posix_spawn call to the worker's first instruction),
    /// microseconds; process modes only.
    public var spawnP50Microseconds: Double?
    /// Median steal time per trial, seconds.
    public var stealMedian = Double.nan
    /// Median bytes read from the disk per trial.
    public var diskReadMedianBytes = Double.nan
    /// Trials whose wall time is an outlier (modified z-score above 10).
    public var outliers = 0
    /// Whether the cell is noisy (coefficient of variation above 5 %).
    public var isNoisy: Bool { wallCV > Summarizer.noisyCoefficientOfVariation }
    /// The usable CPUs efficiency was computed against (0: not recorded).
    public var usableCPUs = 0
    /// Pool modes: median of the pool start inside the trial (threads created; workers spawned
    /// and ready), seconds; nil for other modes.
    public var poolStartMedian: Double?
    /// Median of (wall − the pool start) ÷ tasks, microseconds: the per-task cost once the
    /// pool is up. Equal to `perTaskMicroseconds` for modes without a pool.
    public var perTaskNetMicroseconds = Double.nan
    /// `shared` under a transfer: median over trials of the bytes shipped ÷ the time workers spent
    /// receiving them (summed over tasks), MB/s (1 MB = 10⁶ bytes); nil when nothing was shipped.
    public var transferMegabytesPerSecond: Double?
    /// 95 % confidence interval of the median CPU time, seconds.
    public var cpuCI: ClosedRange<Double>?
    /// 95 % confidence interval of the median system CPU time, seconds.
    public var systemCI: ClosedRange<Double>?
    /// The successful counted trials' values, in trial order: expectations between two cells combine
    /// them into the interval of the cells' ratio.
    public var trials = TrialValues()

    /// The per-trial values of a cell's successful counted trials.
    public struct TrialValues: Sendable, Equatable {
        /// Wall time, seconds.
        public var walls: [Double] = []
        /// The tasks' time as a speedup's baseline sees it, seconds: the wall time, except under
        /// `serial` with a foreground run alone first (`responsiveness`), where it is the background's.
        public var taskWalls: [Double] = []
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
        /// `responsiveness`: each trial's lateness percentiles (p50, p99, p99.9) and latest wake-up,
        /// microseconds, and its background's hashing rate, MB/s; empty for other workloads.
        public var latenessP50: [Double] = [], latenessP99: [Double] = [], latenessP999: [Double] = [], latenessMax: [Double] = []
        /// `responsiveness`: each trial's background hashing rate, MB/s.
        public var backgroundRates: [Double] = []
        /// A conversation (`message`): each trial's round-trip p50 and p99, microseconds.
        public var roundTripP50: [Double] = [], roundTripP99: [Double] = []
    }
    /// `tally`, `alloc`, `refs`: median wall time ÷ (tasks × updates per task), nanoseconds: the cost of
    /// one update (one replacement, one node visited); nil for other workloads.
    public var perUpdateNanoseconds: Double?
    /// `tally`: median over trials of the updates missing from the final table; nil for other workloads.
    public var lostUpdatesMedian: Double?
    /// A conversation (`message`): the medians of the trials' round-trip p50 and p99, microseconds.
    public var roundTripP50Microseconds: Double?, roundTripP99Microseconds: Double?
    /// A conversation: messages sent in a trial (`ConversationShape.messages`) ÷ the median wall time.
    public var messagesPerSecond: Double?
    /// Median of the threads the executor created per trial.
    public var threadsCreatedMedian = Double.nan
    /// Median of the most OS threads tvp had per trial.
    public var osThreadsMaxMedian = Double.nan
    /// Median peak memory of tvp's own process, KiB.
    public var tvpMaxRSSMedianKiB = Double.nan
    /// `download`: median CPU time of the server per trial, seconds; nil for other workloads.
    public var serverCPUMedian: Double?
    /// `download`: median peak memory of the server per trial, KiB.
    public var serverMaxRSSMedianKiB: Double?
    /// `download`: connection errors over all counted trials, failed ones included.
    public var connectionErrors = 0
    /// `download`: connections dropped by full accept queues over all counted trials.
    public var listenDrops: Int?
    /// `responsiveness`: medians over trials of the foreground's lateness percentiles (p50, p90,
    /// p99, p99.9) and latest wake-up, microseconds; nil for other workloads.
    public var latenessP50Microseconds: Double?, latenessP90Microseconds: Double?, latenessP99Microseconds: Double?,
               latenessP999Microseconds: Double?, latenessMaxMicroseconds: Double?
    /// `responsiveness`: median of the foreground's wake-ups recorded per trial.
    public var latenessTicksMedian: Double?
    /// `responsiveness`: median over trials of the background's hashing rate, MB/s (10⁶ bytes).
    public var backgroundMegabytesPerSecond: Double?

    /// A summary of `cell` with every statistic absent, for the Summarizer to fill in.
    public init(cell: Cell) {
        self.init(workload: cell.workload.name, variant: cell.workload.label,
                  parameters: Dictionary(cell.workload.parameters.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first }),
                  mode: cell.mode.rawValue, workers: cell.workers, tasks: cell.tasks)
        self.affinity = cell.affinity.rawValue
        self.cell = cell
    }

    /// A summary of a cell known by its names, every statistic absent, for a reader to fill in.
    public init(workload: String, variant: String, parameters: [String: String] = [:], mode: String, workers: Int, tasks: Int) {
        self.workload = workload
        self.variant = variant
        self.parameters = parameters
        self.mode = mode
        self.workers = workers
        self.tasks = tasks
    }
}
