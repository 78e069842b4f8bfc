import Foundation
import TVPSystem
import TVPAnalysis
import TVPMeasure

/// What a finished run folder holds, read once for its charts and its report.md. Reading never
/// writes: values the run's files lack (the crossover of a run made before crossover.csv existed)
/// are computed in memory.
public struct RunFolder: Sendable {
    /// The run folder.
    public var directory: String
    /// summary.csv, in file order.
    public var summary: [SummaryRow]
    /// meta.json; nil when absent or unreadable (`notes` says which).
    public var meta: RunMeta?
    /// The crossover of the run's `mixed` cells: crossover.csv, else computed from trials.csv.
    public var crossover: [Crossover.Point]
    /// Remarks made while reading, for the report.
    public var notes: [String]

    /// A run assembled from values (tests).
    public init(directory: String, summary: [SummaryRow], meta: RunMeta? = nil,
                crossover: [Crossover.Point] = [], notes: [String] = []) {
        self.directory = directory
        self.summary = summary
        self.meta = meta
        self.crossover = crossover
        self.notes = notes
    }

    /// Reads the run folder `directory`, which must hold summary.csv.
    public static func load(_ path: String) throws -> RunFolder {
        let directory = normalized(path)
        let summaryPath = "\(directory)/summary.csv"
        guard Files.exists(summaryPath) else {
            throw ResultsError(path: summaryPath, problem: "does not exist: is this a tvp run folder, and did the run finish?")
        }
        var folder = RunFolder(directory: directory, summary: try SummaryRow.read(summaryPath))
        let metaPath = "\(directory)/meta.json"
        if let data = FileManager.default.contents(atPath: metaPath) {
            do {
                folder.meta = try JSONDecoder().decode(RunMeta.self, from: data)
            } catch {
                folder.notes.append("meta.json could not be decoded (\(error)): the machine and the expectations are unknown")
            }
        } else {
            folder.notes.append("no meta.json: the machine and the expectations are unknown")
        }
        let crossoverPath = "\(directory)/crossover.csv"
        if Files.exists(crossoverPath) {
            folder.crossover = try CrossoverCSV.read(crossoverPath)
        } else if folder.summary.contains(where: { $0.workload == "mixed" }), Files.exists("\(directory)/trials.csv") {
            let run = try RunData.load(directory)
            folder.crossover = Crossover.points(run.samples, seed: folder.meta?.seed ?? 42)
        }
        return folder
    }

    /// `path` without trailing slashes (`results/run/` → `results/run`), so that the paths built
    /// from it and printed read cleanly.
    public static func normalized(_ path: String) -> String {
        var result = Substring(path)
        while result.count > 1 && result.hasSuffix("/") { result = result.dropLast() }
        return String(result)
    }

    /// The path of a file of the run, e.g. `charts/speedup.png`.
    public func path(_ relative: String) -> String { "\(directory)/\(relative)" }
}
