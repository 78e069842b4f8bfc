import TVPSystem

/// What one task does. Every task is identified by its workload (with parameters) and its index,
/// and is deterministic: the same task gives the same digest in every mode.
public enum Workload: Hashable, Sendable {
    /// SHA-256 over a deterministic byte stream: pure computation.
    case cpu(CPUWorkload)
    /// A sleep (simulated latency) followed by real reads of fixture files: waiting, mostly.
    case io(IOWorkload)
    /// Nothing at all: measures a mode's own cost per task.
    case null
    /// SHA-256 over one slice of a large input built once: shows what it costs a process to get its
    /// data, which a thread reads in place.
    case shared(SharedWorkload)
    /// A time budget split between hashing and sleeping: the CPU/I-O crossover.
    case mixed(MixedWorkload)
    /// Updates to one table of counters shared by the trial's workers: a lock, atomics, a race, or
    /// a table per worker merged at the end.
    case tally(TallyWorkload)
    /// Small blocks from the C allocator, freed and allocated again: the allocator threads share.
    case alloc(AllocWorkload)
    /// Walks through a graph of Swift class instances: the reference counts threads share.
    case refs(RefsWorkload)
    /// A function of the user's, from a shared library that follows include/tvp_task.h.
    case plugin(PluginWorkload)
    /// An HTTP download from tvp's loopback server, which answers after a latency: real sockets.
    case download(DownloadWorkload)

    /// The workload's name as scenarios and CSV files spell it.
    public var name: String {
        switch self {
        case .cpu: "cpu"
        case .io: "io"
        case .null: "null"
        case .shared: "shared"
        case .mixed: "mixed"
        case .tally: "tally"
        case .alloc: "alloc"
        case .refs: "refs"
        case .plugin: "plugin"
        case .download: "download"
        }
    }

    /// The names of all workloads, for help texts and "did you mean".
    public static let names = ["cpu", "io", "null", "shared", "mixed", "tally", "alloc", "refs", "download", "plugin"]

    /// Bytes a trial of `tasks` tasks hashes or reads, for throughput figures; 0 for `null`.
    public func bytesPerTrial(tasks: Int) -> Int {
        switch self {
        case .cpu(let cpu): cpu.bytesPerTask * tasks
        case .io(let io): io.filesPerTask * io.fileSize * tasks
        case .null: 0
        case .shared(let shared): shared.inputSize
        case .mixed(let mixed): mixed.hashBytes * tasks
        case .tally, .alloc, .refs: 0
        case .plugin(let plugin): plugin.input?.inputSize ?? 0
        case .download(let download): download.fileSize * tasks
        }
    }

    /// Operations each task makes, for per-update costs: `tally` updates, `alloc` replacements (a
    /// `free` and a `malloc`), `refs` node visits (a retain and a release); nil for other workloads.
    public var updatesPerTask: Int? {
        switch self {
        case .tally(let tally): tally.updates
        case .alloc(let alloc): alloc.updates
        case .refs(let refs): refs.updates
        default: nil
        }
    }

    /// Whether a process must be handed this workload's data (`shared`, a `plugin` with an input):
    /// the cell's `transfer` matters only then.
    public var shipsData: Bool { sharedInput != nil }

    /// The one large input the tasks read a slice each of, and its transfer: `shared`'s, or a
    /// `plugin`'s when it has one; nil for the other workloads.
    public var sharedInput: SharedWorkload? {
        switch self {
        case .shared(let shared): shared
        case .plugin(let plugin): plugin.input
        default: nil
        }
    }

    /// This workload with its shared input shipped by `transfer` (unchanged when it has none).
    public func withTransfer(_ transfer: Transfer) -> Workload {
        switch self {
        case .shared(var shared):
            shared.transfer = transfer
            return .shared(shared)
        case .plugin(var plugin):
            plugin.input?.transfer = transfer
            return .plugin(plugin)
        default:
            return self
        }
    }

    /// The `download` parameters, if this is a download workload (its tasks need a server).
    public var download: DownloadWorkload? {
        if case .download(let download) = self { download } else { nil }
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

/// How a worker process obtains its slice of the `shared` input.
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

/// Parameters of the `shared` workload: one input of `inputSize` bytes, cut into one slice per task.
public struct SharedWorkload: Hashable, Sendable {
    /// Size of the whole input, in bytes.
    public var inputSize: Int
    /// How process modes ship slices to workers.
    public var transfer: Transfer

    /// Creates the parameters.
    public init(inputSize: Int, transfer: Transfer) {
        self.inputSize = inputSize
        self.transfer = transfer
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
}

/// Parameters of the `mixed` workload: each task lasts about `taskNanoseconds`, hashing for
/// `cpuShare` of it and sleeping for the rest.
///
/// How many bytes make up the hashing share depends on the machine: tvp measures its hashing rate
/// once per run and sets `hashBytes` before any trial. Two mixed workloads are the same workload
/// when their budget and share are, whatever the calibration.
public struct MixedWorkload: Hashable, Sendable {
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

    /// How long each task sleeps after hashing.
    public var sleepNanoseconds: UInt64 { UInt64((Double(taskNanoseconds) * (1 - cpuShare)).rounded()) }

    /// These parameters with `hashBytes` set for a machine that hashes `bytesPerSecond`.
    public func calibrated(bytesPerSecond: Double) -> MixedWorkload {
        var copy = self
        copy.hashBytes = Int((cpuShare * Double(taskNanoseconds) / 1e9 * bytesPerSecond).rounded())
        return copy
    }

    public static func == (lhs: MixedWorkload, rhs: MixedWorkload) -> Bool {
        lhs.taskNanoseconds == rhs.taskNanoseconds && lhs.cpuShare == rhs.cpuShare
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(taskNanoseconds)
        hasher.combine(cpuShare)
    }
}
