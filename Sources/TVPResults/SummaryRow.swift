import TVPAnalysis
/// One row of a summary.csv as the charts and report.md read it back: any readable schema (old
/// column names mapped), and modes or workloads this tvp may not know, kept by name.
public struct SummaryRow: Sendable, Equatable {
    /// The scenario's name.
    public var scenario: String
    /// The workload's name (`cpu`, `null`, …).
    public var workload: String
    /// The workload with its parameters, e.g. `cpu[8MiB]`.
    public var variant: String
    /// The mode's name.
    public var mode: String
    /// Workers of the mode.
    public var workers: Int
    /// Tasks per trial.
    public var tasks: Int
    /// Counted successful trials.
    public var n: Int
    /// Counted trials that failed.
    public var failed: Int
    /// Median wall time of one trial, seconds.
    public var wallMedian: Double
    /// The fastest trial's wall time, seconds.
    public var wallMin: Double?
    /// The slowest trial's wall time, seconds.
    public var wallMax: Double?
    /// Coefficient of variation of the wall time.
    public var wallCV: Double?
    /// Median CPU time (user + sys, children included), seconds.
    public var cpuMedian: Double?
    /// Median serial wall ÷ median wall, with its 95 % interval.
    public var speedup: Double?
    /// The speedup interval's low end.
    public var speedupLow: Double?
    /// The speedup interval's high end.
    public var speedupHigh: Double?
    /// Speedup ÷ min(workers, usable CPUs).
    public var efficiency: Double?
    /// Median wall ÷ tasks, microseconds.
    public var perTaskMicroseconds: Double?
    /// Median spawn of a worker process, microseconds (process modes).
    public var spawnP50Microseconds: Double?
    /// Median pool start, seconds (pool modes).
    public var poolStartMedian: Double?
    /// Bytes hashed or read per second at the median, MB/s.
    public var megabytesPerSecond: Double?
    /// Rate at which worker processes received shipped input, MB/s.
    public var transferMegabytesPerSecond: Double?
    /// `shared`: the input's size in bytes.
    public var inputSize: Double?
    /// `shared`: how a worker gets its slice (`in-place`, `pipe`, `file`, `shm`).
    public var transfer: String?
    /// CPUs the run could use.
    public var usableCPUs: Int?
    /// `tally`, `alloc`, `refs`: median wall time per update, nanoseconds.
    public var perUpdateNanoseconds: Double?
    /// `tally`: median updates missing from the final table.
    public var lostUpdatesMedian: Double?
    /// Median of the most OS threads tvp's process had per trial (schema 4).
    public var osThreadsMaxMedian: Double?
    /// Median peak memory of tvp's own process per trial, KiB (schema 4).
    public var tvpMaxRSSMedianKiB: Double?

    /// Columns without which a row is not a summary row.
    static let requiredColumns = ["workload", "variant", "mode", "workers", "tasks", "n", "wall_median_s"]

    /// The row of `fields` (column name to field, current names); nil when a required field is
    /// missing or malformed.
    init?(_ fields: [String: String]) {
        func number(_ column: String) -> Double? { fields[column].flatMap { Double($0) }.flatMap { $0.isFinite ? $0 : nil } }
        guard let workload = fields["workload"], let variant = fields["variant"], let mode = fields["mode"],
              let workers = fields["workers"].flatMap({ Int($0) }), let tasks = fields["tasks"].flatMap({ Int($0) }),
              let n = fields["n"].flatMap({ Int($0) }), let wall = number("wall_median_s")
        else { return nil }
        scenario = fields["scenario"] ?? ""
        self.workload = workload
        self.variant = variant
        self.mode = mode
        self.workers = workers
        self.tasks = tasks
        self.n = n
        failed = fields["failed"].flatMap { Int($0) } ?? 0
        wallMedian = wall
        wallMin = number("wall_min_s")
        wallMax = number("wall_max_s")
        wallCV = number("wall_cv")
        cpuMedian = number("cpu_median_s")
        speedup = number("speedup")
        speedupLow = number("speedup_ci_low")
        speedupHigh = number("speedup_ci_high")
        efficiency = number("efficiency")
        perTaskMicroseconds = number("per_task_us")
        spawnP50Microseconds = number("spawn_p50_us")
        poolStartMedian = number("pool_start_median_s")
        megabytesPerSecond = number("mb_per_s")
        transferMegabytesPerSecond = number("transfer_mb_per_s")
        inputSize = number("input_size")
        transfer = fields["transfer"].flatMap { $0.isEmpty ? nil : $0 }
        usableCPUs = fields["usable_cpus"].flatMap { Int($0) }
        perUpdateNanoseconds = number("per_update_ns")
        lostUpdatesMedian = number("lost_updates_median")
        osThreadsMaxMedian = number("os_threads_max_median")
        tvpMaxRSSMedianKiB = number("tvp_max_rss_median_kib")
    }

    /// Whether the wall time varied more than the Summarizer's noise threshold.
    public var isNoisy: Bool { (wallCV ?? 0) > Summarizer.noisyCoefficientOfVariation }

    /// The rows of the summary.csv at `path`, in file order.
    public static func read(_ path: String) throws -> [SummaryRow] {
        let (header, rows) = try CSVFormat.read(path)
        let missing = requiredColumns.filter { !header.contains($0) }
        guard missing.isEmpty else {
            throw CSVFileError(path: path, problem: "not a summary.csv written by `tvp run` (no column \(missing.joined(separator: ", ")))")
        }
        // One file, one schema, as trials.csv: a row of another version was not written by this run.
        var first: String?
        for (index, fields) in rows.enumerated() {
            let version = fields["schema_version"] ?? ""
            guard let earlier = first else { first = version; continue }
            if version != earlier {
                throw CSVFileError(path: path, problem: "line \(index + 2) has schema_version \(version) but earlier lines have \(earlier); a summary.csv must come from one run of one tvp version: delete the line, or re-run `tvp run`")
            }
        }
        return try rows.enumerated().map { index, fields in
            guard let row = SummaryRow(CSVFormat.currentNames(fields)) else {
                throw CSVFileError(path: path, problem: "line \(index + 2): a field of \(requiredColumns.joined(separator: ", ")) is empty or malformed")
            }
            return row
        }
    }
}
