import Foundation
import TVPAnalysis
import TVPMeasure
import TVPPlan
import TVPResults
import TVPStatistics

/// A run in hyperfine's JSON layout (`hyperfine --export-json`), so scripts written for hyperfine
/// read tvp's cells: `{"results": [...]}`, one object per cell in the order the run planned them,
/// with every counted, successful trial's wall time in seconds (`times`), their mean, sample
/// standard deviation (null with one trial), median, min and max, the mean user and system CPU
/// seconds (tvp's and its children's), one exit code per time (0: the trial succeeded), and the
/// cell as `parameters` (workload, mode, workers, tasks and the workload's own parameters, all
/// strings). `command` is the cell's label, e.g. "cpu[8MiB] threads×2".
public enum JSONExport {
    /// The JSON text of `run`'s counted trials, cell by cell.
    public static func render(_ run: RunFolder) throws -> String {
        var order: [Cell] = []
        var trials: [Cell: [TrialSample]] = [:]
        for sample in run.trials where !sample.isWarmup && sample.ok {
            if trials[sample.cell] == nil { order.append(sample.cell) }
            trials[sample.cell, default: []].append(sample)
        }
        let results: [[String: Any]] = order.map { cell in
            let samples = trials[cell] ?? []
            let times = samples.map(\.wallSeconds)
            var parameters: [String: String] = ["workload": cell.workload.name, "mode": cell.mode.rawValue,
                                                "workers": String(cell.workers), "tasks": String(cell.tasks)]
            for (name, value) in cell.workload.parameters { parameters[name] = value }
            // Only a placed cell says so: a run of `any` exports what it did before the key existed.
            if cell.affinity != .any { parameters["affinity"] = cell.affinity.rawValue }
            return [
                "command": cell.label,
                "mean": Statistics.mean(times),
                "stddev": times.count > 1 ? Statistics.standardDeviation(times) as Any : NSNull(),
                "median": Statistics.median(times),
                "user": Statistics.mean(samples.map(\.userSeconds)),
                "system": Statistics.mean(samples.map(\.systemSeconds)),
                "min": times.min() ?? 0,
                "max": times.max() ?? 0,
                "times": times,
                "exit_codes": times.map { _ in 0 },
                "parameters": parameters,
            ]
        }
        let data = try JSONSerialization.data(withJSONObject: ["results": results], options: [.prettyPrinted, .sortedKeys])
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    /// Writes `run`'s JSON to `path` whole (a temporary file renamed into place).
    public static func write(_ run: RunFolder, to path: String) throws {
        let text = try render(run)
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw ResultsError(path: path, problem: "cannot write the JSON export: \(error.localizedDescription)")
        }
    }
}
