import Foundation
import TVPAnalysis
import TVPMeasure
import TVPSystem

extension RunFolder {
    /// Reads the run folder `path`, or the folder of the trials.csv `path`: its meta.json, and the
    /// files of `parts`.
    ///
    /// trials.csv: throws `CSVFileError` for a file that is not readable CSV and `TrialsFileError`
    /// for a CSV that is not a tvp trials.csv, or has a row whose field is not what its column holds
    /// (a wall time of nan, inf, 0 or below; a negative CPU time): every row must be usable, since a
    /// summary or a comparison that silently skipped rows would compare other trials than the
    /// file's. Both name the file; a bad row also its line and column.
    ///
    /// summary.csv: throws `ResultsError` when the folder has none. crossover.csv comes with it; a run
    /// with `mixed` cells made before crossover.csv existed gets its crossover from trials.csv.
    ///
    /// meta.json: never throws; when it is missing or cannot be decoded, `notes` says so.
    public static func load(_ path: String, reading parts: Parts) throws -> RunFolder {
        var isDirectory: ObjCBool = false
        let isFile = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
        let trialsURL = isFile ? URL(fileURLWithPath: path) : URL(fileURLWithPath: path).appendingPathComponent("trials.csv")
        var run = RunFolder(directory: normalized(isFile ? trialsURL.deletingLastPathComponent().path : path),
                            trialsPath: isFile ? path : trialsURL.path, parts: [])
        let metaPath = trialsURL.deletingLastPathComponent().appendingPathComponent("meta.json").path
        if let data = FileManager.default.contents(atPath: metaPath) {
            do {
                run.meta = try decodeMeta(data)
            } catch {
                run.notes.append("\(metaPath) could not be decoded (\(summary(of: error))); machines and builds were not compared")
            }
        } else {
            run.notes.append("no meta.json beside \(run.trialsPath); machines and builds were not compared")
        }
        try run.read(parts, of: path)
        return run
    }

    /// Reads the files of `parts` this value does not hold yet (`load` says what each may throw).
    public mutating func read(_ parts: Parts) throws {
        try read(parts, of: directory)
    }

    /// Reads the files of `parts` not read yet from the run named `source` (a folder or its trials.csv).
    private mutating func read(_ parts: Parts, of source: String) throws {
        if parts.contains(.trials), !self.parts.contains(.trials) {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: source, isDirectory: &isDirectory) else {
                throw TrialsFileError.notFound(path: source)
            }
            if isDirectory.boolValue, !FileManager.default.fileExists(atPath: trialsPath) {
                throw TrialsFileError.noTrialsFile(folder: source)
            }
            (trials, schemaVersion) = try TrialsCSV.read(trialsPath)
            self.parts.insert(.trials)
        }
        if parts.contains(.summary), !self.parts.contains(.summary) {
            let summaryPath = "\(Self.normalized(source))/summary.csv"
            guard Files.exists(summaryPath) else {
                throw ResultsError(path: summaryPath, problem: "does not exist: is this a tvp run folder, and did the run finish?")
            }
            (summary, scenario) = try SummaryCSV.read(summaryPath)
            self.parts.insert(.summary)
            if Files.exists(path("crossover.csv")) {
                crossover = try CrossoverCSV.read(path("crossover.csv"))
            } else if summary.contains(where: { $0.workload == "mixed" }), Files.exists(path("trials.csv")) {
                try read(.trials)
                crossover = Crossover.points(trials, seed: meta?.seed ?? 42)
            }
        }
    }

    /// The meta.json of the run folder `directory`, nil when there is none; throws when it cannot be decoded.
    public static func meta(in directory: String) throws -> RunMeta? {
        let path = "\(directory)/meta.json"
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        return try decodeMeta(Data(contentsOf: URL(fileURLWithPath: path)))
    }

    /// A meta.json's text as a value: the one place meta.json is decoded.
    public static func decodeMeta(_ data: Data) throws -> RunMeta {
        try JSONDecoder().decode(RunMeta.self, from: data)
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
public enum TrialsFileError: Error, CustomStringConvertible, Sendable, Equatable {
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
