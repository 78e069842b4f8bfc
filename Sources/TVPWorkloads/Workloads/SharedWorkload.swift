import TVPSystem

/// How a worker process obtains its slice of a shared input.
public enum Transfer: String, Hashable, Sendable, CaseIterable {
    /// No transfer: the task reads the slice where it lies, in tvp's own memory (`serial`, `threads`
    /// and the other in-process modes).
    case inPlace = "in-place"
    /// tvp writes the slice into the worker's pipe; the worker reads it into its own buffer.
    case pipe
    /// tvp writes the input to a file before the clock starts; the worker reads its slice with `pread`.
    case file
    /// tvp copies the input into a POSIX shared-memory object before the clock starts; the worker
    /// maps its slice (`shm_open` + `mmap`) and hashes it in place.
    case shm

    /// The transfers a scenario may ask for (`in-place` is implied for in-process modes).
    public static let processTransfers: [Transfer] = [.pipe, .file, .shm]
}

/// `shared`: SHA-256 over one slice of a large input built once: shows what it costs a process to
/// get its data, which a thread reads in place. One input of `inputSize` bytes, cut into one slice
/// per task.
public struct SharedWorkload: WorkloadKind, Hashable {
    /// Size of the whole input, in bytes.
    public var inputSize: Int
    /// How process modes ship slices to workers.
    public var transfer: Transfer

    /// Creates the parameters.
    public init(inputSize: Int, transfer: Transfer) {
        self.inputSize = inputSize
        self.transfer = transfer
    }

    public static let name = "shared"
    public static let summary = "SHA-256 over one slice each of a large input built once: a process's cost of getting its data"
    /// The two parameters of a shared input, which a `plugin` declares too.
    static let inputParameters = [
        WorkloadParameter("input_size", .bytes(1...(16 << 30)), default: .integer(64 << 20), unit: "bytes",
                          summary: "size of the whole input, cut into one slice per task"),
        WorkloadParameter("transfer", .choice(Transfer.allCases.map(\.rawValue)), default: .text("pipe"),
                          scenarioChoices: Transfer.processTransfers.map(\.rawValue),
                          summary: "how process modes ship a slice: `pipe`, `file` or `shm` (threads read in place)"),
    ]
    public static let parameters = inputParameters

    public init(parameters values: ParameterValues) {
        self.init(inputSize: values.integer("input_size"), transfer: values.choice("transfer") ?? .pipe)
    }
    public var parameterValues: ParameterValues {
        ParameterValues([("input_size", .integer(inputSize)), ("transfer", .text(transfer.rawValue))])
    }
    public var label: String {
        transfer == .inPlace ? "shared[\(SizeSyntax.format(inputSize))]" : "shared[\(SizeSyntax.format(inputSize)) \(transfer.rawValue)]"
    }

    public func makeTask(input: TaskInput, taskTimeoutSeconds: Double?) -> any WorkloadTask { SharedTask(self, input: input) }
    public var needs: TaskNeeds { .sharedInput }
    public var sharedInput: SharedWorkload? { self }
    public func withTransfer(_ transfer: Transfer) -> SharedWorkload { SharedWorkload(inputSize: inputSize, transfer: transfer) }
    public func bytesPerTrial(tasks: Int) -> Int { inputSize }
    public func estimatedTaskSeconds(tasks: Int) -> (compute: Double, wait: Double) {
        // Hashing, plus a copy at ~1 GB/s when the slice is shipped.
        (Double(inputSize) / Double(max(1, tasks)) * (1 / 300e6 + (transfer == .inPlace ? 0 : 1 / 1e9)), 0)
    }

    /// The bytes of the input that task `index` of `tasks` hashes: the input cut into `tasks`
    /// nearly equal consecutive slices.
    public func slice(task index: Int, of tasks: Int) -> Range<Int> {
        let lower = index * inputSize / tasks
        let upper = (index + 1) * inputSize / tasks
        return lower..<upper
    }

    /// The seed of the input's content.
    public var seed: UInt64 { 0x5AED_0000_0000_0000 ^ UInt64(inputSize) }

    /// The input, built in tvp's memory: `inputSize` bytes of the pattern stream seeded with `seed`;
    /// `checkpoint` runs before each MiB and may throw to stop (a run that was interrupted).
    public func makeInput(checkpoint: () throws -> Void = {}) throws -> MemoryRegion {
        let region = try MemoryRegion.anonymous(count: inputSize)
        var stream = PatternStream(seed: seed)
        do {
            try region.fill(chunk: 1 << 20) {
                try checkpoint()
                stream.fill(&$0)
            }
        } catch {
            region.release()
            throw error
        }
        return region
    }

    /// Largest piece of a slice hashed in one update (one compute slice for `gil` modes).
    public static let sliceUpdateBytes = 1 << 20

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
}

extension Workload {
    /// A `shared` workload.
    public static func shared(_ shared: SharedWorkload) -> Workload { Workload(shared) }
}

/// A `shared` task: its slice, obtained from wherever the input lies, hashed.
final class SharedTask: WorkloadTask {
    private var slices: SliceReader

    init(_ workload: SharedWorkload, input: TaskInput) { slices = SliceReader(workload, input: input) }

    func run<Hooks: TaskHooks>(task index: Int, hooks: Hooks) throws -> TaskDigest {
        try slices.withSlice(task: index) { SharedWorkload.hashSlice(task: index, $0, hooks: hooks) }
    }
    var lastTransferNanoseconds: UInt64 { slices.lastTransferNanoseconds }
    func streamedBytes(task index: Int) -> Int { slices.streamedBytes(task: index) }
}

/// Where a task's slice of a shared input comes from (`shared`, a `plugin` with an input): in
/// place, mapped, read from a file or from the worker's pipe, the obtaining timed as the transfer.
struct SliceReader {
    let workload: SharedWorkload
    let source: SharedSource?
    /// Where a slice that has to be copied in (pipe, file) lands; made for the largest slice when
    /// the reader is, so no task is charged for a process's fresh memory.
    private var sliceBuffer: [UInt8] = []
    /// How long the last task spent obtaining its bytes, nanoseconds.
    private(set) var lastTransferNanoseconds: UInt64 = 0

    init(_ workload: SharedWorkload, input: TaskInput) {
        self.workload = workload
        if case .shared(let source) = input {
            self.source = source
            switch source.location {
            case .stream, .file:
                sliceBuffer = [UInt8](repeating: 0, count: (workload.inputSize + source.slices - 1) / source.slices)
            case .memory, .sharedMemory:
                break
            }
        } else {
            source = nil
        }
    }

    /// Bytes task `index` reads from its input stream: its slice when the input arrives on a
    /// descriptor, 0 otherwise. A worker checks a task frame's length against it.
    func streamedBytes(task index: Int) -> Int {
        guard let source, case .stream = source.location else { return 0 }
        return workload.slice(task: index, of: source.slices).count
    }

    /// Task `index`'s slice: obtained from the input's location (timed as the transfer), then
    /// handed to `body`, whose digest is the task's.
    mutating func withSlice(task index: Int, _ body: (RawSpan) throws -> TaskDigest) throws -> TaskDigest {
        guard let source else { throw TaskInputError(description: "tasks with a shared input need its source") }
        let range = workload.slice(task: index, of: source.slices)
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
}
