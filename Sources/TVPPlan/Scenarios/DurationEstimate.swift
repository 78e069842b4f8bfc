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
        var compute = 0.0, wait = 0.0
        switch cell.workload {
        case .null: break
        case .cpu(let cpu): compute = Double(cpu.bytesPerTask) / 300e6
        case .io(let io):
            wait = Double(io.sleepNanoseconds) / 1e9
            compute = Double(io.filesPerTask * io.fileSize) / 1e9
        case .shared(let shared):
            // Hashing, plus a copy at ~1 GB/s when the slice is shipped.
            compute = Double(shared.inputSize) / Double(max(1, cell.tasks)) * (1 / 300e6 + (shared.transfer == .inPlace ? 0 : 1 / 1e9))
        case .mixed(let mixed):
            compute = Double(mixed.taskNanoseconds) / 1e9 * mixed.cpuShare
            wait = Double(mixed.sleepNanoseconds) / 1e9
        case .tally, .alloc, .refs:
            // A contended lock costs up to ~100 ns per update on 2 cores.
            compute = Double(cell.workload.updatesPerTask ?? 0) * 100e-9
        case .plugin:
            // Unknown until it runs: counted as 10 ms of computing per task.
            compute = 0.01
        case .download(let download):
            // The server's latency, then a connection, a request and the body hashed on both sides.
            wait = Double(download.latencyNanoseconds) / 1e9
            compute = 200e-6 + Double(download.fileSize) / 300e6
        }
        if cell.mode.usesProcesses { compute += 0.003 }
        let tasks = Double(cell.tasks)
        let lanes = Double(max(1, cell.workers))
        // Under `gil` only one thread computes at a time, however many there are.
        let computeLanes = cell.mode == .gil ? 1 : min(lanes, Double(usableCPUs))
        return tasks * compute / computeLanes + tasks * wait / lanes
    }
}
