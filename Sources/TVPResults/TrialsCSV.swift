import TVPMeasure
import TVPPlan
import TVPWorkloads

/// trials.csv: one row per trial, warm-up trials included (`warmup=true`), every field of a
/// `TrialSample`. Each column is declared once below (a line per line of `TrialSample`'s fields);
/// the header, the writer and the reader come from the list. Reading checks every field, so that a row whose numbers are not numbers (nan,
/// inf), are negative, or are 0 where a time must pass (`wall_s`) is rejected with the column and
/// the text: `tvp check` and `tvp compare` stop with the file and the line rather than summarising
/// nonsense. A column a file lacks (written by an older schema) reads as 0 or absent.
public enum TrialsCSV {
    /// The header, in its fixed order. Units are in the names.
    public static var header: [String] { table.header }

    /// Workload parameter columns, in header order (in summary.csv too): the workloads' declarations.
    static var parameterColumns: [String] { Workload.parameterColumns }

    /// The columns.
    static let table = CSVTable<TrialSample>(columns: [
        .schemaVersion(required: true),
        .scenario,
        CSVColumn("workload", required: true, write: { trial, _ in trial.cell.workload.name }) { trial, fields throws(TrialRowProblem) in
            trial.cell.workload = try Workload(csvRow: fields)
        },
    ] + parameterColumns.map { .parameter($0) { $0.cell.workload.parameters } } + [
        CSVColumn("mode", required: true, write: { trial, _ in trial.cell.mode.rawValue }) { trial, fields throws(TrialRowProblem) in
            guard let mode = Mode(rawValue: fields.text("mode")) else {
                throw TrialRowProblem(column: "mode", text: fields.text("mode"),
                                      expected: "a mode (one of \(Mode.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            trial.cell.mode = mode
        },
        .whole("workers", \.cell.workers, in: ScenarioLoader.Limits.workers, required: true),
        .whole("tasks", \.cell.tasks, in: ScenarioLoader.Limits.tasks, required: true),
        // Schema 6; an older file's trials ran where the kernel put them: `any`.
        CSVColumn("affinity", write: { trial, _ in trial.cell.affinity.rawValue }) { trial, fields throws(TrialRowProblem) in
            if !fields.text("affinity").isEmpty { trial.cell.affinity = try fields.choice("affinity") as Affinity }
        },
        .whole("round", \.round), .whole("position", \.position),
        .flag("warmup", \.isWarmup, required: true),
        .whole("repetition", \.repetition),
        CSVColumn("wall_s", .seconds, required: true, write: { trial, _ in CSVFormat.number(trial.wallSeconds) }) { trial, fields throws(TrialRowProblem) in
            trial.wallSeconds = try fields.number("wall_s", in: .leastNonzeroMagnitude...(.greatestFiniteMagnitude),
                                                  expected: "a number of seconds above 0")
        },
        .measure("user_s", .seconds, \.userSeconds, required: true), .measure("sys_s", .seconds, \.systemSeconds, required: true),
        .derived("cpu_s", .seconds) { CSVFormat.number($0.userSeconds + $0.systemSeconds) },
        .count("max_rss_kib", .kibibytes, \.maxRSSKiB, required: true),
        .count("voluntary_ctx_switches", nil, \.voluntaryContextSwitches), .count("involuntary_ctx_switches", nil, \.involuntaryContextSwitches),
        .count("minor_faults", nil, \.minorFaults), .count("major_faults", nil, \.majorFaults),
        .measure("task_p50_us", .microseconds, \.taskP50Microseconds, required: true),
        .measure("task_p90_us", .microseconds, \.taskP90Microseconds), .measure("task_p99_us", .microseconds, \.taskP99Microseconds),
        .measure("task_max_us", .microseconds, \.taskMaxMicroseconds),
        .measure("spawn_p50_us", .microseconds, \.spawnP50Microseconds), .measure("spawn_max_us", .microseconds, \.spawnMaxMicroseconds),
        .count("processes_spawned", nil, \.processesSpawned), .count("threads_created", nil, \.threadsCreated),
        .count("distinct_processes", nil, \.distinctProcesses), .count("os_threads_max", nil, \.osThreadsMax),
        .count("gil_switches", nil, \.gilSwitches), .measure("gil_wait_max_us", .microseconds, \.gilWaitMaxMicroseconds),
        .measure("steal_s", .seconds, \.stealSeconds),
        .count("io_read_bytes", .bytes, \.ioReadBytes), .count("io_disk_read_bytes", .bytes, \.ioDiskReadBytes),
        .measure("pool_start_s", .seconds, \.poolStartSeconds),
        .measure("transfer_s", .seconds, \.transferSeconds), .count("transfer_bytes", .bytes, \.transferBytes),
        .count("lost_updates", nil, \.lostUpdates),
        .count("tvp_max_rss_kib", .kibibytes, \.tvpMaxRSSKiB),
        .measure("server_cpu_s", .seconds, \.serverCPUSeconds), .count("server_max_rss_kib", .kibibytes, \.serverMaxRSSKiB),
        .count("connection_errors", nil, \.connectionErrors), .count("listen_drops", nil, \.listenDrops),
        .measure("stopped_s", .seconds, \.stoppedSeconds),
        .measure("lateness_p50_us", .microseconds, \.latenessP50Microseconds), .measure("lateness_p90_us", .microseconds, \.latenessP90Microseconds),
        .measure("lateness_p99_us", .microseconds, \.latenessP99Microseconds), .measure("lateness_p999_us", .microseconds, \.latenessP999Microseconds),
        .measure("lateness_max_us", .microseconds, \.latenessMaxMicroseconds), .count("lateness_ticks", nil, \.latenessTicks),
        .measure("background_mb_per_s", .megabytesPerSecond, \.backgroundMegabytesPerSecond),
        // Schema 7.
        .measure("round_trip_p50_us", .microseconds, \.roundTripP50Microseconds),
        .measure("round_trip_p99_us", .microseconds, \.roundTripP99Microseconds),
        CSVColumn("digest", write: { trial, _ in trial.digest?.hex ?? "" }) { trial, fields throws(TrialRowProblem) in
            let text = fields.text("digest")
            guard !text.isEmpty else { return }
            guard let digest = TaskDigest(hex: text) else {
                throw TrialRowProblem(column: "digest", text: text, expected: "a SHA-256 digest (64 hexadecimal digits) or empty")
            }
            trial.digest = digest
        },
        CSVColumn("digest_check", write: { trial, _ in trial.digestCheck?.rawValue ?? "" }) { trial, fields throws(TrialRowProblem) in
            if !fields.text("digest_check").isEmpty { trial.digestCheck = try fields.choice("digest_check") as DigestCheck }
        },
        .flag("ok", \.ok, required: true),
        CSVColumn("error", write: { trial, _ in trial.error ?? "" }) { trial, fields in
            trial.error = fields.text("error").isEmpty ? nil : fields.text("error")
        },
    ])

    /// The fields of `trial` in a run of the scenario named `scenario`, in header order.
    public static func fields(_ trial: TrialSample, scenario: String) -> [String] {
        table.fields(trial, scenario: scenario)
    }

    /// Every trial of the trials.csv at `path`, in file order, and the schema version of its rows,
    /// which must be one: a row that is not a trial is an error naming its line and column.
    static func read(_ path: String) throws -> (trials: [TrialSample], schemaVersion: Int) {
        let (header, rows) = try CSVFormat.read(path)
        let missing = table.requiredColumns.filter { !header.contains($0) }
        guard missing.isEmpty else { throw TrialsFileError.missingColumns(path: path, columns: missing) }
        guard !rows.isEmpty else { throw TrialsFileError.noTrials(path: path) }
        var schemaVersion: Int?
        var trials: [TrialSample] = []
        trials.reserveCapacity(rows.count)
        for (index, fields) in rows.enumerated() {
            let line = index + 2  // the header is line 1
            let row = CSVFormat.currentNames(fields)
            let field = row["schema_version"] ?? ""
            guard let version = Int(field) else {
                throw TrialsFileError.badRow(path: path, line: line, problem: "schema_version \"\(field)\" is not a whole number")
            }
            if let first = schemaVersion, first != version {
                throw TrialsFileError.mixedSchemaVersions(path: path, first: first, other: version, line: line)
            }
            schemaVersion = version
            do {
                trials.append(try trial(row))
            } catch {
                throw TrialsFileError.badRow(path: path, line: line, problem: error.description)
            }
        }
        return (trials, schemaVersion!)
    }

    /// The trial of a row of trials.csv (column name to field, under the current names:
    /// `CSVFormat.currentNames`); the error names the column that is wrong and what it must hold.
    static func trial(_ row: [String: String]) throws(TrialRowProblem) -> TrialSample {
        let fields = TrialRowFields(row)
        var trial = TrialSample(cell: Cell(workload: .null, mode: .serial, workers: 1, tasks: 1), isWarmup: false, ok: false, wallSeconds: 0)
        try table.read(fields, into: &trial)
        // The cell as the planner makes it: a mode that runs tasks inside tvp reads its input in place.
        trial.cell = Cell(workload: trial.cell.workload, mode: trial.cell.mode, workers: trial.cell.workers, tasks: trial.cell.tasks,
                          affinity: trial.cell.affinity)
        return trial
    }
}

extension CSVColumn {
    /// A whole number in `range`, such as a cell's workers; when not `required`, an empty field (a
    /// column an older schema lacked) is 0.
    fileprivate static func whole(_ name: String, _ value: WritableKeyPath<Row, Int> & Sendable, in range: ClosedRange<Int> = 0...Int.max,
                                  required: Bool = false) -> CSVColumn {
        CSVColumn(name, required: required, write: { row, _ in String(row[keyPath: value]) }) { row, fields throws(TrialRowProblem) in
            guard required || !fields.text(name).isEmpty else { return }
            row[keyPath: value] = try fields.wholeNumber(name, in: range)
        }
    }

    /// `true` or `false`; anything else reads as false.
    fileprivate static func flag(_ name: String, _ value: WritableKeyPath<Row, Bool> & Sendable, required: Bool = false) -> CSVColumn {
        CSVColumn(name, required: required, write: { row, _ in String(row[keyPath: value]) }) { row, fields in
            row[keyPath: value] = fields.text(name) == "true"
        }
    }

    /// A measured quantity (`CSVFormat.number`), read back as a finite number of at least 0; an
    /// empty field is 0.
    fileprivate static func measure(_ name: String, _ unit: CSVUnit?, _ value: WritableKeyPath<Row, Double> & Sendable,
                                    required: Bool = false) -> CSVColumn {
        CSVColumn(name, unit, required: required, write: { row, _ in CSVFormat.number(row[keyPath: value]) }) { row, fields throws(TrialRowProblem) in
            row[keyPath: value] = try fields.measure(name) ?? 0
        }
    }

    /// A measured quantity a trial may not have: an empty field is nil.
    fileprivate static func measure(_ name: String, _ unit: CSVUnit?, _ value: WritableKeyPath<Row, Double?> & Sendable) -> CSVColumn {
        CSVColumn(name, unit, write: { row, _ in CSVFormat.number(row[keyPath: value]) }) { row, fields throws(TrialRowProblem) in
            row[keyPath: value] = try fields.measure(name)
        }
    }

    /// A count or a byte total (`CSVFormat.whole`), read back as a measure; an empty field is 0.
    fileprivate static func count(_ name: String, _ unit: CSVUnit?, _ value: WritableKeyPath<Row, Double> & Sendable,
                                  required: Bool = false) -> CSVColumn {
        CSVColumn(name, unit, required: required, write: { row, _ in CSVFormat.whole(row[keyPath: value]) }) { row, fields throws(TrialRowProblem) in
            row[keyPath: value] = try fields.measure(name) ?? 0
        }
    }

    /// A count a trial may not have: an empty field is nil.
    fileprivate static func count(_ name: String, _ unit: CSVUnit?, _ value: WritableKeyPath<Row, Double?> & Sendable) -> CSVColumn {
        CSVColumn(name, unit, write: { row, _ in row[keyPath: value].map(CSVFormat.whole) ?? "" }) { row, fields throws(TrialRowProblem) in
            row[keyPath: value] = try fields.measure(name)
        }
    }
}
