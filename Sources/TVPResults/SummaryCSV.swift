import TVPAnalysis
import TVPPlan
import TVPWorkloads

/// summary.csv: one row per cell, the statistics of its counted trials (`CellSummary`). Each
/// column is declared once below; the header, the writer and the reader come from the list.
///
/// A summary is derived, so it is read leniently, for the charts and report.md: any readable
/// schema (old column names mapped, missing columns absent), a field that is not a number absent,
/// and cells whose mode or workload this tvp does not know kept by their names. Only the columns
/// that make a row a cell (`required`) must hold what they say.
public enum SummaryCSV {
    /// The header, in its fixed order. Units are in the names.
    public static var header: [String] { table.header }

    /// The columns.
    static let table = CSVTable<CellSummary>(columns: [
        .schemaVersion(required: false),
        .scenario,
        .name("workload", \.workload),
        .name("variant", \.variant),
    ] + TrialsCSV.parameterColumns.map { name in
        CSVColumn(name, write: { summary, _ in summary.parameters[name] ?? "" }) { summary, fields in
            summary.parameters[name] = fields.text(name).isEmpty ? nil : fields.text(name)
        }
    } + [
        .name("mode", \.mode),
        .whole("workers", \.workers, required: true), .whole("tasks", \.tasks, required: true),
        // Schema 6; an older file's cells ran where the kernel put them.
        CSVColumn("affinity", write: { summary, _ in summary.affinity }) { summary, fields in
            summary.affinity = fields.text("affinity").isEmpty ? Affinity.any.rawValue : fields.text("affinity")
        },
        .whole("n", \.n, required: true), .whole("failed", \.failed),
        CSVColumn("wall_median_s", .seconds, required: true, write: { summary, _ in CSVFormat.number(summary.wallMedian) }) { summary, fields throws(TrialRowProblem) in
            summary.wallMedian = try fields.number("wall_median_s", in: -.greatestFiniteMagnitude...(.greatestFiniteMagnitude))
        },
        .statistic("wall_mean_s", .seconds, \.wallMean), .statistic("wall_min_s", .seconds, \.wallMin), .statistic("wall_max_s", .seconds, \.wallMax),
        .statistic("wall_stddev_s", .seconds, \.wallStandardDeviation),
        .bound("wall_ci_low_s", .seconds, of: \.wallCI, .lower), .bound("wall_ci_high_s", .seconds, of: \.wallCI, .upper),
        .statistic("wall_cv", nil, \.wallCV),
        .statistic("cpu_median_s", .seconds, \.cpuMedian), .statistic("user_median_s", .seconds, \.userMedian), .statistic("sys_median_s", .seconds, \.systemMedian),
        .statistic("max_rss_median_kib", .kibibytes, \.maxRSSMedianKiB),
        .statistic("tasks_per_s", .perSecond, \.tasksPerSecond), .statistic("mb_per_s", .megabytesPerSecond, \.megabytesPerSecond),
        .statistic("speedup", nil, \.speedup),
        .bound("speedup_ci_low", nil, of: \.speedupCI, .lower), .bound("speedup_ci_high", nil, of: \.speedupCI, .upper),
        .statistic("efficiency", nil, \.efficiency),
        .statistic("per_task_us", .microseconds, \.perTaskMicroseconds), .statistic("task_p50_us", .microseconds, \.taskP50Microseconds),
        .statistic("spawn_p50_us", .microseconds, \.spawnP50Microseconds),
        .statistic("steal_median_s", .seconds, \.stealMedian), .statistic("disk_read_median_bytes", .bytes, \.diskReadMedianBytes),
        .whole("outliers", \.outliers), .derived("noisy") { String($0.isNoisy) },
        .whole("usable_cpus", \.usableCPUs),
        .statistic("pool_start_median_s", .seconds, \.poolStartMedian), .statistic("per_task_net_us", .microseconds, \.perTaskNetMicroseconds),
        .statistic("transfer_mb_per_s", .megabytesPerSecond, \.transferMegabytesPerSecond),
        .bound("cpu_ci_low_s", .seconds, of: \.cpuCI, .lower), .bound("cpu_ci_high_s", .seconds, of: \.cpuCI, .upper),
        .bound("sys_ci_low_s", .seconds, of: \.systemCI, .lower), .bound("sys_ci_high_s", .seconds, of: \.systemCI, .upper),
        .statistic("per_update_ns", .nanoseconds, \.perUpdateNanoseconds), .statistic("lost_updates_median", nil, \.lostUpdatesMedian),
        .statistic("threads_created_median", nil, \.threadsCreatedMedian), .statistic("os_threads_max_median", nil, \.osThreadsMaxMedian),
        .statistic("tvp_max_rss_median_kib", .kibibytes, \.tvpMaxRSSMedianKiB),
        .statistic("server_cpu_median_s", .seconds, \.serverCPUMedian), .statistic("server_max_rss_median_kib", .kibibytes, \.serverMaxRSSMedianKiB),
        .whole("connection_errors", \.connectionErrors), .whole("listen_drops", \.listenDrops),
        .statistic("lateness_p50_us", .microseconds, \.latenessP50Microseconds), .statistic("lateness_p90_us", .microseconds, \.latenessP90Microseconds),
        .statistic("lateness_p99_us", .microseconds, \.latenessP99Microseconds), .statistic("lateness_p999_us", .microseconds, \.latenessP999Microseconds),
        .statistic("lateness_max_us", .microseconds, \.latenessMaxMicroseconds), .statistic("lateness_ticks_median", nil, \.latenessTicksMedian),
        .statistic("background_mb_per_s", .megabytesPerSecond, \.backgroundMegabytesPerSecond),
        // Schema 7.
        .statistic("round_trip_p50_us", .microseconds, \.roundTripP50Microseconds),
        .statistic("round_trip_p99_us", .microseconds, \.roundTripP99Microseconds),
        .statistic("messages_per_s", .perSecond, \.messagesPerSecond),
    ])

    /// The fields of `summary` in a run of the scenario named `scenario`, in header order.
    public static func fields(_ summary: CellSummary, scenario: String) -> [String] {
        table.fields(summary, scenario: scenario)
    }

    /// The summary of a row of summary.csv (column name to field, under the current names), with its
    /// cell when this tvp knows the mode and the workload; nil when a required field is missing or malformed.
    static func summary(_ row: [String: String]) -> CellSummary? {
        let fields = TrialRowFields(row)
        var summary = CellSummary(workload: "", variant: "", mode: "", workers: 0, tasks: 0)
        guard (try? table.read(fields, into: &summary)) != nil else { return nil }
        if let mode = Mode(rawValue: summary.mode), let affinity = Affinity(rawValue: summary.affinity),
           let workload = try? Workload(csvRow: fields) {
            summary.cell = Cell(workload: workload, mode: mode, workers: summary.workers, tasks: summary.tasks, affinity: affinity)
        }
        return summary
    }

    /// The rows of the summary.csv at `path` in file order, and the scenario they name (nil without rows).
    static func read(_ path: String) throws -> (summaries: [CellSummary], scenario: String?) {
        let (header, rows) = try CSVFormat.read(path)
        let missing = table.requiredColumns.filter { !header.contains($0) }
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
        let summaries = try rows.enumerated().map { index, fields in
            guard let summary = summary(CSVFormat.currentNames(fields)) else {
                throw CSVFileError(path: path, problem: "line \(index + 2): a field of \(table.requiredColumns.joined(separator: ", ")) is empty or malformed")
            }
            return summary
        }
        return (summaries, rows.first.map { $0["scenario"] ?? "" })
    }
}

/// An end of a confidence interval.
enum IntervalEnd: Sendable {
    /// The low end.
    case lower
    /// The high end.
    case upper
}

extension CSVColumn {
    /// A name that makes the row a cell (`workload`, `variant`, `mode`): as written, required.
    fileprivate static func name(_ name: String, _ value: WritableKeyPath<Row, String> & Sendable) -> CSVColumn {
        CSVColumn(name, required: true, write: { row, _ in row[keyPath: value] }) { row, fields in
            row[keyPath: value] = fields.text(name)
        }
    }

    /// A whole number; when `required`, a field that is not one makes the row unreadable, else it is 0.
    fileprivate static func whole(_ name: String, _ value: WritableKeyPath<Row, Int> & Sendable, required: Bool = false) -> CSVColumn {
        CSVColumn(name, required: required, write: { row, _ in String(row[keyPath: value]) }) { row, fields throws(TrialRowProblem) in
            guard let number = Int(fields.text(name)) else {
                if required { throw TrialRowProblem(column: name, text: fields.text(name), expected: "a whole number") }
                return
            }
            row[keyPath: value] = number
        }
    }

    /// A whole number a cell may not have: anything but one is nil.
    fileprivate static func whole(_ name: String, _ value: WritableKeyPath<Row, Int?> & Sendable) -> CSVColumn {
        CSVColumn(name, write: { row, _ in row[keyPath: value].map(String.init) ?? "" }) { row, fields in
            row[keyPath: value] = Int(fields.text(name))
        }
    }

    /// A statistic (`CSVFormat.number`); a field that is not a finite number is NaN.
    fileprivate static func statistic(_ name: String, _ unit: CSVUnit?, _ value: WritableKeyPath<Row, Double> & Sendable) -> CSVColumn {
        CSVColumn(name, unit, write: { row, _ in CSVFormat.number(row[keyPath: value]) }) { row, fields in
            row[keyPath: value] = finite(fields.text(name)) ?? .nan
        }
    }

    /// A statistic a cell may not have: a field that is not a finite number is nil.
    fileprivate static func statistic(_ name: String, _ unit: CSVUnit?, _ value: WritableKeyPath<Row, Double?> & Sendable) -> CSVColumn {
        CSVColumn(name, unit, write: { row, _ in CSVFormat.number(row[keyPath: value]) }) { row, fields in
            row[keyPath: value] = finite(fields.text(name))
        }
    }

    /// An end of an interval every cell has; an end that is not a finite number is unbounded.
    fileprivate static func bound(_ name: String, _ unit: CSVUnit?, of interval: WritableKeyPath<Row, ClosedRange<Double>> & Sendable,
                                  _ end: IntervalEnd) -> CSVColumn {
        CSVColumn(name, unit, write: { row, _ in CSVFormat.number(end == .lower ? row[keyPath: interval].lowerBound : row[keyPath: interval].upperBound) }) { row, fields in
            let old = row[keyPath: interval]
            let value = finite(fields.text(name))
            row[keyPath: interval] = end == .lower ? (value ?? -.infinity)...max(value ?? -.infinity, old.upperBound)
                : min(value ?? .infinity, old.lowerBound)...(value ?? .infinity)
        }
    }

    /// An end of an interval a cell may not have; nil until an end is a finite number (a missing
    /// other end is taken to be the same).
    fileprivate static func bound(_ name: String, _ unit: CSVUnit?, of interval: WritableKeyPath<Row, ClosedRange<Double>?> & Sendable,
                                  _ end: IntervalEnd) -> CSVColumn {
        CSVColumn(name, unit, write: { row, _ in CSVFormat.number(end == .lower ? row[keyPath: interval]?.lowerBound : row[keyPath: interval]?.upperBound) }) { row, fields in
            guard let value = finite(fields.text(name)) else { return }
            let old = row[keyPath: interval]
            row[keyPath: interval] = end == .lower ? value...max(value, old?.upperBound ?? value)
                : min(value, old?.lowerBound ?? value)...value
        }
    }

    /// The number `text` holds, nil when it is not a finite one.
    private static func finite(_ text: String) -> Double? {
        Double(text).flatMap { $0.isFinite ? $0 : nil }
    }
}
