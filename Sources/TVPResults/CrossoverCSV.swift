import TVPAnalysis
import TVPPlan

/// The columns of crossover.csv (one row per thread mode, process mode, workers, task size and CPU
/// share of the `mixed` workload) and breakeven.csv (one row per pair of modes), each declared once.
public enum CrossoverCSV {
    /// A row of crossover.csv: its point, and whether this tvp knows the modes it names.
    struct PointRow: Sendable {
        /// The point.
        var point: Crossover.Point
        /// False for a row naming a mode (or a worker count) this tvp cannot read: it is skipped.
        var isKnown = true
    }

    /// crossover.csv: `ratio` is the thread mode's median wall time ÷ the process mode's; above 1
    /// the process mode was faster.
    static let pointTable = CSVTable<PointRow>(columns: [
        .mode("thread_mode", \.point.threadMode),
        .mode("process_mode", \.point.processMode),
        CSVColumn("workers", required: true, write: { (row: PointRow, _) in String(row.point.workers) }) { (row: inout PointRow, fields: TrialRowFields) in
            if let workers = Int(fields.text("workers")) { row.point.workers = workers } else { row.isKnown = false }
        },
        .number("task_ms", \.point.taskMilliseconds),
        .number("cpu_share", \.point.cpuShare),
        .number("thread_wall_s", \.point.threadWall, unit: .seconds),
        .number("process_wall_s", \.point.processWall, unit: .seconds),
        .number("ratio", \.point.ratio),
        CSVColumn("ratio_ci_low", required: true, write: { (row: PointRow, _) in CSVFormat.number(row.point.ratioCI.lowerBound) }) { (row: inout PointRow, fields: TrialRowFields) throws(TrialRowProblem) in
            guard row.isKnown else { return }
            let low = try number(fields, "ratio_ci_low")
            row.point.ratioCI = low...low
        },
        CSVColumn("ratio_ci_high", required: true, write: { (row: PointRow, _) in CSVFormat.number(row.point.ratioCI.upperBound) }) { (row: inout PointRow, fields: TrialRowFields) throws(TrialRowProblem) in
            guard row.isKnown else { return }
            let low = row.point.ratioCI.lowerBound, high = try number(fields, "ratio_ci_high")
            row.point.ratioCI = min(low, high)...max(low, high)
        },
        .derived("process_wins") { (row: PointRow) in String(row.point.processWins) },
    ])

    /// breakeven.csv: `pays_off_from_task_ms` is the smallest task size at which the process mode won
    /// at some CPU share, empty when it never did. Written only.
    static let breakEvenTable = CSVTable<Crossover.BreakEven>(columns: [
        .derived("thread_mode") { $0.threadMode.rawValue },
        .derived("process_mode") { $0.processMode.rawValue },
        .derived("workers") { String($0.workers) },
        .derived("pays_off_from_task_ms") { CSVFormat.number($0.paysOffFromMilliseconds) },
        .derived("largest_task_ms") { CSVFormat.number($0.largestMeasuredMilliseconds) },
        .derived("best_ratio") { CSVFormat.number($0.bestRatio) },
        .derived("best_task_ms") { CSVFormat.number($0.bestAtMilliseconds) },
        .derived("best_cpu_share") { CSVFormat.number($0.bestAtShare) },
        .derived("finding") { CrossoverText.verdict($0) },
    ])

    /// crossover.csv's text for `points`.
    static func text(_ points: [Crossover.Point]) -> String {
        ([pointTable.header] + points.map { pointTable.fields(PointRow(point: $0), scenario: "") })
            .map(CSVFormat.line).joined()
    }

    /// breakeven.csv's text for `breakEvens`.
    static func text(_ breakEvens: [Crossover.BreakEven]) -> String {
        ([breakEvenTable.header] + breakEvens.map { breakEvenTable.fields($0, scenario: "") })
            .map(CSVFormat.line).joined()
    }

    /// The points of the rows of a crossover.csv (column name to field), in order; rows naming modes
    /// this tvp does not know are skipped, unread. The error names the column that is not a number.
    static func points(_ rows: [[String: String]]) throws(TrialRowProblem) -> [Crossover.Point] {
        var result: [Crossover.Point] = []
        for fields in rows {
            var row = PointRow(point: Crossover.Point(threadMode: .threads, processMode: .processes, workers: 0, taskMilliseconds: 0,
                                                      cpuShare: 0, threadWall: 0, processWall: 0, ratio: 0, ratioCI: 0...0))
            try pointTable.read(TrialRowFields(fields), into: &row)
            if row.isKnown { result.append(row.point) }
        }
        return result
    }

    /// The points of the crossover.csv at `path` (rows naming modes this tvp does not know are skipped).
    static func read(_ path: String) throws -> [Crossover.Point] {
        let (header, rows) = try CSVFormat.read(path)
        let missing = pointTable.requiredColumns.filter { !header.contains($0) }
        guard missing.isEmpty else {
            throw CSVFileError(path: path, problem: "not a crossover.csv written by `tvp run` (no column \(missing.joined(separator: ", ")))")
        }
        var result: [Crossover.Point] = []
        for (index, fields) in rows.enumerated() {
            do {
                result += try Self.points([fields])
            } catch {
                throw CSVFileError(path: path, problem: "line \(index + 2): \(error.column) \"\(error.text)\" is not a number")
            }
        }
        return result
    }

    /// The number in the field `column` of `fields` (any text `Double` reads, as crossover.csv's
    /// reader always took).
    fileprivate static func number(_ fields: TrialRowFields, _ column: String) throws(TrialRowProblem) -> Double {
        guard let value = Double(fields.text(column)) else { throw TrialRowProblem(column: column, text: fields.text(column), expected: "a number") }
        return value
    }
}

extension CSVColumn where Row == CrossoverCSV.PointRow {
    /// A mode of the point; a mode this tvp does not know marks the row unknown.
    fileprivate static func mode(_ name: String, _ value: WritableKeyPath<Row, Mode> & Sendable) -> CSVColumn {
        CSVColumn(name, required: true, write: { row, _ in row[keyPath: value].rawValue }) { row, fields in
            if let mode = Mode(rawValue: fields.text(name)) { row[keyPath: value] = mode } else { row.isKnown = false }
        }
    }

    /// A number of the point (`CSVFormat.number`).
    fileprivate static func number(_ name: String, _ value: WritableKeyPath<Row, Double> & Sendable, unit: CSVUnit? = nil) -> CSVColumn {
        CSVColumn(name, unit, required: true, write: { row, _ in CSVFormat.number(row[keyPath: value]) }) { row, fields throws(TrialRowProblem) in
            // A row this tvp skips is not read further.
            guard row.isKnown else { return }
            row[keyPath: value] = try CrossoverCSV.number(fields, name)
        }
    }
}
