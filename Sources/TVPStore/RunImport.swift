import Foundation
import TVPAnalysis
import TVPMeasure
import TVPPlan
import TVPResults

/// A finished run folder ready to be stored: its meta.json, every trials.csv and summary.csv row as
/// written, and the labels given on the command line.
///
/// The one place the store reads a run folder (`load`), so that it follows the results layer's reader.
public struct RunImport: Sendable {
    /// The run folder, without a trailing slash.
    public var folder: String
    /// What identifies the run in a store: its start, its scenario's SHA-256 and its host. The same
    /// folder imported twice, or copied elsewhere, has the same key.
    public var key: String
    /// meta.json.
    public var meta: RunMeta
    /// The machine kind that made the run.
    public var machineKind: MachineKind
    /// trials.csv's header, and each row keyed by column, in file order.
    public var trialColumns: [String]
    /// The rows of trials.csv.
    public var trialRows: [[String: String]]
    /// Each trial row's cell, in the same order.
    public var trialCells: [Cell]
    /// summary.csv's header (empty when the run has none).
    public var summaryColumns: [String]
    /// The rows of summary.csv.
    public var summaryRows: [[String: String]]
    /// `--label key=value` labels.
    public var labels: [String: String]

    /// Reads the run folder (or its trials.csv) at `path`; it must hold trials.csv and meta.json.
    public static func load(_ path: String, labels: [String: String] = [:]) throws -> RunImport {
        let run = try RunFolder.load(path, reading: .trials)
        let folder = RunFolder.normalized((run.trialsPath as NSString).deletingLastPathComponent)
        guard let meta = run.meta else {
            throw StoreError.unusableRun(folder: folder, reason: "no readable meta.json (\(run.notes.joined(separator: "; "))): "
                + "the store files each run under its machine kind, which meta.json records")
        }
        let trials = try CSVRows.read(run.trialsPath)
        let summaryPath = "\(folder)/summary.csv"
        let summary = FileManager.default.fileExists(atPath: summaryPath) ? try CSVRows.read(summaryPath) : (header: [], rows: [])
        return RunImport(
            folder: folder, key: "\(meta.startedAt)|\(meta.scenarioSHA256)|\(meta.machine.hostname)", meta: meta,
            machineKind: MachineKind(meta.machine), trialColumns: trials.header, trialRows: trials.rows,
            trialCells: run.trials.map(\.cell), summaryColumns: summary.header, summaryRows: summary.rows, labels: labels)
    }
}

/// The key a cell is stored under, e.g. "cpu[8MiB] threads×4/32" (label / tasks).
public func storedCellKey(_ cell: Cell) -> String { "\(cell.label)/\(cell.tasks)" }
