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
    /// Size of the pattern block `cpu` tasks hash repeatedly.
    public static let patternBlockBytes = 64 * 1024

    /// A runner for `workload`; `io` needs its `fixture`.
    public init(workload: Workload, fixture: IOFixture?) {
        self.workload = workload
        self.fixture = fixture
    }

    /// Runs task `index` and returns its digest.
    public mutating func run(task index: Int) throws -> TaskDigest {
        switch workload {
        case .null:
            return .zero
        case .cpu(let cpu):
            return Self.hashPattern(task: index, bytes: cpu.bytesPerTask)
        case .io(let io):
            sleepThread(nanoseconds: io.sleepNanoseconds)
            guard let fixture else { preconditionFailure("io tasks need their fixture") }
            if readBuffer.isEmpty { readBuffer = [UInt8](repeating: 0, count: Self.readChunkBytes) }
            var fold = ByteFold()
            var hasher = SHA256Hasher()
            hasher.update(UInt64(index))
            for file in fixture.files(forTask: index, filesPerTask: io.filesPerTask) {
                hasher.update(UInt64(file))
                try Files.streamRead(fixture.path(ofFile: file), buffer: &readBuffer) { fold.fold($0) }
            }
            hasher.update(fold.sum)
            hasher.update(fold.mix)
            hasher.update(fold.count)
            return hasher.finish()
        }
    }

    /// SHA-256 of `bytes` bytes of task `index`'s stream: its 64 KiB pattern block, repeated.
    public static func hashPattern(task index: Int, bytes: Int) -> TaskDigest {
        var stream = PatternStream(seed: UInt64(index))
        let block = stream.bytes(patternBlockBytes)
        var hasher = SHA256Hasher()
        block.withUnsafeBytes { raw in
            var remaining = bytes
            while remaining > 0 {
                let n = min(remaining, raw.count)
                hasher.update(UnsafeRawBufferPointer(rebasing: raw[0..<n]))
                remaining -= n
            }
        }
        return hasher.finish()
    }
}
