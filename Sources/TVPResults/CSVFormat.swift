import CSV
import Foundation
import TVPMeasure

/// The CSV conventions of every file tvp writes: a fixed header, RFC 4180 quoting, LF line ends.
enum CSVFormat {
    /// The schema of trials.csv and summary.csv; a change of columns bumps it.
    static var schemaVersion: Int { TrialSchema.version }

    /// Columns schema 4 renamed, old name to new: a process's start-up is its *spawn*, a pool's
    /// start-up phase is its *pool start*.
    static let renamedColumns = [
        "startup_p50_us": "spawn_p50_us",
        "startup_max_us": "spawn_max_us",
        "setup_s": "pool_start_s",
        "setup_median_s": "pool_start_median_s",
    ]

    /// `row` (of trials.csv or summary.csv, any readable schema) under the current column names.
    static func currentNames(_ row: [String: String]) -> [String: String] {
        var result = row
        for (old, new) in renamedColumns {
            if let value = result.removeValue(forKey: old), result[new] == nil { result[new] = value }
        }
        return result
    }

    /// One CSV line (newline included) with the fields quoted where RFC 4180 requires.
    static func line(_ fields: [String]) -> String {
        let writer = try! CSVWriter(stream: .toMemory())
        try! writer.write(row: fields)
        writer.stream.close()
        let data = writer.stream.property(forKey: .dataWrittenToMemoryStreamKey) as! Data
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    /// A number with up to 9 significant digits, no exponent for ordinary magnitudes.
    static func number(_ value: Double) -> String {
        guard value.isFinite else { return "" }
        if value == 0 { return "0" }
        return String(format: "%.9g", value)
    }

    /// A whole number (a count, a byte total) as one, `1048576` rather than `1.04857600e+06`;
    /// anything else as `number`.
    static func whole(_ value: Double) -> String {
        guard value.isFinite, value == value.rounded(), abs(value) < 9e18 else { return number(value) }
        return String(Int(value))
    }

    /// A number, or an empty field when there is none.
    static func number(_ value: Double?) -> String { value.map(number) ?? "" }

    /// Reads a whole CSV file with a header row; each row as a dictionary from column to field.
    static func read(_ path: String) throws -> (header: [String], rows: [[String: String]]) {
        // The whole file is read first: on Linux, InputStream reports bytes available at end of file,
        // and CSV.swift then records a read error after the last row.
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CSVFileError(path: path, problem: "cannot open the file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw CSVFileError(path: path, problem: "not UTF-8 text: is this a CSV file?")
        }
        let reader: CSVReader
        do {
            reader = try CSVReader(string: text, hasHeaderRow: true)
        } catch {
            throw CSVFileError(path: path, problem: "not a CSV file (\(error))")
        }
        guard let header = reader.headerRow, !header.isEmpty, header != [""] else {
            throw CSVFileError(path: path, problem: "the file is empty: no header row")
        }
        var rows: [[String: String]] = []
        var line = 1
        while let fields = reader.next() {
            line += 1
            guard fields.count == header.count else {
                throw CSVFileError(path: path, problem: "line \(line) has \(fields.count) fields, the header has \(header.count) (truncated or foreign file?)")
            }
            rows.append(Dictionary(uniqueKeysWithValues: zip(header, fields)))
        }
        if let error = reader.error {
            throw CSVFileError(path: path, problem: "malformed CSV near line \(line + 1): \(error)")
        }
        return (header, rows)
    }
}

/// A CSV file that could not be read.
public struct CSVFileError: Error, CustomStringConvertible, Sendable {
    /// The file.
    public var path: String
    /// What was wrong with it.
    public var problem: String
    public var description: String { "\(path): \(problem)" }
}
