import TVPSystem

/// The tasks of a workload, run one at a time in this process: on a thread of tvp (serial, threads,
/// gil, async) or in a worker process. One per thread: it owns reusable buffers.
public struct InProcessTasks: ~Copyable {
    /// The workload whose tasks these are.
    public let workload: Workload
    /// The data the tasks read: `io` fixture files, or the `shared` input.
    public let input: TaskInput
    private var readBuffer: [UInt8] = []
    /// `shared`: where a slice that has to be copied in (pipe, file) lands; made for the largest
    /// slice when this value is, so no task is charged for a process's fresh memory.
    private var sliceBuffer: [UInt8] = []
    /// `mixed`: the block hashed over and over, made when this value is.
    private let mixedBlock: [UInt8]
    /// `plugin`: the plugin as this process set it up (`PluginHost`); nil until then.
    let plugin: PluginInstance?
    /// `download`: the HTTP client, which keeps its connection between tasks under keep-alive.
    private var downloadClient: DownloadClient?
    /// How long the last task spent obtaining its bytes (`shared` under a transfer), nanoseconds.
    public private(set) var lastTransferNanoseconds: UInt64 = 0
    /// What the last task sends back besides its digest: a worker process's `local` tally counts
    /// (little-endian 64-bit words, one per bin); nil for every other task.
    public private(set) var lastOutput: [UInt8]?
    /// `tally` and `refs`: the table or graph these tasks use.
    private var sharing: SharingContext

    /// Size of each `read()` of a fixture file.
    public static let readChunkBytes = 64 * 1024
    /// Size of the pattern block `cpu` tasks hash repeatedly: one hash update, one compute slice.
    public static let patternBlockBytes = 64 * 1024

    /// Largest piece of a `shared` slice hashed in one update (one compute slice for `gil` modes).
    public static let sliceUpdateBytes = 1 << 20

    /// The tasks of `workload`; `io` needs its fixture files and `shared` its source as `input`.
    /// `taskTimeoutSeconds` bounds each blocking socket call of a `download` (in-process modes).
    public init(workload: Workload, input: TaskInput, taskTimeoutSeconds: Double? = nil) {
        self.workload = workload
        self.input = input
        if case .mixed = workload { mixedBlock = Self.mixedBlock() } else { mixedBlock = [] }
        sharing = SharingContext(workload: workload, input: input)
        if case .plugin(let plugin) = workload { self.plugin = PluginHost.instance(for: plugin) } else { plugin = nil }
        if case .download(let download) = workload, let port = input.serverPort {
            downloadClient = DownloadClient(workload: download, port: port, taskTimeoutSeconds: taskTimeoutSeconds)
        }
        if let shared = workload.sharedInput, case .shared(let source) = input {
            switch source.location {
            case .stream, .file:
                sliceBuffer = [UInt8](repeating: 0, count: (shared.inputSize + source.slices - 1) / source.slices)
            case .memory, .sharedMemory:
                break
            }
        }
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
        case .shared(let shared):
            return try withSlice(task: index, of: shared) { Self.hashSlice(task: index, $0, hooks: hooks) }
        case .download:
            guard downloadClient != nil else { throw TaskInputError(description: "download tasks need the server's port as their input") }
            return try downloadClient!.download(task: index, hooks: hooks)
        case .mixed(let mixed):
            let digest = hashPart(task: index, hooks: hooks)
            if mixed.sleepNanoseconds > 0 {
                hooks.beginBlocking()
                sleepThread(nanoseconds: mixed.sleepNanoseconds)
                hooks.endBlocking()
            }
            return digest
        case .tally(let tally):
            lastOutput = nil
            lastOutput = try sharing.runTally(tally, task: index, hooks: hooks)
            return .zero
        case .alloc(let alloc):
            return alloc.run(task: index, hooks: hooks)
        case .refs(let refs):
            guard let graph = sharing.graph else { throw TaskInputError(description: "refs tasks need their graph") }
            return refs.run(task: index, on: graph, hooks: hooks)
        case .plugin(let plugin):
            return try runPlugin(task: index, plugin, hooks: hooks)
        }
    }

    /// Bytes task `index` reads from its input stream: its slice when the `shared` input arrives on a
    /// descriptor, 0 otherwise. A worker checks a task frame's length against it.
    public func streamedBytes(task index: Int) -> Int {
        guard let shared = workload.sharedInput, case .shared(let source) = input,
              case .stream = source.location else { return 0 }
        return shared.slice(task: index, of: source.slices).count
    }

    /// Task `index`'s slice of the shared input: obtained from the input's location (timed as the
    /// transfer), then handed to `body`, whose digest is the task's.
    mutating func withSlice(task index: Int, of shared: SharedWorkload, _ body: (RawSpan) throws -> TaskDigest) throws -> TaskDigest {
        guard case .shared(let source) = input else { preconditionFailure("shared tasks need their source") }
        let range = shared.slice(task: index, of: source.slices)
        let start = MonotonicInstant.now()
        switch source.location {
        case .memory(let region):
            lastTransferNanoseconds = 0
            return try region.withBytes(range) { try body($0) }
        case .sharedMemory(let name):
            let region = try MemoryRegion.mapSharedObject(name, offset: range.lowerBound, count: range.count)
            defer { region.release() }
            lastTransferNanoseconds = MonotonicInstant.now().nanoseconds &- start.nanoseconds
            return try region.withBytes(0..<range.count) { try body($0) }
        case .stream(let descriptor):
            let received = try descriptor.readExactly(into: &sliceBuffer, count: range.count)
            guard received == range.count else {
                throw TaskInputError(description: "the slice of task \(index) ended after \(received) of \(range.count) bytes")
            }
        case .file(let path):
            try Files.read(path, offset: range.lowerBound, into: &sliceBuffer, count: range.count)
        }
        lastTransferNanoseconds = MonotonicInstant.now().nanoseconds &- start.nanoseconds
        return try body(sliceBuffer.span.bytes.extracting(0..<range.count))
    }

    /// The digest of a `shared` task: SHA-256 of its index, then its slice, in 1 MiB updates.
    public static func hashSlice<Hooks: TaskHooks>(task index: Int, _ bytes: RawSpan, hooks: Hooks) -> TaskDigest {
        var hasher = SHA256Hasher()
        hasher.update(UInt64(index))
        var offset = 0
        repeat {
            let n = min(sliceUpdateBytes, bytes.byteCount - offset)
            hooks.beginReleasedCompute()
            hasher.update(bytes.extracting(offset..<offset + n))
            hooks.endReleasedCompute()
            offset += n
            hooks.checkpoint()
        } while offset < bytes.byteCount
        return hasher.finish()
    }

    /// The block `mixed` tasks hash: fixed, so a task's cost is its hashing and nothing else.
    public static func mixedBlock() -> [UInt8] {
        var stream = PatternStream(seed: 0x313C_ED00)
        return stream.bytes(patternBlockBytes)
    }

    /// SHA-256 of task `index`'s number followed by `bytes` bytes of `block` repeated: the hashing
    /// part of a `mixed` task, and what the run's calibration times.
    public static func hashRepeated<Hooks: TaskHooks>(
        task index: Int, block: RawSpan, bytes: Int, hooks: Hooks
    ) -> TaskDigest {
        var hasher = SHA256Hasher()
        hasher.update(UInt64(index))
        updateRepeating(&hasher, block: block, bytes: bytes, hooks: hooks)
        return hasher.finish()
    }

    /// Adds `bytes` bytes of `block` repeated to `hasher`, one block per update, each update between
    /// `beginReleasedCompute` and `endReleasedCompute` and followed by a `checkpoint`.
    private static func updateRepeating<Hooks: TaskHooks>(
        _ hasher: inout SHA256Hasher, block: RawSpan, bytes: Int, hooks: Hooks
    ) {
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

    /// This machine's hashing rate, bytes per second, measured the way `mixed` tasks hash: the
    /// median of `rounds` timed runs over `bytes` bytes each, after one untimed run.
    public static func measureHashingRate(bytes: Int = 8 << 20, rounds: Int = 5) -> Double {
        let block = mixedBlock()
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

    /// How long an `io` task sleeps before its reads, or a `mixed` task after its hashing, in
    /// nanoseconds; 0 for other workloads. A mode that waits its own way (`async`: `Task.sleep`)
    /// sleeps this long around `readAndDigest` or `hashPart`.
    public var sleepNanoseconds: UInt64 {
        switch workload {
        case .io(let io): io.sleepNanoseconds
        case .mixed(let mixed): mixed.sleepNanoseconds
        default: 0
        }
    }

    /// The hashing part of `mixed` task `index`, which is the task's digest (its sleep adds nothing).
    public func hashPart<Hooks: TaskHooks>(task index: Int, hooks: Hooks) -> TaskDigest {
        guard case .mixed(let mixed) = workload else { preconditionFailure("only mixed tasks have a hashing part") }
        return Self.hashRepeated(task: index, block: mixedBlock.span.bytes, bytes: mixed.hashBytes, hooks: hooks)
    }

    /// The part of `io` task `index` after its sleep: reads its files and returns the task's digest
    /// (the same digest `run(task:)` returns).
    public mutating func readAndDigest(task index: Int) throws -> TaskDigest {
        try readAndDigest(task: index, hooks: NoTaskHooks())
    }

    /// `readAndDigest(task:)`, telling `hooks` about each blocking call and each folded chunk.
    public mutating func readAndDigest<Hooks: TaskHooks>(task index: Int, hooks: Hooks) throws -> TaskDigest {
        guard case .io(let io) = workload else { preconditionFailure("only io tasks read files") }
        guard let fixture = input.fixture else { preconditionFailure("io tasks need their fixture") }
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
    /// `endReleasedCompute` and followed by a `checkpoint`. A task shorter than the block makes only
    /// the block's first `bytes` bytes (the stream's prefix: the same bytes, a fraction of the cost).
    public static func hashPattern<Hooks: TaskHooks>(task index: Int, bytes: Int, hooks: Hooks) -> TaskDigest {
        var stream = PatternStream(seed: UInt64(index))
        let block = stream.bytes(min(bytes, patternBlockBytes))
        var hasher = SHA256Hasher()
        updateRepeating(&hasher, block: block.span.bytes, bytes: bytes, hooks: hooks)
        return hasher.finish()
    }
}

/// A task's input that did not arrive whole.
public struct TaskInputError: Error, CustomStringConvertible, Sendable {
    /// What was wrong.
    public let description: String
}
