import TVPSystem

/// `responsiveness`: a foreground wakes every `tick_ms` for `ticks` wake-ups and records how late
/// each was, while the mode's workers run `cpu` tasks in the background (SHA-256 over
/// `bytes_per_task` bytes each: the `cpu` task itself, so the digest is `cpu`'s). The folklore it
/// tests: threads "improve the responsiveness of applications"; under CPython's GIL a CPU-bound
/// thread delays the foreground by up to the switch interval; on Swift's cooperative pool a
/// foreground task can wait behind CPU-bound tasks.
///
/// The foreground is the trial's companion (`TrialCompanion`), run by the mode: beside the
/// background from the trial's start until its `ticks` wake-ups are made or the background's tasks
/// have ended, whichever comes first; under `serial`, alone before the tasks (the floor). It sleeps
/// to absolute deadlines a tick apart, as cyclictest does, and a wake-up later than the next
/// deadline skips the deadlines already past (cyclictest does too), so one long delay is one late
/// wake-up, not a backlog of them. After each wake-up it does a little work standing for the code
/// an event handler runs (SHA-256 of 4 KiB, a few µs); under the `gil` modes it takes the lock for
/// that, as a Python thread must.
public struct ResponsivenessWorkload: WorkloadKind, Hashable {
    /// The foreground's period, nanoseconds.
    public var tickNanoseconds: UInt64
    /// The foreground's wake-ups, at most.
    public var ticks: Int
    /// Bytes each background (`cpu`) task hashes.
    public var bytesPerTask: Int

    /// Creates the parameters.
    public init(tickNanoseconds: UInt64 = 1_000_000, ticks: Int = 1_000, bytesPerTask: Int = 8 << 20) {
        self.tickNanoseconds = tickNanoseconds
        self.ticks = ticks
        self.bytesPerTask = bytesPerTask
    }

    public static let name = "responsiveness"
    public static let summary = "a foreground's wake-up lateness every `tick_ms` while the workers hash in the background (`cpu` tasks)"
    public static let parameters = [
        WorkloadParameter("tick_ms", .milliseconds(0.01...60_000), default: .number(1), unit: "ms",
                          summary: "the foreground's period: it sleeps to a deadline this far after the last",
                          advice: "the foreground wakes once a tick, so a tick must pass: write a period such as `tick_ms: 1` (cyclictest's default)"),
        WorkloadParameter("ticks", .count(1...10_000_000), default: .integer(1_000),
                          summary: "the foreground's wake-ups (fewer when the background ends first)"),
        WorkloadParameter("bytes_per_task", .bytes(1...(16 << 30)), default: .integer(8 << 20), unit: "bytes",
                          summary: "bytes each background task hashes (the `cpu` task)"),
    ]

    public init(parameters values: ParameterValues) {
        self.init(tickNanoseconds: nanoseconds(milliseconds: values.number("tick_ms")), ticks: values.integer("ticks"),
                  bytesPerTask: values.integer("bytes_per_task"))
    }
    public var parameterValues: ParameterValues {
        ParameterValues([("tick_ms", .number(Double(tickNanoseconds) / 1e6)), ("ticks", .integer(ticks)),
                         ("bytes_per_task", .integer(bytesPerTask))])
    }
    /// `responsiveness[1ms x1000 8MiB]`.
    public var label: String {
        "responsiveness[\(ParameterValue.number(Double(tickNanoseconds) / 1e6).text)ms x\(ticks) \(SizeSyntax.format(bytesPerTask))]"
    }

    /// The background's task: `cpu`'s, unchanged.
    public func makeTask(input: TaskInput, taskTimeoutSeconds: Double?) -> any WorkloadTask { CPUTask(bytes: bytesPerTask) }
    public func makeCompanion() -> (any TrialCompanion)? { ForegroundTicker(tickNanoseconds: tickNanoseconds, ticks: ticks) }
    public func bytesPerTrial(tasks: Int) -> Int { bytesPerTask * tasks }
    /// The background's hashing, and under `serial` the foreground's ticks alone before it (spread over the tasks).
    public func estimatedTaskSeconds(tasks: Int) -> (compute: Double, wait: Double) {
        (Double(bytesPerTask) / 300e6, Double(ticks) * Double(tickNanoseconds) / 1e9 / Double(max(1, tasks)))
    }

    /// Bytes the foreground hashes after each wake-up: the work of an event handler, a few µs.
    public static let foregroundWorkBytes = 4_096
}

extension Workload {
    /// A `responsiveness` workload.
    public static func responsiveness(_ workload: ResponsivenessWorkload) -> Workload { Workload(workload) }
}

/// The foreground of a `responsiveness` trial: deadlines a tick apart from its first call, each
/// wake-up's lateness, and a little hashing after each.
final class ForegroundTicker: TrialCompanion {
    private let tickNanoseconds: UInt64
    private let ticks: Int
    private var start: UInt64?
    /// The number of the next deadline: start + next × tick.
    private var next: UInt64 = 1
    private var lateness: [UInt64] = []
    private var block: [UInt8] = []
    /// The last work's digest, kept so the work cannot be optimised away.
    private(set) var lastWork = TaskDigest.zero

    /// Allocates nothing: `Workload.hasCompanion` makes one to ask. The first deadline does.
    init(tickNanoseconds: UInt64, ticks: Int) {
        self.tickNanoseconds = max(1, tickNanoseconds)
        self.ticks = ticks
    }

    func nextDeadline(now: MonotonicInstant) -> MonotonicInstant? {
        guard lateness.count < ticks else { return nil }
        if start == nil {
            // Before the first sleep, so that no wake-up pays for memory.
            lateness.reserveCapacity(ticks)
            var stream = PatternStream(seed: 0xF0E6_0000)
            block = stream.bytes(ResponsivenessWorkload.foregroundWorkBytes)
        }
        let start = self.start ?? now.nanoseconds
        self.start = start
        // Deadlines already past are skipped: the next one is the first still ahead.
        if start + next * tickNanoseconds <= now.nanoseconds {
            next = (now.nanoseconds - start) / tickNanoseconds + 1
        }
        return MonotonicInstant(nanoseconds: start + next * tickNanoseconds)
    }

    func woke(at now: MonotonicInstant, deadline: MonotonicInstant) {
        lateness.append(now.nanoseconds >= deadline.nanoseconds ? now.nanoseconds - deadline.nanoseconds : 0)
        next += 1
        var hasher = SHA256Hasher()
        hasher.update(UInt64(lateness.count))
        hasher.update(block)
        lastWork = hasher.finish()
    }

    var report: CompanionReport { CompanionReport(latenessNanoseconds: lateness) }
}
