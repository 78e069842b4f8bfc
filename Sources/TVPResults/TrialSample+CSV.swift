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
