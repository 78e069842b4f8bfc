import TVPAnalysis
/// The columns of summary.csv: one row per cell, statistics of its counted trials.
public enum SummaryCSV {
    /// The header, in its fixed order. Units are in the names.
    public static let header = [
        "schema_version",
        "scenario",
        "workload",
        "variant",
    ] + TrialsCSV.parameterColumns + [
        "mode",
        "workers",
        "tasks",
        "n",
        "failed",
        "wall_median_s",
        "wall_mean_s",
        "wall_min_s",
        "wall_max_s",
        "wall_stddev_s",
        "wall_ci_low_s",
        "wall_ci_high_s",
        "wall_cv",
        "cpu_median_s",
        "user_median_s",
        "sys_median_s",
        "max_rss_median_kib",
        "tasks_per_s",
        "mb_per_s",
        "speedup",
        "speedup_ci_low",
        "speedup_ci_high",
        "efficiency",
        "per_task_us",
        "task_p50_us",
        "spawn_p50_us",
        "steal_median_s",
        "disk_read_median_bytes",
        "outliers",
        "noisy",
        "usable_cpus",
        "pool_start_median_s",
        "per_task_net_us",
        "transfer_mb_per_s",
        "cpu_ci_low_s",
        "cpu_ci_high_s",
        "sys_ci_low_s",
        "sys_ci_high_s",
        "per_update_ns",
        "lost_updates_median",
        "threads_created_median",
        "os_threads_max_median",
        "tvp_max_rss_median_kib",
        "server_cpu_median_s",
        "server_max_rss_median_kib",
        "connection_errors",
        "listen_drops",
    ]

    /// The fields of `summary`, in header order.
    public static func fields(_ s: CellSummary, scenario: String) -> [String] {
        let cell = s.cell
        let parameters = Dictionary(uniqueKeysWithValues: cell.workload.parameters.map { ($0.name, $0.value) })
        let n = CSVFormat.number as (Double) -> String
        let o = CSVFormat.number as (Double?) -> String
        return [String(CSVFormat.schemaVersion), scenario, cell.workload.name, cell.workload.label]
            + TrialsCSV.parameterColumns.map { parameters[$0] ?? "" }
            + [cell.mode.rawValue, String(cell.workers), String(cell.tasks), String(s.n), String(s.failed),
               n(s.wallMedian), n(s.wallMean), n(s.wallMin), n(s.wallMax), n(s.wallStandardDeviation),
               n(s.wallCI.lowerBound), n(s.wallCI.upperBound), n(s.wallCV), n(s.cpuMedian), n(s.userMedian),
               n(s.systemMedian), n(s.maxRSSMedianKiB), n(s.tasksPerSecond), o(s.megabytesPerSecond),
               o(s.speedup), o(s.speedupCI?.lowerBound), o(s.speedupCI?.upperBound), o(s.efficiency),
               n(s.perTaskMicroseconds), n(s.taskP50Microseconds), o(s.spawnP50Microseconds),
               n(s.stealMedian), n(s.diskReadMedianBytes), String(s.outliers), String(s.isNoisy),
               String(s.usableCPUs), o(s.poolStartMedian), n(s.perTaskNetMicroseconds), o(s.transferMegabytesPerSecond),
               o(s.cpuCI?.lowerBound),
               o(s.cpuCI?.upperBound),
               o(s.systemCI?.lowerBound),
               o(s.systemCI?.upperBound),
               o(s.perUpdateNanoseconds), o(s.lostUpdatesMedian),
               n(s.threadsCreatedMedian), n(s.osThreadsMaxMedian), n(s.tvpMaxRSSMedianKiB), o(s.serverCPUMedian),
               o(s.serverMaxRSSMedianKiB), String(s.connectionErrors), s.listenDrops.map(String.init) ?? ""]
    }
}
