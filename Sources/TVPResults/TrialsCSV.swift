import TVPMeasure
import TVPWorkloads
/// The columns of trials.csv, one row per trial, warm-up trials included (`warmup=true`).
public enum TrialsCSV {
    /// The header, in its fixed order. Units are in the names.
    public static let header = [
        "schema_version",
        "scenario",
        "workload",
    ] + parameterColumns + [
        "mode",
        "workers",
        "tasks",
        "round",
        "position",
        "warmup",
        "repetition",
        "wall_s",
        "user_s",
        "sys_s",
        "cpu_s",
        "max_rss_kib",
        "voluntary_ctx_switches",
        "involuntary_ctx_switches",
        "minor_faults",
        "major_faults",
        "task_p50_us",
        "task_p90_us",
        "task_p99_us",
        "task_max_us",
        "spawn_p50_us",
        "spawn_max_us",
        "processes_spawned",
        "threads_created",
        "distinct_processes",
        "os_threads_max",
        "gil_switches",
        "gil_wait_max_us",
        "steal_s",
        "io_read_bytes",
        "io_disk_read_bytes",
        "pool_start_s",
        "transfer_s",
        "transfer_bytes",
        "lost_updates",
        "tvp_max_rss_kib",
        "server_cpu_s",
        "server_max_rss_kib",
        "connection_errors",
        "listen_drops",
        "stopped_s",
        "digest",
        "digest_check",
        "ok",
        "error",
    ]

    /// Workload parameter columns, in header order (in summary.csv too): the workloads' declarations.
    static var parameterColumns: [String] { Workload.parameterColumns }

    /// The fields of `record`, in header order.
    public static func fields(_ record: TrialRecord) -> [String] {
        let cell = record.trial.cell
        let parameters = Dictionary(uniqueKeysWithValues: cell.workload.parameters.map { ($0.name, $0.value) })
        let n = CSVFormat.number as (Double) -> String
        let u = record.usage
        return [String(CSVFormat.schemaVersion), record.scenario, cell.workload.name]
            + parameterColumns.map { parameters[$0] ?? "" }
            + [cell.mode.rawValue, String(cell.workers), String(cell.tasks), String(record.trial.round),
               String(record.trial.position), String(record.trial.isWarmup), String(record.trial.repetition),
               n(record.wallSeconds), n(u.userSeconds), n(u.systemSeconds), n(u.userSeconds + u.systemSeconds),
               String(u.maxRSSKiB), String(u.voluntaryContextSwitches), String(u.involuntaryContextSwitches),
               String(u.minorFaults), String(u.majorFaults),
               n(record.taskLatencyMicroseconds.p50), n(record.taskLatencyMicroseconds.p90),
               n(record.taskLatencyMicroseconds.p99), n(record.taskLatencyMicroseconds.max),
               CSVFormat.number(record.spawnMicroseconds?.p50), CSVFormat.number(record.spawnMicroseconds?.max),
               String(record.processesSpawned), String(record.threadsCreated), String(record.distinctProcesses),
               String(record.osThreadsMax), record.gilSwitches.map(String.init) ?? "",
               CSVFormat.number(record.gilWaitMaxMicroseconds),
               n(record.stealSeconds), String(record.ioReadBytes), String(record.ioDiskReadBytes),
               CSVFormat.number(record.poolStartSeconds), n(record.transferSeconds), String(record.transferBytes),
               record.lostUpdates.map(String.init) ?? "",
               String(record.tvpMaxRSSKiB), CSVFormat.number(record.serverCPUSeconds),
               record.serverMaxRSSKiB.map(String.init) ?? "", String(record.connectionErrors),
               record.listenDrops.map(String.init) ?? "", n(record.stoppedSeconds),
               record.digest?.hex ?? "", record.digestCheck?.rawValue ?? "", String(record.ok), record.error ?? ""]
    }
}
