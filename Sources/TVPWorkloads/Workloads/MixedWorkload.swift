import TVPSystem

/// `mixed`: each task lasts about `taskNanoseconds`, hashing for `cpuShare` of it and sleeping for
/// the rest: the CPU/I-O crossover.
///
/// How many bytes make up the hashing share depends on the machine: tvp measures its hashing rate
/// once per run and sets `hashBytes` before any trial. Two mixed workloads are the same workload
/// when their budget and share are, whatever the calibration.
public struct MixedWorkload: WorkloadKind, Hashable {
    /// The task's time budget, in nanoseconds.
    public var taskNanoseconds: UInt64
    /// The share of the budget spent hashing, 0 to 1.
    public var cpuShare: Double
    /// Bytes hashed per task: `cpuShare × budget × measured hashing rate`; 0 until calibrated.
    public var hashBytes: Int

    /// Creates the parameters.
    public init(taskNanoseconds: UInt64, cpuShare: Double, hashBytes: Int = 0) {
        self.taskNanoseconds = taskNanoseconds
        self.cpuShare = cpuShare
        self.hashBytes = hashBytes
    }

    public static let name = "mixed"
    public static let summary = "a time budget split between hashing and sleeping: the CPU/I-O crossover"
    public static let parameters = [
        WorkloadParameter("task_ms", .milliseconds(0.001...3_600_000), default: .number(10), unit: "ms", summary: "each task's time budget"),
        WorkloadParameter("cpu_share", .number(0...1), default: .number(0.5), summary: "the share of the budget spent hashing, 0 to 1"),
        WorkloadParameter("hash_bytes", .count(0...Int.max), default: .integer(0), unit: "bytes", inScenario: false,
                          summary: "bytes each task hashes: the share × the budget × this machine's hashing rate, measured by tvp"),
    ]

    public init(parameters values: ParameterValues) {
        self.init(taskNanoseconds: nanoseconds(milliseconds: values.number("task_ms")), cpuShare: values.number("cpu_share"),
                  hashBytes: values.integer("hash_bytes"))
    }
    public var parameterValues: ParameterValues {
        ParameterValues([("task_ms", .number(Double(taskNanoseconds) / 1e6)), ("cpu_share", .number(cpuShare)),
                         ("hash_bytes", .integer(hashBytes))])
    }
    public var label: String {
        "mixed[\(ParameterValue.number(Double(taskNanoseconds) / 1e6).text)ms \(ParameterValue.number(cpuShare).text)cpu]"
    }

    public func makeTask(input: TaskInput, taskTimeoutSeconds: Double?) -> any WorkloadTask { MixedTask(self) }
    public func bytesPerTrial(tasks: Int) -> Int { hashBytes * tasks }
    public var onlyComputes: Bool { cpuShare >= 1 }
    public func estimatedTaskSeconds(tasks: Int) -> (compute: Double, wait: Double) {
        (Double(taskNanoseconds) / 1e9 * cpuShare, Double(sleepNanoseconds) / 1e9)
    }
    public func calibratedVariant(bytesPerSecond: Double) -> MixedWorkload? { calibrated(bytesPerSecond: bytesPerSecond) }

    /// These parameters with `hashBytes` set for a machine that hashes `bytesPerSecond`.
    public func calibrated(bytesPerSecond: Double) -> MixedWorkload {
        var copy = self
        copy.hashBytes = Int((cpuShare * Double(taskNanoseconds) / 1e9 * bytesPerSecond).rounded())
        return copy
    }

    /// How long each task sleeps after hashing.
    public var sleepNanoseconds: UInt64 { UInt64((Double(taskNanoseconds) * (1 - cpuShare)).rounded()) }

    public static func == (lhs: MixedWorkload, rhs: MixedWorkload) -> Bool {
        lhs.taskNanoseconds == rhs.taskNanoseconds && lhs.cpuShare == rhs.cpuShare
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(taskNanoseconds)
        hasher.combine(cpuShare)
    }

    /// The block tasks hash: fixed, so a task's cost is its hashing and nothing else.
    public static func block() -> [UInt8] {
        var stream = PatternStream(seed: 0x313C_ED00)
        return stream.bytes(CPUWorkload.patternBlockBytes)
    }

    /// SHA-256 of task `index`'s number followed by `bytes` bytes of `block` repeated: the hashing
    /// part of a task, and what the run's calibration times.
    public static func hashRepeated<Hooks: TaskHooks>(task index: Int, block: RawSpan, bytes: Int, hooks: Hooks) -> TaskDigest {
        var hasher = SHA256Hasher()
        hasher.update(UInt64(index))
        CPUWorkload.updateRepeating(&hasher, block: block, bytes: bytes, hooks: hooks)
        return hasher.finish()
    }

    /// This machine's hashing rate, bytes per second, measured the way tasks hash: the median of
    /// `rounds` timed runs over `bytes` bytes each, after one untimed run.
    public static func measureHashingRate(bytes: Int = 8 << 20, rounds: Int = 5) -> Double {
        let block = block()
        var rates: [Double] = []
        _ = hashRepeated(task: 0, block: block.span.bytes, bytes: bytes, hooks: NoTaskHooks())
        for round in 0..<rounds {
            let start = MonotonicInstant.now()
            _ = hashRepeated(task: round, block: block.span.bytes, bytes: bytes, hooks: NoTaskHooks())
            let elapsed = MonotonicInstant.now().nanoseconds &- start.nanoseconds
            rates.append(Double(bytes) / (Double(max(elapsed, 1)) / 1e9))
        }
        return rates.sorted()[rates.count / 2]
    }
}

extension Workload {
    /// A `mixed` workload.
    public static func mixed(_ mixed: MixedWorkload) -> Workload { Workload(mixed) }
}

/// A `mixed` task: its hashing share, then its sleep; the digest is the hashing's.
final class MixedTask: WorkloadTask {
    private let workload: MixedWorkload
    private let block: [UInt8]

    init(_ workload: MixedWorkload) {
        self.workload = workload
        block = MixedWorkload.block()
    }

    var wait: TaskWait? { workload.sleepNanoseconds > 0 ? TaskWait(nanoseconds: workload.sleepNanoseconds, isFirst: false) : nil }

    func run<Hooks: TaskHooks>(task index: Int, hooks: Hooks) throws -> TaskDigest {
        let block = self.block
        let digest = MixedWorkload.hashRepeated(task: index, block: block.span.bytes, bytes: workload.hashBytes, hooks: hooks)
        if workload.sleepNanoseconds > 0 {
            hooks.beginBlocking()
            sleepThread(nanoseconds: workload.sleepNanoseconds)
            hooks.endBlocking()
        }
        return digest
    }

    func runWithoutWaiting(task index: Int) throws -> TaskDigest {
        let block = self.block
        return MixedWorkload.hashRepeated(task: index, block: block.span.bytes, bytes: workload.hashBytes, hooks: NoTaskHooks())
    }
}
