import TVPWorkloads

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
    }
}
