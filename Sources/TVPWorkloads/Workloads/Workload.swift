/// What one task does. Every task is identified by its workload (with parameters) and its index,
/// and is deterministic: the same task gives the same digest in every mode.
public enum Workload: Hashable, Sendable {
    /// SHA-256 over a deterministic byte stream: pure computation.
    case cpu(CPUWorkload)
    /// A sleep (simulated latency) followed by real reads of fixture files: waiting, mostly.
    case io(IOWorkload)
    /// Nothing at all: measures a mode's own cost per task.
    case null

    /// The workload's name as scenarios and CSV files spell it.
    public var name: String {
        switch self {
        case .cpu: "cpu"
        case .io: "io"
        case .null: "null"
        }
    }

    /// The names of all workloads, for help texts and "did you mean".
    public static let names = ["cpu", "io", "null"]

    /// Bytes one task hashes or reads, for throughput figures; 0 for `null`.
    public var bytesPerTask: Int {
        switch self {
        case .cpu(let cpu): cpu.bytesPerTask
        case .io(let io): io.filesPerTask * io.fileSize
        case .null: 0
        }
    }
}

/// Parameters of the `cpu` workload.
public struct CPUWorkload: Hashable, Sendable {
    /// Bytes hashed by each task.
    public var bytesPerTask: Int
    /// Creates the parameters.
    public init(bytesPerTask: Int) { self.bytesPerTask = bytesPerTask }
}

/// Whether `io` reads should find their files in the page cache or on the disk.
public enum CacheState: String, Hashable, Sendable, CaseIterable {
    /// Files are read once just before the clock starts, so reads hit the page cache.
    case warm
    /// Files are dropped from the page cache before the clock starts, so reads go to the disk.
    case cold
}

/// Parameters of the `io` workload.
public struct IOWorkload: Hashable, Sendable {
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
}
