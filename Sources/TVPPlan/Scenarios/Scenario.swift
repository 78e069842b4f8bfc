import TVPWorkloads

/// A declared benchmark: the matrix of workloads × modes × workers, how often to run each cell, and
/// the claims its results should support.
public struct Scenario: Sendable, Equatable {
    /// The scenario's name, used in the run folder's name and in the CSV files.
    public var name: String
    /// One sentence on what the scenario shows.
    public var description: String
    /// Counted trials per cell.
    public var repetitions: Int
    /// Uncounted warm-up trials per cell, run before the counted ones.
    public var warmup: Int
    /// Seed of the trial order and the statistics' resampling.
    public var seed: UInt64
    /// Tasks per trial.
    public var tasks: Int
    /// The workload variants, in declaration order (a parameter given as a list makes several).
    public var workloads: [Workload]
    /// The modes to compare.
    public var modes: [Mode]
    /// The worker counts to try (`serial` always runs with 1).
    public var workers: [Int]
    /// Where the work runs (`affinity`), each value a cell of its own: `[.any]` unless swept.
    public var affinities: [Affinity] = Affinity.defaultSelection
    /// Longest one task may run, in seconds.
    public var taskTimeoutSeconds: Double
    /// `gil` modes: how long a thread may compute while another waits for the lock, milliseconds.
    public var switchIntervalMilliseconds: Double = 5
    /// The scenario's expectations, as written, with their lines.
    public var expectations: [ExpectationSource]
    /// Task counts of the workloads that set their own (`tasks` under the workload), by workload
    /// name: for every mode (key nil) or for some modes (`tasks: { threads: 100000, processes: 500 }`).
    public var taskCounts: [String: [Mode?: Int]] = [:]
    /// With a value K, a cell of W workers runs at least K × W tasks (`tasks_per_worker`): a sweep
    /// of 1 to 10,000 downloads in flight keeps every worker busy for K rounds without making the
    /// narrow cells run for hours. Speedups then compare throughput (see `Summarizer`).
    public var tasksPerWorker: Int?
    /// The widest worker count each named mode runs (`max_workers`): wider cells of that mode are
    /// left out of the matrix, e.g. process modes beyond what the machine's descriptors allow.
    public var maxWorkers: [Mode: Int] = [:]
    /// The usable CPUs the matrix was planned for: the value of `cpus` in its counts and expectations.
    public var cpus: Int = 1

    /// Tasks per trial of `workload` under `mode` with `workers`: its count for the mode, else its
    /// own count, else the scenario's; at least `tasksPerWorker × workers` when that is set.
    public func tasks(for workload: Workload, mode: Mode, workers: Int = 1) -> Int {
        let counts = taskCounts[workload.name]
        let declared = counts?[mode] ?? counts?[nil] ?? tasks
        return max(declared, (tasksPerWorker ?? 0) * workers)
    }

    /// The most tasks any mode runs of `workload` (fixtures are made for that many).
    public func maximumTasks(for workload: Workload) -> Int {
        modes.flatMap { mode in (mode == .serial ? [1] : workers).map { tasks(for: workload, mode: mode, workers: $0) } }.max() ?? tasks
    }

    /// Every cell of the matrix, in a stable order: workload, then mode, then workers, then
    /// affinity. A `shared`
    /// workload swept over `transfer` gives one in-process cell per mode, not one per transfer (a
    /// `refs` one over `graph`, one process cell); a mode that cannot run a workload has no cell of it.
    public var cells: [Cell] {
        var seen = Set<Cell>()
        return workloads.flatMap { workload in
            modes.filter { workload.runs(under: $0) }.flatMap { mode in
                (mode == .serial ? [1] : workers.filter { $0 <= maxWorkers[mode, default: .max] }).flatMap { workers in
                    affinities.map {
                        Cell(workload: workload, mode: mode, workers: workers,
                             tasks: self.tasks(for: workload, mode: mode, workers: workers), affinity: $0)
                    }
                }
            }
        }.filter { seen.insert($0).inserted }
    }
}

/// One expectation as written in a scenario file.
public struct ExpectationSource: Sendable, Equatable {
    /// The text of the expectation.
    public var text: String
    /// Its line in the scenario file.
    public var line: Int
}

/// One point of the matrix: a workload with its parameters, a mode, a worker count and a task count.
public struct Cell: Hashable, Sendable, Comparable {
    /// What each task does.
    public var workload: Workload
    /// How the tasks run.
    public var mode: Mode
    /// The mode's parallelism.
    public var workers: Int
    /// Tasks per trial.
    public var tasks: Int
    /// Where the work runs.
    public var affinity: Affinity

    /// Creates a cell. Under a mode that runs tasks inside tvp, the transfer of a workload's shared
    /// input (`shared`, a `plugin`'s) is `in-place` whatever was asked: threads read the input where
    /// it lies.
    public init(workload: Workload, mode: Mode, workers: Int, tasks: Int, affinity: Affinity = .any) {
        self.workload = mode.usesProcesses ? workload.normalized(for: mode) : workload.withTransfer(.inPlace)
        self.mode = mode
        self.workers = workers
        self.tasks = tasks
        self.affinity = affinity
    }

    /// A short readable name, e.g. "cpu[8MiB] threads×4", and "cpu[8MiB] threads×4 packed" for a
    /// placement other than `any` (so a cell of `any` keeps the name it had before the key existed,
    /// and its history).
    public var label: String {
        let base = "\(workload.label) \(mode.rawValue)×\(workers)"
        return affinity == .any ? base : "\(base) \(affinity.rawValue)"
    }

    /// The serial cell this cell's speedup is measured against: same workload, tasks and placement.
    public var serialBaseline: Cell { Cell(workload: workload, mode: .serial, workers: 1, tasks: tasks, affinity: affinity) }

    public static func < (lhs: Cell, rhs: Cell) -> Bool {
        (lhs.workload.label, lhs.mode, lhs.workers, lhs.tasks, lhs.affinity) < (rhs.workload.label, rhs.mode, rhs.workers, rhs.tasks, rhs.affinity)
    }
}

extension Cell {
    /// The cell's plugin workload, nil for built-in workloads.
    package var plugin: PluginWorkload? {
        workload.as(PluginWorkload.self)
    }
}
