import TVPSystem

/// Whether `io` reads should find their files in the page cache or on the disk.
public enum CacheState: String, Hashable, Sendable, CaseIterable {
    /// Files are read once just before the clock starts, so reads hit the page cache.
    case warm
    /// Files are dropped from the page cache before the clock starts, so reads go to the disk.
    case cold
}

/// `io`: a sleep (simulated latency) followed by real reads of fixture files: waiting, mostly.
public struct IOWorkload: WorkloadKind, Hashable {
    /// The simulated latency each task sleeps, in nanoseconds.
    public var sleepNanoseconds: UInt64
    /// Fixture files each task reads.
    public var filesPerTask: Int
    /// Size of each fixture file in bytes.
    public var fileSize: Int
    /// Page-cache state the trial starts from.
    public var cache: CacheState

    /// Creates the parameters.
    public init(sleepNanoseconds: UInt64, filesPerTask: Int, fileSize: Int, cache: CacheState) {
        self.sleepNanoseconds = sleepNanoseconds
        self.filesPerTask = filesPerTask
        self.fileSize = fileSize
        self.cache = cache
    }

    public static let name = "io"
    public static let summary = "a sleep (simulated latency), then real reads of fixture files: waiting, mostly"
    public static let parameters = [
        WorkloadParameter("sleep_ms", .milliseconds(0...3_600_000), default: .number(20), unit: "ms", summary: "the latency each task sleeps first"),
        WorkloadParameter("files_per_task", .count(1...1_024), default: .integer(4), summary: "fixture files each task reads"),
        WorkloadParameter("file_size", .bytes(1...(1 << 30)), default: .integer(256 << 10), unit: "bytes", summary: "size of each fixture file"),
        WorkloadParameter("cache", .choice(CacheState.allCases.map(\.rawValue)), default: .text("warm"),
                          summary: "`warm`: files in the page cache; `cold`: dropped from it before the clock"),
    ]

    public init(parameters values: ParameterValues) {
        self.init(sleepNanoseconds: nanoseconds(milliseconds: values.number("sleep_ms")), filesPerTask: values.integer("files_per_task"),
                  fileSize: values.integer("file_size"), cache: values.choice("cache") ?? .warm)
    }
    public var parameterValues: ParameterValues {
        ParameterValues([("sleep_ms", .number(Double(sleepNanoseconds) / 1e6)), ("files_per_task", .integer(filesPerTask)),
                         ("file_size", .integer(fileSize)), ("cache", .text(cache.rawValue))])
    }
    public var label: String {
        "io[\(ParameterValue.number(Double(sleepNanoseconds) / 1e6).text)ms \(filesPerTask)x\(SizeSyntax.format(fileSize)) \(cache.rawValue)]"
    }

    public func makeTask(input: TaskInput, taskTimeoutSeconds: Double?) -> any WorkloadTask { IOTask(self, fixture: input.fixture) }
    public var needs: TaskNeeds { .files(filesPerTask: filesPerTask, fileSize: fileSize, cold: cache == .cold) }
    public func bytesPerTrial(tasks: Int) -> Int { filesPerTask * fileSize * tasks }
    public var onlyComputes: Bool { false }
    public func estimatedTaskSeconds(tasks: Int) -> (compute: Double, wait: Double) {
        (Double(filesPerTask * fileSize) / 1e9, Double(sleepNanoseconds) / 1e9)
    }

    /// Size of each `read()` of a fixture file.
    public static let readChunkBytes = 64 * 1024
}

extension Workload {
    /// An `io` workload.
    public static func io(_ io: IOWorkload) -> Workload { Workload(io) }
}

/// Nanoseconds in `milliseconds`, rounded.
func nanoseconds(milliseconds: Double) -> UInt64 { UInt64((milliseconds * 1e6).rounded()) }

/// An `io` task: its sleep, then its files read in 64 KiB chunks and folded into its digest.
final class IOTask: WorkloadTask {
    private let workload: IOWorkload
    private let fixture: IOFixture?
    private var readBuffer: [UInt8] = []

    init(_ workload: IOWorkload, fixture: IOFixture?) {
        self.workload = workload
        self.fixture = fixture
    }

    var wait: TaskWait? { workload.sleepNanoseconds > 0 ? TaskWait(nanoseconds: workload.sleepNanoseconds, isFirst: true) : nil }

    func run<Hooks: TaskHooks>(task index: Int, hooks: Hooks) throws -> TaskDigest {
        if workload.sleepNanoseconds > 0 {
            hooks.beginBlocking()
            sleepThread(nanoseconds: workload.sleepNanoseconds)
            hooks.endBlocking()
        }
        return try readAndDigest(task: index, hooks: hooks)
    }

    func runWithoutWaiting(task index: Int) throws -> TaskDigest { try readAndDigest(task: index, hooks: NoTaskHooks()) }

    /// The part of task `index` after its sleep: reads its files and returns the task's digest.
    private func readAndDigest<Hooks: TaskHooks>(task index: Int, hooks: Hooks) throws -> TaskDigest {
        guard let fixture else { throw TaskInputError(description: "io tasks need their fixture files") }
        if readBuffer.isEmpty { readBuffer = [UInt8](repeating: 0, count: IOWorkload.readChunkBytes) }
        var fold = ByteFold()
        var hasher = SHA256Hasher()
        hasher.update(UInt64(index))
        for file in fixture.files(forTask: index, filesPerTask: workload.filesPerTask) {
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
}
