import TVPWorkloads
import TVPMeasure
import TVPPlan

/// Reading a trial back from a trials.csv row, every field checked: a row whose numbers are not
/// numbers (nan, inf), are negative, or are 0 where a time must pass (`wall_s`), is rejected with the
/// column and the text, so that `tvp check` and `tvp compare` stop with the file and the line
/// rather than summarising nonsense.
extension TrialSample {
    /// The sample of a trials.csv row under the current column names (`CSVFormat.currentNames`); nil
    /// when the row does not describe a trial (`init(parsing:)` says why).
    public init?(row: [String: String]) {
        guard let sample = try? TrialSample(parsing: row) else { return nil }
        self = sample
    }

    /// The sample of a trials.csv row; the error names the column that is wrong and what it must hold.
    public init(parsing row: [String: String]) throws(TrialRowProblem) {
        let fields = TrialRowFields(row)
        let workload = try Workload(csvRow: fields)
        let modeName = fields.text("mode")
        guard let mode = Mode(rawValue: modeName) else {
            throw TrialRowProblem(column: "mode", text: modeName,
                                  expected: "a mode (one of \(Mode.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        let workers = try fields.wholeNumber("workers", in: ScenarioLoader.Limits.workers)
        let tasks = try fields.wholeNumber("tasks", in: ScenarioLoader.Limits.tasks)
        self.init(cell: Cell(workload: workload, mode: mode, workers: workers, tasks: tasks),
                  isWarmup: fields.text("warmup") == "true", ok: fields.text("ok") == "true",
                  wallSeconds: try fields.number("wall_s", in: .leastNonzeroMagnitude...(.greatestFiniteMagnitude),
                                                 expected: "a number of seconds above 0"))
        userSeconds = try fields.measure("user_s") ?? 0
        systemSeconds = try fields.measure("sys_s") ?? 0
        maxRSSKiB = try fields.measure("max_rss_kib") ?? 0
        taskP50Microseconds = try fields.measure("task_p50_us") ?? 0
        spawnP50Microseconds = try fields.measure("spawn_p50_us")
        stealSeconds = try fields.measure("steal_s") ?? 0
        ioDiskReadBytes = try fields.measure("io_disk_read_bytes") ?? 0
        // Columns added in schema 3; a schema-2 file has none of them.
        poolStartSeconds = try fields.measure("pool_start_s")
        transferSeconds = try fields.measure("transfer_s") ?? 0
        transferBytes = try fields.measure("transfer_bytes") ?? 0
        // Schema 4: `tally` trials count the updates their race lost.
        lostUpdates = try fields.measure("lost_updates")
        threadsCreated = try fields.measure("threads_created") ?? 0
        osThreadsMax = try fields.measure("os_threads_max") ?? 0
        // Schema 4: tvp's own memory, and the `download` server's costs and losses.
        tvpMaxRSSKiB = try fields.measure("tvp_max_rss_kib") ?? 0
        connectionErrors = try fields.measure("connection_errors") ?? 0
        serverCPUSeconds = try fields.measure("server_cpu_s")
        serverMaxRSSKiB = try fields.measure("server_max_rss_kib")
        listenDrops = try fields.measure("listen_drops")
        // Schema 5: time tvp itself was stopped during the trial.
        stoppedSeconds = try fields.measure("stopped_s") ?? 0
    }
}

/// The fields of one trials.csv row, read as the types they must hold.
struct TrialRowFields {
    private let row: [String: String]

    /// The fields of `row`, keyed by column.
    init(_ row: [String: String]) { self.row = row }

    /// The field's text; empty when the column is absent.
    func text(_ column: String) -> String { row[column] ?? "" }

    /// A whole number in `range`.
    func wholeNumber(_ column: String, in range: ClosedRange<Int>) throws(TrialRowProblem) -> Int {
        guard let value = Int(text(column)), range.contains(value) else {
            let upper = range.upperBound == Int.max ? "" : " to \(range.upperBound)"
            throw TrialRowProblem(column: column, text: text(column),
                                  expected: "a whole number from \(range.lowerBound)\(upper)")
        }
        return value
    }

    /// A finite number in `range`.
    func number(_ column: String, in range: ClosedRange<Double>, expected: String? = nil) throws(TrialRowProblem) -> Double {
        guard let value = Double(text(column)), value.isFinite, range.contains(value) else {
            throw TrialRowProblem(column: column, text: text(column),
                                  expected: expected ?? "a number from \(CSVFormat.number(range.lowerBound)) to \(CSVFormat.number(range.upperBound))")
        }
        return value
    }

    /// One of a parameter's named values.
    func choice<Value: RawRepresentable & CaseIterable>(_ column: String) throws(TrialRowProblem) -> Value where Value.RawValue == String {
        guard let value = Value(rawValue: text(column)) else {
            throw TrialRowProblem(column: column, text: text(column),
                                  expected: "one of \(Value.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return value
    }

    /// A measured quantity (time, bytes, memory): a finite number of at least 0, or nil when the field is empty.
    func measure(_ column: String) throws(TrialRowProblem) -> Double? {
        guard !text(column).isEmpty else { return nil }
        return try number(column, in: 0...(.greatestFiniteMagnitude), expected: "a finite number of at least 0")
    }
}

/// Why a trials.csv row is not a trial: the column, its text, and what it must hold.
public struct TrialRowProblem: Error, Sendable, Equatable, CustomStringConvertible {
    /// The column.
    public var column: String
    /// The field as written.
    public var text: String
    /// What the column must hold, e.g. "a number of seconds above 0".
    public var expected: String

    /// `column "text" is not <expected>`.
    public var description: String { "\(column) \"\(text)\" is not \(expected)" }
}
