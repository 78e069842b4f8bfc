import TVPWorkloads
import TVPMeasure
import TVPPlan

extension TrialSample {
    /// The trial of a trials.csv row (column name to field, under the current names:
    /// `CSVFormat.currentNames`); nil when the row does not describe a trial (`TrialsCSV.trial`
    /// says why).
    public init?(row: [String: String]) {
        guard let trial = try? TrialsCSV.trial(row) else { return nil }
        self = trial
    }
}

extension Workload {
    /// Rebuilds a workload from its CSV name and parameter columns, within the scenario's limits.
    init(csvRow fields: TrialRowFields) throws(TrialRowProblem) {
        typealias Limits = ScenarioLoader.Limits
        let name = fields.text("workload")
        switch name {
        case "null": self = .null
        case "cpu":
            self = .cpu(CPUWorkload(bytesPerTask: try fields.wholeNumber("bytes_per_task", in: Limits.bytesPerTask)))
        case "io":
            let sleep = try fields.number("sleep_ms", in: Limits.sleepMilliseconds)
            let files = try fields.wholeNumber("files_per_task", in: Limits.filesPerTask)
            let size = try fields.wholeNumber("file_size", in: Limits.fileSize)
            guard let cache = CacheState(rawValue: fields.text("cache")) else {
                throw TrialRowProblem(column: "cache", text: fields.text("cache"), expected: "warm or cold")
            }
            self = .io(IOWorkload(sleepNanoseconds: UInt64((sleep * 1e6).rounded()), filesPerTask: files,
                                  fileSize: size, cache: cache))
        case "shared":
            let size = try fields.wholeNumber("input_size", in: Limits.inputSize)
            guard let transfer = Transfer(rawValue: fields.text("transfer")) else {
                throw TrialRowProblem(column: "transfer", text: fields.text("transfer"),
                                      expected: "one of \(Transfer.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            self = .shared(SharedWorkload(inputSize: size, transfer: transfer))
        case "mixed":
            let taskMilliseconds = try fields.number("task_ms", in: Limits.taskMilliseconds)
            let share = try fields.number("cpu_share", in: Limits.cpuShare)
            let hashBytes = try fields.wholeNumber("hash_bytes", in: 0...Int.max)
            self = .mixed(MixedWorkload(taskNanoseconds: UInt64((taskMilliseconds * 1e6).rounded()), cpuShare: share,
                                        hashBytes: hashBytes))
        case "tally", "alloc", "refs":
            self = try Workload(sharingCSVRow: fields, name: name)
        case "download":
            let files = try fields.wholeNumber("files", in: DownloadWorkload.filesRange)
            let size = try fields.wholeNumber("file_size", in: DownloadWorkload.fileSizeRange)
            let latency = try fields.number("latency_ms", in: DownloadWorkload.latencyMillisecondsRange)
            guard let keepAlive = ["true": true, "false": false][fields.text("keep_alive")] else {
                throw TrialRowProblem(column: "keep_alive", text: fields.text("keep_alive"), expected: "true or false")
            }
            self = .download(DownloadWorkload(files: files, fileSize: size, latencyNanoseconds: UInt64((latency * 1e6).rounded()),
                                              keepAlive: keepAlive))
        case "plugin":
            self = .plugin(try PluginWorkload(csvRow: fields))
        default:
            throw TrialRowProblem(column: "workload", text: name,
                                  expected: "a workload (one of \(Workload.names.joined(separator: ", ")))")
        }
    }
}

/// The fields of one row of trials.csv (or summary.csv), read as the types they must hold.
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
