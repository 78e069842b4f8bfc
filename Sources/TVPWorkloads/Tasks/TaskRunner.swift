import TVPSystem

/// Runs single tasks of a workload. One runner per thread: it owns a reusable read buffer.
public struct TaskRunner: ~Copyable {
    /// The workload whose tasks this runner executes.
    public let workload: Workload
    /// The files `io` tasks read; nil for other workloads.
    public let fixture: IOFixture?
    private var readBuffer: [UInt8] = []

    /// Size of each `read()` of a fixture file.
    public static let readChunkBytes = 64 * 1024
    /// Size of the pattern block `cpu` tasks hash repeatedly: one hash update, one compute slice.
    public static let patternBlockBytes = 64 * 1024

    /// A runner for `workload`; `io` needs its `fixture`.
    public init(workload: Workload, fixture: IOFixture?) {
        self.workload = workload
        self.fixture = fixture
    }

    /// Runs task `index` and returns its digest.
    public mutating func run(task index: Int) throws -> TaskDigest {
        try run(task: index, hooks: NoTaskHooks())
    }

    /// Runs task `index`, telling `hooks` where it blocks and where its compute slices end.
    public mutating func run<Hooks: TaskHooks>(task index: Int, hooks: Hooks) throws -> TaskDigest {
        switch workload {
        case .null:
            return .zero
        case .cpu(let cpu):
            return Self.hashPattern(task: index, bytes: cpu.bytesPerTask, hooks: hooks)
        case .io(let io):
            if io.sleepNanoseconds > 0 {
                hooks.beginBlocking()
                sleepThread(nanoseconds: io.sleepNanoseconds)
                hooks.endBlocking()
            }
            return try readAndDigest(task: index, hooks: hooks)
        }
    }

    /// How long an `io` task sleeps before its reads, in nanoseconds; 0 for other workloads. A mode
    /// that waits its own way (`async`: `Task.sleep`) sleeps this long, then calls `readAndDigest`.
    public var sleepNanoseconds: UInt64 {
        if case .io(let io) = workload { io.sleepNanoseconds } else { 0 }
    }

    /// The part of `io` task `index` after its sleep: reads its files and returns the task's digest
    /// (the same digest `run(task:)` returns).
    public mutating func readAndDigest(task index: Int) throws -> TaskDigest {
        try readAndDigest(task: index, hooks: NoTaskHooks())
    }

    /// `readAndDigest(task:)`, telling `hooks` about each blocking call and each folded chunk.
    public mutating func readAndDigest<Hooks: TaskHooks>(task index: Int, hooks: Hooks) throws -> TaskDigest {
        guard case .io(let io) = workload else { preconditionFailure("only io tasks read files") }
        guard let fixture else { preconditionFailure("io tasks need their fixture") }
        if readBuffer.isEmpty { readBuffer = [UInt8](repeating: 0, count: Self.readChunkBytes) }
        var fold = ByteFold()
        var hasher = SHA256Hasher()
        hasher.update(UInt64(index))
        for file in fixture.files(forTask: index, filesPerTask: io.filesPerTask) {
            hasher.update(UInt64(file))
            try Files.streamRead(fixture.path(ofFile: file), buffer: &readBuffer,
                                 willBlock: { hooks.beginBlocking() }, didBlock: { hooks.endBlocking() }) {
                fold.fold($0)
                hooks.checkpoint()
            }
        }
        hasher.update(fold.sum)
        hasher.update(fold.mix)
        hasher.update(fold.count)
        return hasher.finish()
    }

    /// SHA-256 of `bytes` bytes of task `index`'s stream: its 64 KiB pattern block, repeated.
    public static func hashPattern(task index: Int, bytes: Int) -> TaskDigest {
        hashPattern(task: index, bytes: bytes, hooks: NoTaskHooks())
    }

    /// `hashPattern(task:bytes:)` in 64 KiB updates, each between `beginReleasedCompute` and
    /// `endReleasedCompute` and followed by a `checkpoint`.
    public static func hashPattern<Hooks: TaskHooks>(task index: Int, bytes: Int, hooks: Hooks) -> TaskDigest {
        var stream = PatternStream(seed: UInt64(index))
        let block = stream.bytes(patternBlockBytes)
        var hasher = SHA256Hasher()
        block.withUnsafeBytes { raw in
            var remaining = bytes
            while remaining > 0 {
                let n = min(remaining, raw.count)
                hooks.beginReleasedCompute()
                hasher.update(UnsafeRawBufferPointer(rebasing: raw[0..<n]))
                hooks.endReleasedCompute()
                remaining -= n
                hooks.checkpoint()
            }
        }
        return hasher.finish()
    }
}
