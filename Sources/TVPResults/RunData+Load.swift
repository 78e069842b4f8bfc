import Foundation
import TVPAnalysis
import TVPMeasure
import TVPWorkloads

extension RunData {
    /// Columns a trials.csv must have for every metric `tvp compare` offers.
    static let requiredColumns = [
        "schema_version", "workload", "mode", "workers", "tasks", "warmup", "ok",
        "wall_s", "user_s", "sys_s", "max_rss_kib", "task_p50_us",
    ]

    /// Loads a run folder (which must hold trials.csv) or a trials.csv path; reads meta.json beside it if present.
    ///
    /// Throws `CSVFileError` for a file that is not readable CSV and `RunDataError` for a CSV that is not a
    /// tvp trials.csv, or has a row whose field is not what its column holds (a wall time of nan, inf,
    /// 0 or below; a negative CPU time): every row must be usable, since a summary or a comparison that
    /// silently skipped rows would compare other trials than the file's. Both name the file; a bad row
    /// also its line and column.
    public static func load(_ path: String) throws -> RunData {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw RunDataError.notFound(path: path)
        }
        let trialsURL = isDirectory.boolValue
            ? URL(fileURLWithPath: path).appendingPathComponent("trials.csv") : URL(fileURLWithPath: path)
        let trialsPath = isDirectory.boolValue ? trialsURL.path : path
        if isDirectory.boolValue, !FileManager.default.fileExists(atPath: trialsPath) {
            throw RunDataError.noTrialsFile(folder: path)
        }

        let (header, rows) = try CSVFormat.read(trialsPath)
        let missing = requiredColumns.filter { !header.contains($0) }
        guard missing.isEmpty else { throw RunDataError.missingColumns(path: trialsPath, columns: missing) }
        guard !rows.isEmpty else { throw RunDataError.noTrials(path: trialsPath) }

        var schemaVersion: Int?
        var samples: [TrialSample] = []
        samples.reserveCapacity(rows.count)
        for (index, fields) in rows.enumerated() {
            let line = index + 2  // the header is line 1
            let row = CSVFormat.currentNames(fields)
            let field = row["schema_version"] ?? ""
            guard let version = Int(field) else {
                throw RunDataError.badRow(path: trialsPath, line: line,
                                          problem: "schema_version \"\(field)\" is not a whole number")
            }
            if let first = schemaVersion, first != version {
                throw RunDataError.mixedSchemaVersions(path: trialsPath, first: first, other: version, line: line)
            }
            schemaVersion = version
            do {
                samples.append(try TrialSample(parsing: row))
            } catch {
                throw RunDataError.badRow(path: trialsPath, line: line, problem: error.description)
            }
        }

        var notes: [String] = []
        let metaPath = trialsURL.deletingLastPathComponent().appendingPathComponent("meta.json").path
        var meta: RunMeta?
        if let data = FileManager.default.contents(atPath: metaPath) {
            do {
                meta = try JSONDecoder().decode(RunMeta.self, from: data)
            } catch {
                notes.append("\(metaPath) could not be decoded (\(summary(of: error))); machines and builds were not compared")
            }
        } else {
            notes.append("no meta.json beside \(trialsPath); machines and builds were not compared")
        }
        return RunData(trialsPath: trialsPath, samples: samples, meta: meta, schemaVersion: schemaVersion!,
                       notes: notes)
    }

    /// A decoding error in one short phrase: what is wrong, and where in the JSON.
    private static func summary(of error: Error) -> String {
        func place(_ path: [CodingKey]) -> String {
            path.isEmpty ? "at the top level" : "in " + path.map { $0.intValue.map(String.init) ?? $0.stringValue }
                .joined(separator: ".")
        }
        switch error as? DecodingError {
        case .keyNotFound(let key, let context)?: return "no key \"\(key.stringValue)\" \(place(context.codingPath))"
        case .typeMismatch(_, let context)?, .valueNotFound(_, let context)?:
            return "unexpected value \(place(context.codingPath))"
        case .dataCorrupted(let context)?: return context.codingPath.isEmpty ? "not valid JSON" : "bad value \(place(context.codingPath))"
        default: return "\(error)"
        }
    }
}

/// A trials.csv (or run folder) that `tvp compare` cannot use.
public enum RunDataError: Error, CustomStringConvertible, Sendable, Equatable {
    /// Nothing exists at the path.
    case notFound(path: String)
    /// A folder without trials.csv.
    case noTrialsFile(folder: String)
    /// A CSV file without the columns of trials.csv.
    case missingColumns(path: String, columns: [String])
    /// A trials.csv with a header but no trial.
    case noTrials(path: String)
    /// A row that does not describe a trial.
    case badRow(path: String, line: Int, problem: String)
    /// Rows written with different schema versions in one file.
    case mixedSchemaVersions(path: String, first: Int, other: Int, line: Int)

    /// The problem and what to do about it.
    public var description: String {
        switch self {
        case .notFound(let path):
            "\(path): no such file or folder; pass a run folder (results/<run>/) or its trials.csv"
        case .noTrialsFile(let folder):
            "\(folder): the folder has no trials.csv; pass a run folder written by `tvp run`"
        case .missingColumns(let path, let columns):
            "\(path): not a trials.csv written by `tvp run` (no column \(columns.joined(separator: ", "))); "
                + "pass a run folder or its trials.csv (summary.csv holds no trials to compare)"
        case .noTrials(let path):
            "\(path): the file has a header but no trial (was the run stopped before its first trial ended?); "
                + "compare a run that finished at least one trial per cell"
        case .badRow(let path, let line, let problem):
            "\(path): line \(line): \(problem); tvp never writes that, so the file was edited, damaged "
                + "or written by another tool: correct or delete the line, or re-run `tvp run`"
        case .mixedSchemaVersions(let path, let first, let other, let line):
            "\(path): line \(line) has schema_version \(other) but earlier lines have \(first); "
                + "a trials.csv must come from one run of one tvp version"
        }
    }
}
