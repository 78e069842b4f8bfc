import TVPWorkloads
import TVPPlan

/// The figures of one trial that statistics need: what the runner keeps in memory per trial and
/// what `tvp check` reads back from trials.csv.
public struct TrialSample: Sendable {
    /// The trial's cell.
    public var cell: Cell
    /// Whether the trial was uncounted warm-up.
    public var isWarmup: Bool
    /// Whether the trial succeeded.
    public var ok: Bool
    /// Wall time, seconds.
    public var wallSeconds: Double
    /// User CPU seconds, children included.
    public var userSeconds: Double
    /// System CPU seconds, children included.
    public var systemSeconds: Double
    /// Peak memory of the largest process, KiB.
    public var maxRSSKiB: Double
    /// Median task duration, microseconds.
    public var taskP50Microseconds: Double
    /// Median spawn of the trial's worker processes (posix_spawn call to the worker's first
    /// instruction), microseconds; process modes only.
    public var spawnP50Microseconds: Double?
    /// Steal time during the trial, seconds.
    public var stealSeconds: Double
    /// Bytes read from the disk rather than the page cache.
    public var ioDiskReadBytes: Double
    /// Pool modes: the pool start inside the trial (threads created; workers spawned and ready), seconds.
    public var poolStartSeconds: Double?
    /// Time workers spent obtaining shipped input, summed over tasks, seconds.
    public var transferSeconds: Double
    /// Bytes shipped to workers.
    public var transferBytes: Double
    /// `tally`: updates missing from the final table; nil for other workloads.
    public var lostUpdates: Double?
    /// Threads the executor created during the trial.
    public var threadsCreated: Double = 0
    /// The most OS threads tvp had during the trial.
    public var osThreadsMax: Double = 0
    /// Peak memory of tvp's own process, KiB (0 in files written before schema 4).
    public var tvpMaxRSSKiB: Double = 0
    /// `download`: tasks that failed on their connection.
    public var connectionErrors: Double = 0
    /// `download`: the server's CPU time during the trial, seconds.
    public var serverCPUSeconds: Double?
    /// `download`: the server's peak memory during the trial, KiB.
    public var serverMaxRSSKiB: Double?
    /// `download`: connections dropped by full accept queues during the trial.
    public var listenDrops: Double?
    /// Seconds tvp was stopped during the trial (schema 5; 0 before).
    public var stoppedSeconds = 0.0

    /// A sample of `cell` with every figure 0 or absent, for a reader to fill in.
    public init(cell: Cell, isWarmup: Bool, ok: Bool, wallSeconds: Double) {
        self.cell = cell
        self.isWarmup = isWarmup
        self.ok = ok
        self.wallSeconds = wallSeconds
        userSeconds = 0
        systemSeconds = 0
        maxRSSKiB = 0
        taskP50Microseconds = 0
        stealSeconds = 0
        ioDiskReadBytes = 0
        transferSeconds = 0
        transferBytes = 0
    }

    /// The sample of a freshly measured trial.
    public init(_ record: TrialRecord) {
        cell = record.trial.cell
        isWarmup = record.trial.isWarmup
        ok = record.ok
        wallSeconds = record.wallSeconds
        userSeconds = record.usage.userSeconds
        systemSeconds = record.usage.systemSeconds
        maxRSSKiB = Double(record.usage.maxRSSKiB)
        taskP50Microseconds = record.taskLatencyMicroseconds.p50
        spawnP50Microseconds = record.spawnMicroseconds?.p50
        stealSeconds = record.stealSeconds
        ioDiskReadBytes = Double(record.ioDiskReadBytes)
        poolStartSeconds = record.poolStartSeconds
        transferSeconds = record.transferSeconds
        transferBytes = Double(record.transferBytes)
        lostUpdates = record.lostUpdates.map(Double.init)
        threadsCreated = Double(record.threadsCreated)
        osThreadsMax = Double(record.osThreadsMax)
        tvpMaxRSSKiB = Double(record.tvpMaxRSSKiB)
        connectionErrors = Double(record.connectionErrors)
        serverCPUSeconds = record.serverCPUSeconds
        serverMaxRSSKiB = record.serverMaxRSSKiB.map(Double.init)
        listenDrops = record.listenDrops.map(Double.init)
        stoppedSeconds = record.stoppedSeconds
    }
}

/// The version of a trial's shape as trials.csv and summary.csv hold it: a change of columns bumps it.
public enum TrialSchema {
    /// The schema this tvp writes.
    public static let version = 5
    /// Older schemas tvp still reads: their files lack columns added since, and name a few columns
    /// by their old names.
    public static let readableVersions = 2...5
}
