import Foundation
import TVPWorkloads

/// A rough forecast of how long a scenario runs, so a matrix that would take hours is caught before
/// it starts. It errs long: hashing at 300 MB/s per core, 3 ms to start a worker process.
public enum DurationEstimate {
    /// Runs longer than this need `--yes`.
    public static let confirmationSeconds = 3_600.0

    /// Seconds the whole scenario is expected to take on `usableCPUs` CPUs.
    public static func seconds(_ scenario: Scenario, usableCPUs: Int) -> Double {
        let trialsPerCell = Double(scenario.warmup + scenario.repetitions)
        return scenario.cells.reduce(0) { $0 + trialSeconds($1, usableCPUs: usableCPUs) * trialsPerCell }
    }

    /// Seconds one trial of `cell` is expected to take.
    static func trialSeconds(_ cell: Cell, usableCPUs: Int) -> Double {
        var (compute, wait) = cell.workload.kind.estimatedTaskSeconds(tasks: cell.tasks)
        if cell.mode.usesProcesses { compute += 0.003 }
        let tasks = Double(cell.tasks)
        let lanes = Double(max(1, cell.workers))
        // Under `gil` only one thread computes at a time, however many there are.
        let computeLanes = cell.mode == .gil ? 1 : min(lanes, Double(usableCPUs))
        return tasks * compute / computeLanes + tasks * wait / lanes
    }
}
