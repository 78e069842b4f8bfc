import Foundation
import TVPSystem
import TVPAnalysis
import TVPMeasure

/// The one place that writes a run's files (charts/ is ChartRenderer's): it creates the run folder,
/// appends each trial to trials.csv as it ends, and replaces summary.csv, meta.json, crossover.csv,
/// breakeven.csv and report.md atomically (temporary name, then rename), so a reader never sees
/// half a file.
///
/// trials.csv gets a row whole or not at all, and keeps a reserve of disk space past its end
/// (`reserveBytes`): when the disk fills up, the reserve is what summary.csv and meta.json are
/// written into (`spaceProblem` says the run must stop; `releaseReserve` hands the space back).
public final class ResultsWriter {
    /// The run folder, `<out>/<UTC timestamp>-<scenario>`.
    public let directory: String
    /// The name of the run's scenario, in every row.
    public let scenario: String
    private let trials: AppendOnlyFile

    /// Disk space trials.csv keeps past its end for the run's last files.
    public static let reserveBytes = 1 << 20

    /// trials.csv's path.
    public var trialsPath: String { trials.path }

    /// Creates a new run folder under `outDirectory` (creating that too) and trials.csv with its
    /// header. An existing run folder is never reused; an empty `outDirectory` is refused.
    public init(outDirectory: String, scenarioName: String, startedAt: Date = Date()) throws {
        let candidate = try Self.makeFolder(outDirectory: outDirectory, name: scenarioName, startedAt: startedAt)
        directory = candidate
        scenario = scenarioName
        do {
            trials = try AppendOnlyFile(path: "\(candidate)/trials.csv", reserveBytes: Self.reserveBytes)
            try trials.append(CSVFormat.line(TrialsCSV.header))
        } catch {
            Files.removeTree(candidate)
            throw ResultsError(path: "\(candidate)/trials.csv", problem: "cannot write: \(error)")
        }
    }

    /// Creates a new folder `<out>/<UTC timestamp>-<name>` (creating `outDirectory` too), with a
    /// numbered suffix when that name is taken: a folder is never reused; an empty `outDirectory`
    /// is refused (it would put the folder at `/`). Returns its path.
    public static func makeFolder(outDirectory: String, name: String, startedAt: Date = Date()) throws -> String {
        guard !outDirectory.isEmpty else {
            throw ResultsError(path: "--out", problem: "the output folder is an empty string; name a folder for the run folders, e.g. `--out results`")
        }
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.locale = Locale(identifier: "en_US_POSIX")
        let stem = "\(outDirectory)/\(formatter.string(from: startedAt))-\(name)"
        do {
            try Files.makeDirectories(outDirectory)
        } catch {
            throw ResultsError(path: outDirectory, problem: "cannot create the output folder: \(error)")
        }
        var candidate = stem, suffix = 1
        do {
            while try !Files.makeNewDirectory(candidate) {
                suffix += 1
                candidate = "\(stem)-\(suffix)"
            }
        } catch {
            throw ResultsError(path: candidate, problem: "cannot create the run folder: \(error)")
        }
        return candidate
    }

    /// Writes `text` as the file `name` in `directory`, atomically (a reader never sees half of it).
    public static func writeFile(_ text: String, name: String, in directory: String) throws {
        try writeAtomically(Data(text.utf8), name: name, in: directory)
    }

    /// Appends one trial's row to trials.csv, written whole; when it throws, the row is not in the file.
    public func append(_ trial: TrialSample) throws {
        do {
            try trials.append(CSVFormat.line(TrialsCSV.fields(trial, scenario: scenario)))
        } catch {
            throw ResultsError(path: trials.path, problem: "cannot write the trial's row: \(error)")
        }
    }

    /// Why no further row should be written, once the disk has (nearly) filled up: trials.csv
    /// could not top up its reserve, and handed it back for summary.csv and meta.json.
    public var spaceProblem: String? {
        guard trials.isLowOnSpace else { return nil }
        let free = FileSystem.freeBytes(directory).map { "\($0 >> 10) KiB" } ?? "almost nothing"
        return "the disk is full (\(free) free after the reserve of \(Self.reserveBytes >> 10) KiB for the last files was handed back); the run stops with every finished row whole: free space there, or choose another --out"
    }

    /// Hands trials.csv's reserve back to the file system, before the run's last files are written.
    public func releaseReserve() { trials.releaseReserve() }

    /// Writes summary.csv.
    public func writeSummary(_ summaries: [CellSummary]) throws {
        let text = ([SummaryCSV.header] + summaries.map { SummaryCSV.fields($0, scenario: scenario) })
            .map(CSVFormat.line).joined()
        try writeAtomically(Data(text.utf8), name: "summary.csv")
    }

    /// Writes crossover.csv and breakeven.csv (runs with `mixed` cells of a thread and a process
    /// mode; nothing without points). Only `tvp run` writes them: plotting an old run never does.
    public func writeCrossover(_ points: [Crossover.Point], _ breakEvens: [Crossover.BreakEven]) throws {
        guard !points.isEmpty else { return }
        try writeAtomically(Data(CrossoverCSV.text(points).utf8), name: "crossover.csv")
        try writeAtomically(Data(CrossoverCSV.text(breakEvens).utf8), name: "breakeven.csv")
    }

    /// The run folder this writer wrote, as a value: `meta`, and `trials`, `summaries` and the
    /// crossover `points` each passed through its file's columns in memory, so that they hold what
    /// the files hold (numbers to their 9 significant digits, cells by their written names). The
    /// charts, report.md and JSON export a run makes from it are then the ones `tvp plot`, `tvp
    /// report` and `tvp export` make from the folder later, and no file is read back.
    public func written(meta: RunMeta, trials: [TrialSample], summaries: [CellSummary], crossover points: [Crossover.Point]) -> RunFolder {
        func row(_ header: [String], _ fields: [String]) -> [String: String] {
            Dictionary(zip(header, fields), uniquingKeysWith: { first, _ in first })
        }
        let trialsHeader = TrialsCSV.header, summaryHeader = SummaryCSV.header
        var written = trials.map { trial in
            // A trial whose row tvp could not read back (no other reader could either) stays as measured.
            (try? TrialsCSV.trial(row(trialsHeader, TrialsCSV.fields(trial, scenario: scenario)))) ?? trial
        }
        for index in written.indices { written[index].abandonedRun = trials[index].abandonedRun }
        return RunFolder(
            directory: directory, trialsPath: trialsPath, meta: meta, trials: written,
            summary: summaries.map { SummaryCSV.summary(row(summaryHeader, SummaryCSV.fields($0, scenario: scenario))) ?? $0 },
            scenario: summaries.isEmpty ? nil : scenario,
            crossover: (try? CrossoverCSV.points(points.map { point in
                row(CrossoverCSV.pointTable.header, CrossoverCSV.pointTable.fields(CrossoverCSV.PointRow(point: point), scenario: ""))
            })) ?? points)
    }

    /// Writes report.md into the run folder `directory` (new or old: `tvp report` rewrites it, and
    /// nothing else of an old run).
    public static func writeReport(_ text: String, runDirectory directory: String) throws {
        try writeAtomically(Data(text.utf8), name: "report.md", in: directory)
    }

    /// Writes meta.json.
    public func writeMeta(_ meta: RunMeta) throws {
        try Self.writeMeta(meta, in: directory)
    }

    /// Writes meta.json into the run folder `directory`: for a supervising tvp that marks the run
    /// its measuring process left unfinished, or a run that finds a killed run's folder.
    public static func writeMeta(_ meta: RunMeta, in directory: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try writeAtomically(try encoder.encode(meta) + Data("\n".utf8), name: "meta.json", in: directory)
    }

    private func writeAtomically(_ data: Data, name: String) throws {
        try Self.writeAtomically(data, name: name, in: directory)
    }

    private static func writeAtomically(_ data: Data, name: String, in directory: String) throws {
        let path = "\(directory)/\(name)"
        do {
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw ResultsError(path: path, problem: "cannot write: \(Self.reason(error))")
        }
    }

    private static func reason(_ error: Error) -> String {
        if let underlying = (error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError {
            return "\(underlying.localizedDescription) (errno \(underlying.code))"
        }
        return error.localizedDescription
    }
}

/// A results file or folder that could not be written.
public struct ResultsError: Error, CustomStringConvertible, Sendable {
    /// The path.
    public var path: String
    /// What went wrong.
    public var problem: String
    public var description: String { "\(path): \(problem)" }

    /// Creates the value from its parts.
    public init(path: String, problem: String) {
        self.path = path
        self.problem = problem
    }
}
