import TVPWorkloads

/// The figures of one trial that statistics need: what the runner keeps in memory per trial and
/// what `tvp check` reads back from trials.csv.
public struct TrialSample: Sendable {
    /// The trial's cell.
    public var cell: Cell
    /// Whether the trial was uncounted warm-up.
    public var isWarmup: Bool
    /// Whether the trial succeeded.
    public var ok: Bool
    /// Wall time, seconds.
    public var wallSeconds: Double
    /// User CPU seconds, children included.
    public var userSeconds: Double
    /// System CPU seconds, children included.
    public var systemSeconds: Double
    /// Peak memory of the largest process, KiB.
    public var maxRSSKiB: Double
    /// Median task duration, microseconds.
    public var taskP50Microseconds: Double
    /// Median process start-up, microseconds (process modes only).
    public var startupP50Microseconds: Double?
    /// Steal time during the trial, seconds.
    public var stealSeconds: Double
    /// Bytes read from the disk rather than the page cache.
    public var ioDiskReadBytes: Double
    /// Pool modes: the pool's start-up inside the trial, seconds.
    public var setupSeconds: Double?
    /// Time workers spent obtaining shipped input, summed over tasks, seconds.
    public var transferSeconds: Double
    /// Bytes shipped to workers.
    public var transferBytes: Double
    /// Threads the executor created during the trial.
    public var threadsCreated: Double = 0
    /// The most OS threads tvp had during the trial.
    public var osThreadsMax: Double = 0
    /// Peak memory of tvp's own process, KiB (0 in files written before schema 4).
    public var tvpMaxRSSKiB: Double = 0
    /// `download`: tasks that failed on their connection.
    public var connectionErrors: Double = 0
    /// `download`: the server's CPU time during the trial, seconds.
    public var serverCPUSeconds: Double?
    /// `download`: the server's peak memory during the trial, KiB.
    public var serverMaxRSSKiB: Double?
    /// `download`: connections dropped by full accept queues during the trial.
    public var listenDrops: Double?

    /// The sample of a freshly measured trial.
    public init(_ record: TrialRecord) {
        cell = record.trial.cell
        isWarmup = record.trial.isWarmup
        ok = record.ok
        wallSeconds = record.wallSeconds
        userSeconds = record.usage.userSeconds
        systemSeconds = record.usage.systemSeconds
        maxRSSKiB = Double(record.usage.maxRSSKiB)
        taskP50Microseconds = record.taskLatencyMicroseconds.p50
        startupP50Microseconds = record.startupMicroseconds?.p50
        stealSeconds = record.stealSeconds
        ioDiskReadBytes = Double(record.ioDiskReadBytes)
        setupSeconds = record.setupSeconds
        transferSeconds = record.transferSeconds
        transferBytes = Double(record.transferBytes)
        threadsCreated = Double(record.threadsCreated)
        osThreadsMax = Double(record.osThreadsMax)
        tvpMaxRSSKiB = Double(record.tvpMaxRSSKiB)
        connectionErrors = Double(record.connectionErrors)
        serverCPUSeconds = record.serverCPUSeconds
        serverMaxRSSKiB = record.serverMaxRSSKiB.map(Double.init)
        listenDrops = record.listenDrops.map(Double.init)
    }

    /// The sample of a trials.csv row; nil when the row does not describe a known cell.
    public init?(row: [String: String]) {
        guard let workload = Workload(csvName: row["workload"] ?? "", parameters: row),
              let mode = Mode(rawValue: row["mode"] ?? ""),
              let workers = Int(row["workers"] ?? ""), let tasks = Int(row["tasks"] ?? ""),
              let wall = Double(row["wall_s"] ?? "")
        else { return nil }
        cell = Cell(workload: workload, mode: mode, workers: workers, tasks: tasks)
        isWarmup = row["warmup"] == "true"
        ok = row["ok"] == "true"
        wallSeconds = wall
        userSeconds = Double(row["user_s"] ?? "") ?? 0
        systemSeconds = Double(row["sys_s"] ?? "") ?? 0
        maxRSSKiB = Double(row["max_rss_kib"] ?? "") ?? 0
        taskP50Microseconds = Double(row["task_p50_us"] ?? "") ?? 0
        startupP50Microseconds = Double(row["startup_p50_us"] ?? "")
        stealSeconds = Double(row["steal_s"] ?? "") ?? 0
        ioDiskReadBytes = Double(row["io_disk_read_bytes"] ?? "") ?? 0
        // Columns added in schema 3; a schema-2 file has none of them.
        setupSeconds = Double(row["setup_s"] ?? "")
        transferSeconds = Double(row["transfer_s"] ?? "") ?? 0
        transferBytes = Double(row["transfer_bytes"] ?? "") ?? 0
        threadsCreated = Double(row["threads_created"] ?? "") ?? 0
        osThreadsMax = Double(row["os_threads_max"] ?? "") ?? 0
        // Columns added in schema 4.
        tvpMaxRSSKiB = Double(row["tvp_max_rss_kib"] ?? "") ?? 0
        connectionErrors = Double(row["connection_errors"] ?? "") ?? 0
        serverCPUSeconds = Double(row["server_cpu_s"] ?? "")
        serverMaxRSSKiB = Double(row["server_max_rss_kib"] ?? "")
        listenDrops = Double(row["listen_drops"] ?? "")
    }
}

extension Workload {
    /// Rebuilds a workload from its CSV name and parameter columns; nil when they don't fit.
    public init?(csvName name: String, parameters p: [String: String]) {
        switch name {
        case "null": self = .null
        case "cpu":
            guard let bytes = Int(p["bytes_per_task"] ?? "") else { return nil }
            self = .cpu(CPUWorkload(bytesPerTask: bytes))
        case "io":
            guard let sleep = Double(p["sleep_ms"] ?? ""), let files = Int(p["files_per_task"] ?? ""),
                  let size = Int(p["file_size"] ?? ""), let cache = CacheState(rawValue: p["cache"] ?? "")
            else { return nil }
            self = .io(IOWorkload(sleepNanoseconds: UInt64((sleep * 1e6).rounded()), filesPerTask: files,
                                  fileSize: size, cache: cache))
        case "shared":
            guard let size = Int(p["input_size"] ?? ""), let transfer = Transfer(rawValue: p["transfer"] ?? "") else { return nil }
            self = .shared(SharedWorkload(inputSize: size, transfer: transfer))
        case "mixed":
            guard let taskMilliseconds = Double(p["task_ms"] ?? ""), let share = Double(p["cpu_share"] ?? ""),
                  let hashBytes = Int(p["hash_bytes"] ?? "") else { return nil }
            self = .mixed(MixedWorkload(taskNanoseconds: UInt64((taskMilliseconds * 1e6).rounded()), cpuShare: share,
                                        hashBytes: hashBytes))
        case "download":
            guard let files = Int(p["files"] ?? ""), let size = Int(p["file_size"] ?? ""),
                  let latency = Double(p["latency_ms"] ?? ""), let keepAlive = Bool(p["keep_alive"] ?? "") else { return nil }
            self = .download(DownloadWorkload(files: files, fileSize: size, latencyNanoseconds: UInt64((latency * 1e6).rounded()),
                                              keepAlive: keepAlive))
        default: return nil
        }
    }
}
