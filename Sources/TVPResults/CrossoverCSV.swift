import TVPAnalysis
import TVPPlan
/// The columns of crossover.csv (one row per thread mode, process mode, workers, task size and CPU
/// share of the `mixed` workload) and breakeven.csv (one row per pair of modes).
public enum CrossoverCSV {
    /// crossover.csv: `ratio` is the thread mode's median wall time ÷ the process mode's; above 1
    /// the process mode was faster.
    public static let pointHeader = [
        "thread_mode", "process_mode", "workers", "task_ms", "cpu_share", "thread_wall_s", "process_wall_s",
        "ratio", "ratio_ci_low", "ratio_ci_high", "process_wins",
    ]
    /// breakeven.csv: `pays_off_from_task_ms` is the smallest task size at which the process mode won
    /// at some CPU share, empty when it never did.
    public static let breakEvenHeader = [
        "thread_mode", "process_mode", "workers", "pays_off_from_task_ms", "largest_task_ms", "best_ratio",
        "best_task_ms", "best_cpu_share", "finding",
    ]
}

extension CrossoverCSV {
    /// The points of the crossover.csv at `path` (rows naming modes this tvp does not know are skipped).
    static func read(_ path: String) throws -> [Crossover.Point] {
        let (header, rows) = try CSVFormat.read(path)
        let missing = pointHeader.filter { !header.contains($0) }
        guard missing.isEmpty else {
            throw CSVFileError(path: path, problem: "not a crossover.csv written by `tvp run` (no column \(missing.joined(separator: ", ")))")
        }
        return try rows.enumerated().compactMap { index, row in
            func number(_ column: String) throws -> Double {
                guard let value = Double(row[column] ?? "") else {
                    throw CSVFileError(path: path, problem: "line \(index + 2): \(column) \"\(row[column] ?? "")\" is not a number")
                }
                return value
            }
            guard let threadMode = Mode(rawValue: row["thread_mode"] ?? ""), let processMode = Mode(rawValue: row["process_mode"] ?? ""),
                  let workers = Int(row["workers"] ?? "") else { return nil }
            let low = try number("ratio_ci_low"), high = try number("ratio_ci_high")
            return Crossover.Point(
                threadMode: threadMode, processMode: processMode, workers: workers,
                taskMilliseconds: try number("task_ms"), cpuShare: try number("cpu_share"),
                threadWall: try number("thread_wall_s"), processWall: try number("process_wall_s"),
                ratio: try number("ratio"), ratioCI: min(low, high)...max(low, high))
        }
    }
}
