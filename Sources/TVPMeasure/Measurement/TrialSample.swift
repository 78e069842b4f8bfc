import TVPWorkloads
import TVPPlan

/// One trial, in the one shape it has from measurement to summary: what `TrialMeasurer` returns,
/// what trials.csv holds (one row each, a column per figure: `TrialsCSV`), what the runner keeps
/// and summarises, and what `tvp check`, `tvp compare` and `tvp export` read back.
///
/// Every figure is a `Double`, counts and byte totals whole ones, so that statistics take any of
/// them; a figure a trial cannot have is nil (a spawn without processes, the lock of a `gil` mode).
public struct TrialSample: Sendable {
    /// The trial's cell.
    public var cell: Cell
    /// The block of the trial order this trial belongs to (1-based; warm-up blocks come first) and
    /// its place within the block (1-based).
    public var round = 0, position = 0
    /// Whether the trial was uncounted warm-up.
    public var isWarmup: Bool
    /// The trial's number among its cell's trials of the same kind (1-based).
    public var repetition = 0
    /// Wall time from the monotonic clock, seconds.
    public var wallSeconds: Double
    /// CPU seconds of tvp and every child reaped during the trial: user and system.
    public var userSeconds = 0.0, systemSeconds = 0.0
    /// Peak resident memory of the largest process involved, KiB.
    public var maxRSSKiB = 0.0
    /// Context switches (voluntary, involuntary) and page faults (minor, major), children included.
    public var voluntaryContextSwitches = 0.0, involuntaryContextSwitches = 0.0, minorFaults = 0.0, majorFaults = 0.0
    /// Per-task durations (the task's own work): median, 90th and 99th percentile, largest, microseconds.
    public var taskP50Microseconds = 0.0, taskP90Microseconds = 0.0, taskP99Microseconds = 0.0, taskMaxMicroseconds = 0.0
    /// Process modes: the median and the slowest spawn of the trial's worker processes (posix_spawn
    /// call to the worker's first instruction), microseconds; nil for other modes.
    public var spawnP50Microseconds: Double?, spawnMaxMicroseconds: Double?
    /// Processes spawned, threads the executor created, and distinct processes that ran tasks.
    public var processesSpawned = 0.0, threadsCreated = 0.0, distinctProcesses = 0.0
    /// The most OS threads tvp had during the trial (sampled before, after, and at most every 10 ms
    /// during it); child processes' threads are not counted.
    public var osThreadsMax = 0.0
    /// `gil` modes: hand-overs of the lock forced by drop requests, and the longest wait of any
    /// thread to take the lock (microseconds); nil for other modes.
    public var gilSwitches: Double?, gilWaitMaxMicroseconds: Double?
    /// Hypervisor steal time of the whole machine during the trial, seconds.
    public var stealSeconds = 0.0
    /// Bytes read through read() calls by tvp and its children (`rchar`), and those of them that
    /// came from the storage device, not the page cache (`read_bytes`).
    public var ioReadBytes = 0.0, ioDiskReadBytes = 0.0
    /// Pool modes: the pool start inside the trial (threads created; workers spawned and ready),
    /// seconds; nil for modes without a pool.
    public var poolStartSeconds: Double?
    /// `shared` under a transfer: the time the tasks spent obtaining their input, summed (seconds),
    /// and the bytes shipped to worker processes.
    public var transferSeconds = 0.0, transferBytes = 0.0
    /// `tally`: updates made minus updates in the final table (a `racy` trial's lost updates); nil
    /// for other workloads and for trials in which a task failed.
    public var lostUpdates: Double?
    /// A conversation (`message`): the median and 99th percentile of the round trips the asking
    /// parties timed, microseconds; nil for other workloads and for trials in which a task failed.
    public var roundTripP50Microseconds: Double?, roundTripP99Microseconds: Double?
    /// Peak resident memory of tvp's own process during the trial, KiB (`maxRSSKiB` is the larger
    /// of this and the largest child's; 0 in files written before schema 4).
    public var tvpMaxRSSKiB = 0.0
    /// `download`: CPU time (seconds, 10 ms resolution) and peak resident memory (KiB) of the
    /// server process during the trial; nil for other workloads.
    public var serverCPUSeconds: Double?, serverMaxRSSKiB: Double?
    /// `download`: tasks that failed on their connection (refused, reset, closed early, timed out,
    /// no descriptor left; 0 for other workloads), and connections the kernel dropped during the
    /// trial because an accept queue was full (`ListenDrops`, the whole network namespace; each costs
    /// its client a SYN retry, ~1 s).
    public var connectionErrors = 0.0, listenDrops: Double?
    /// `responsiveness`: how late the foreground's wake-ups were (the instant it could run minus its
    /// deadline): median, 90th, 99th and 99.9th percentile and the latest, microseconds; nil for
    /// workloads without a foreground (schema 6).
    public var latenessP50Microseconds: Double?, latenessP90Microseconds: Double?, latenessP99Microseconds: Double?,
               latenessP999Microseconds: Double?, latenessMaxMicroseconds: Double?
    /// `responsiveness`: the foreground's wake-ups recorded (at most its `ticks`; fewer when the
    /// background ended first); nil for other workloads.
    public var latenessTicks: Double?
    /// `responsiveness`: megabytes (10⁶) the background hashed per second of its own time (the wall
    /// time, less the foreground's ticks alone under `serial`); nil for other workloads.
    public var backgroundMegabytesPerSecond: Double?
    /// Seconds tvp's process was stopped during the trial (SIGSTOP, Ctrl-Z, a debugger, a frozen
    /// machine: `StoppedTime`), which its wall time includes; 0 for a trial tvp ran through (and
    /// in files written before schema 5).
    public var stoppedSeconds = 0.0
    /// The combined digest of all tasks, nil when a task failed.
    public var digest: TaskDigest?
    /// How the digest compared with the serial reference; nil when there is no digest.
    public var digestCheck: DigestCheck?
    /// Whether every task ran and the digest matched the reference.
    public var ok: Bool
    /// What went wrong, when something did.
    public var error: String?
    /// Whether the trial left work running that cannot be stopped (threads past the timeout), so the
    /// run must end after it. Not written: it concerns the run that measured the trial.
    public var abandonedRun = false

    /// A trial of `cell` with every figure 0 or absent, for a measurer or a reader to fill in.
    public init(cell: Cell, isWarmup: Bool, ok: Bool, wallSeconds: Double) {
        self.cell = cell
        self.isWarmup = isWarmup
        self.ok = ok
        self.wallSeconds = wallSeconds
    }
}

/// The version of a trial's shape as trials.csv and summary.csv hold it: a change of columns bumps it.
public enum TrialSchema {
    /// The schema this tvp writes.
    public static let version = 7
    /// Older schemas tvp still reads: their files lack columns added since, and name a few columns
    /// by their old names.
    public static let readableVersions = 2...7
}
