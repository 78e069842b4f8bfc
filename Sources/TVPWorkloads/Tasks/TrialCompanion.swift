import TVPSystem

/// What a trial runs beside its tasks, when its workload declares one (`WorkloadKind.makeCompanion`):
/// a foreground that wakes at deadlines (a UI loop, a heartbeat, a server's accept loop) and records
/// how late each wake-up was, while the mode runs the trial's tasks exactly as it runs any workload's.
///
/// The companion decides when it wakes and what it does once awake; the mode decides where it runs
/// and how it sleeps (TVPMeasure's `CompanionRun`: a thread of its own beside the tasks, one that
/// takes the interpreter lock after each wake-up under the `gil` modes, a task on the cooperative pool
/// under `async`, alone before the tasks under `serial`). It stops when it has done its part
/// (`nextDeadline` returns nil) or when the tasks have ended, whichever comes first. One companion
/// per trial, used by one thread at a time.
public protocol TrialCompanion: AnyObject {
    /// The deadline of the next wake-up, given that it is `now`; nil when the companion has done
    /// its part.
    func nextDeadline(now: MonotonicInstant) -> MonotonicInstant?
    /// Runs once awake for `deadline` at `now` (under the `gil` modes, once it holds the lock): records
    /// the wake-up's lateness and does the foreground's work.
    func woke(at now: MonotonicInstant, deadline: MonotonicInstant)
    /// What it recorded so far.
    var report: CompanionReport { get }
}

/// What a trial's companion recorded.
public struct CompanionReport: Sendable, Equatable {
    /// How late each wake-up was (the instant the foreground could run, minus its deadline), in
    /// nanoseconds, in the order of the wake-ups.
    public var latenessNanoseconds: [UInt64]
    /// How long the companion ran before any task started, alone (`serial`), in nanoseconds: the
    /// tasks had the trial's wall time minus this. 0 when it ran beside them.
    public var aloneNanoseconds: UInt64

    /// A report.
    public init(latenessNanoseconds: [UInt64], aloneNanoseconds: UInt64 = 0) {
        self.latenessNanoseconds = latenessNanoseconds
        self.aloneNanoseconds = aloneNanoseconds
    }
}
