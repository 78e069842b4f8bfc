import TVPWorkloads
import TVPPlan
import TVPStatistics

/// Everything measured about one trial: what trials.csv holds, one row each.
public struct TrialRecord: Sendable {
    /// The scenario's name.
    public var scenario: String
    /// The cell and where the trial fell in the order.
    public var trial: PlannedTrial
    /// Wall time from the monotonic clock, seconds.
    public var wallSeconds: Double
    /// CPU time of tvp and every child reaped during the trial.
    public var usage: ResourceUsageSummary
    /// Per-task durations (the task's own work): p50, p90, p99, max, microseconds.
    public var taskLatencyMicroseconds: LatencySummary
    /// Process modes: spawn call to the worker's first instruction, p50 and max, microseconds.
    public var spawnMicroseconds: LatencySummary?
    /// Processes spawned and threads created during the trial.
    public var processesSpawned: Int
    /// Threads the executor created.
    public var threadsCreated: Int
    /// Distinct processes that ran tasks.
    public var distinctProcesses: Int
    /// The most OS threads tvp had during the trial (sampled before, after, and at most every 10 ms
    /// during it); child processes' threads are not counted.
    public var osThreadsMax: Int
    /// `gil` modes: hand-overs of the lock forced by drop requests; nil for other modes.
    public var gilSwitches: Int?
    /// `gil` modes: the longest wait of any thread to take the lock, microseconds; nil for other modes.
    public var gilWaitMaxMicroseconds: Double?
    /// Hypervisor steal time of the whole machine during the trial, seconds.
    public var stealSeconds: Double
    /// Bytes read through read() calls by tvp and its children (`rchar`).
    public var ioReadBytes: Int
    /// Bytes of those reads that came from the storage device, not the page cache (`read_bytes`).
    public var ioDiskReadBytes: Int
    /// Pool modes: the pool start inside the trial (threads created; workers spawned and
    /// ready), seconds; nil for modes without a pool.
    public var poolStartSeconds: Double?
    /// Time the tasks spent obtaining shipped input (`shared` under a transfer), summed, seconds.
    public var transferSeconds: Double
    /// Bytes shipped to worker processes during the trial.
    public var transferBytes: Int
    /// `tally`: updates made minus updates in the final table (a `racy` trial's lost updates); nil
    /// for other workloads and for trials in which a task failed.
    public var lostUpdates: Int? = nil
    /// The combined digest of all tasks, nil when a task failed.
    public var digest: TaskDigest?
    /// How the digest compared with the serial reference; nil when there is no digest.
    public var digestCheck: DigestCheck?
    /// Whether every task ran and the digest matched the reference.
    public var ok: Bool
    /// What went wrong, when something did.
    public var error: String?
    /// Whether the trial left work running that cannot be stopped (threads past the timeout), so the
    /// run must end after it.
    public var abandonedRun = false
    /// Peak resident memory of tvp's own process during the trial, KiB (`usage.maxRSSKiB` is the
    /// larger of this and the largest child's).
    public var tvpMaxRSSKiB = 0
    /// `download`: tasks that failed on their connection (refused, reset, closed early, timed out,
    /// no descriptor left); 0 for other workloads.
    public var connectionErrors = 0
    /// `download`: CPU time of the server process during the trial, seconds (10 ms resolution);
    /// nil for other workloads.
    public var serverCPUSeconds: Double?
    /// `download`: peak resident memory of the server process during the trial, KiB.
    public var serverMaxRSSKiB: Int?
    /// `download`: connections the kernel dropped during the trial because an accept queue was
    /// full (`ListenDrops`, the whole network namespace); each costs its client a SYN retry (~1 s).
    public var listenDrops: Int?
    /// Seconds tvp's process was stopped during the trial (SIGSTOP, Ctrl-Z, a debugger, a frozen
    /// machine: `StoppedTime`), which its wall time includes; 0 for a trial tvp ran through.
    public var stoppedSeconds = 0.0
}

/// How a trial's combined digest compared with the serial reference (`digest_check`).
public enum DigestCheck: String, Sendable {
    /// It equals the reference: the mode did the same work.
    case matched
    /// It differs: the trial failed.
    case differs
    /// Not compared: the workload is declared nondeterministic (`deterministic: false`).
    case skipped

    /// The check of `digest` against `expected` (nil: not compared); nil without a digest.
    init?(_ digest: TaskDigest?, expected: TaskDigest?) {
        guard let digest else { return nil }
        guard let expected else {
            self = .skipped
            return
        }
        self = digest == expected ? .matched : .differs
    }
}

/// CPU, memory and scheduling figures of a trial, tvp and its children together.
public struct ResourceUsageSummary: Sendable {
    /// User CPU seconds.
    public var userSeconds: Double
    /// System CPU seconds.
    public var systemSeconds: Double
    /// Peak resident memory of the largest process involved, KiB.
    public var maxRSSKiB: Int
    /// Voluntary context switches.
    public var voluntaryContextSwitches: Int
    /// Involuntary context switches.
    public var involuntaryContextSwitches: Int
    /// Minor page faults.
    public var minorFaults: Int
    /// Major page faults.
    public var majorFaults: Int
}

/// Percentiles of a set of durations, in microseconds.
public struct LatencySummary: Sendable, Equatable {
    /// Median.
    public var p50: Double
    /// 90th percentile.
    public var p90: Double
    /// 99th percentile.
    public var p99: Double
    /// Largest.
    public var max: Double

    /// Summarises `nanoseconds`; nil when there are none.
    public init?(nanoseconds: [UInt64]) {
        guard !nanoseconds.isEmpty else { return nil }
        let micro = nanoseconds.map { Double($0) / 1e3 }.sorted()
        p50 = Statistics.percentile(micro, 50)
        p90 = Statistics.percentile(micro, 90)
        p99 = Statistics.percentile(micro, 99)
        max = micro.last!
    }
}
