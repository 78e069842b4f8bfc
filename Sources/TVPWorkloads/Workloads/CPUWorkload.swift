import TVPSystem

/// `cpu`: SHA-256 over a deterministic byte stream: pure computation.
public struct CPUWorkload: WorkloadKind, Hashable {
    /// Bytes hashed by each task.
    public var bytesPerTask: Int
    /// Creates the parameters.
    public init(bytesPerTask: Int) { self.bytesPerTask = bytesPerTask }

    public static let name = "cpu"
    public static let summary = "SHA-256 over a deterministic byte stream: pure computation"
    public static let parameters = [
        WorkloadParameter("bytes_per_task", .bytes(1...(16 << 30)), default: .integer(8 << 20), unit: "bytes",
                          summary: "bytes each task hashes"),
    ]

    public init(parameters values: ParameterValues) { bytesPerTask = values.integer("bytes_per_task") }
    public var parameterValues: ParameterValues { ParameterValues([("bytes_per_task", .integer(bytesPerTask))]) }
    public var label: String { "cpu[\(SizeSyntax.format(bytesPerTask))]" }

    public func makeTask(input: TaskInput, taskTimeoutSeconds: Double?) -> any WorkloadTask { CPUTask(bytes: bytesPerTask) }
    public func bytesPerTrial(tasks: Int) -> Int { bytesPerTask * tasks }
    public func estimatedTaskSeconds(tasks: Int) -> (compute: Double, wait: Double) { (Double(bytesPerTask) / 300e6, 0) }

    /// Size of the pattern block tasks hash repeatedly: one hash update, one compute slice.
    public static let patternBlockBytes = 64 * 1024

    /// SHA-256 of `bytes` bytes of task `index`'s stream: its 64 KiB pattern block, repeated.
    public static func hashPattern(task index: Int, bytes: Int) -> TaskDigest {
        hashPattern(task: index, bytes: bytes, hooks: NoTaskHooks())
    }

    /// `hashPattern(task:bytes:)` in 64 KiB updates, each between `beginReleasedCompute` and
    /// `endReleasedCompute` and followed by a `checkpoint`. A task shorter than the block makes only
    /// the block's first `bytes` bytes (the stream's prefix: the same bytes, a fraction of the cost).
    public static func hashPattern<Hooks: TaskHooks>(task index: Int, bytes: Int, hooks: Hooks) -> TaskDigest {
        var stream = PatternStream(seed: UInt64(index))
        let block = stream.bytes(min(bytes, patternBlockBytes))
        var hasher = SHA256Hasher()
        updateRepeating(&hasher, block: block.span.bytes, bytes: bytes, hooks: hooks)
        return hasher.finish()
    }

    /// Adds `bytes` bytes of `block` repeated to `hasher`, one block per update, each update between
    /// `beginReleasedCompute` and `endReleasedCompute` and followed by a `checkpoint`.
    static func updateRepeating<Hooks: TaskHooks>(_ hasher: inout SHA256Hasher, block: RawSpan, bytes: Int, hooks: Hooks) {
        var remaining = bytes
        while remaining > 0 {
            let n = min(remaining, block.byteCount)
            hooks.beginReleasedCompute()
            hasher.update(block.extracting(0..<n))
            hooks.endReleasedCompute()
            remaining -= n
            hooks.checkpoint()
        }
    }
}

/// A `cpu` task: the pattern stream of its index, hashed.
final class CPUTask: WorkloadTask {
    let bytes: Int
    init(bytes: Int) { self.bytes = bytes }
    func run<Hooks: TaskHooks>(task index: Int, hooks: Hooks) throws -> TaskDigest {
        CPUWorkload.hashPattern(task: index, bytes: bytes, hooks: hooks)
    }
}

extension Workload {
    /// A `cpu` workload.
    public static func cpu(_ cpu: CPUWorkload) -> Workload { Workload(cpu) }
}
