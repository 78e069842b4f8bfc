import TVPSystem
import TVPWorkloads

/// Everything an executor needs to run one trial's tasks.
public struct ExecutionRequest: Sendable {
    /// What each task does.
    public var workload: Workload
    /// The data the tasks read: `io` fixture files, or where the `shared` input lies for this trial.
    public var input: TaskInput
    /// How many tasks, numbered 0..<tasks.
    public var tasks: Int
    /// The mode's parallelism.
    public var workers: Int
    /// Longest a single task may run before it is killed (process modes) or the trial is abandoned.
    public var taskTimeoutSeconds: Double
    /// `gil` modes: how long a thread computes while another waits before it must hand the lock
    /// over, in nanoseconds (CPython's `sys.getswitchinterval()`, 5 ms).
    public var switchIntervalNanoseconds: UInt64

    /// Creates a request.
    public init(workload: Workload, input: TaskInput = .none, tasks: Int, workers: Int, taskTimeoutSeconds: Double = 300,
                switchIntervalNanoseconds: UInt64 = 5_000_000) {
        self.workload = workload
        self.input = input
        self.tasks = tasks
        self.workers = workers
        self.taskTimeoutSeconds = taskTimeoutSeconds
        self.switchIntervalNanoseconds = switchIntervalNanoseconds
    }
}

/// What happened to one task.
public struct TaskOutcome: Sendable {
    /// The task's digest, nil when it failed.
    public var digest: TaskDigest?
    /// Why it failed, nil when it succeeded.
    public var error: String?
    /// How long the task itself ran, in nanoseconds (a process's spawn excluded).
    public var durationNanoseconds: UInt64
    /// For process modes: from the spawn call to the worker's first instruction, in nanoseconds.
    public var spawnNanoseconds: UInt64?
    /// How long the task spent obtaining its input (`shared` under a transfer), within its duration.
    public var transferNanoseconds: UInt64 = 0
    /// The process that ran it.
    public var processID: Int32
    /// The thread that ran it (distinct among the threads alive during the trial).
    public var threadID: UInt

    /// A task that produced `digest`.
    public static func success(_ digest: TaskDigest, duration: UInt64, spawn: UInt64? = nil, transfer: UInt64 = 0,
                               processID: Int32 = TaskOutcome.ownProcessID, threadID: UInt = currentThreadID()) -> TaskOutcome {
        TaskOutcome(digest: digest, error: nil, durationNanoseconds: duration, spawnNanoseconds: spawn,
                    transferNanoseconds: transfer, processID: processID, threadID: threadID)
    }

    /// tvp's own pid, read once (`getpid` is a system call; in-process tasks would pay it each).
    public static let ownProcessID = currentProcessID()

    /// A task that failed with `message`.
    public static func failure(_ message: String, duration: UInt64 = 0, processID: Int32 = 0) -> TaskOutcome {
        TaskOutcome(digest: nil, error: message, durationNanoseconds: duration, spawnNanoseconds: nil,
                    processID: processID, threadID: 0)
    }

    /// A task that never ran.
    static let notRun = TaskOutcome.failure("task did not run")
}

/// The result of running all tasks of a trial.
public struct ExecutionResult: Sendable {
    /// One outcome per task, in task-index order.
    public var outcomes: [TaskOutcome]
    /// Resource usage of the child processes the trial reaped (`wait4`), `maxRSSKiB` the largest child.
    public var childUsage = ResourceUsage()
    /// Processes spawned during the trial.
    public var processesSpawned = 0
    /// Threads the executor created during the trial.
    public var threadsCreated = 0
    /// Pool modes: the pool start inside the trial (creating the threads; spawning the workers
    /// until each is ready), in nanoseconds; nil for modes without a pool.
    public var poolStartNanoseconds: UInt64?
    /// Bytes shipped to worker processes (`shared` under a transfer); 0 when tasks read in place.
    public var bytesTransferred = 0
    /// The most OS threads this process had in the samples taken while the tasks ran (at most one
    /// per 10 ms, plus one when a pool's threads have all started); 0 when no sample was taken.
    /// `TrialMeasurer` adds samples from just before and after the trial.
    public var osThreadsMax = 0
    /// `gil` modes: what the lock recorded; nil for other modes.
    public var gil: GILStatistics?
    /// Why the executor gave up and left work running that it cannot stop, when it did: the run must end.
    public var abandoned: String?

    /// Creates a result from per-task outcomes.
    public init(outcomes: [TaskOutcome]) { self.outcomes = outcomes }

    /// The combined digest, or nil when a task failed.
    public var combinedDigest: TaskDigest? {
        let digests = outcomes.compactMap(\.digest)
        guard digests.count == outcomes.count else { return nil }
        return TaskDigest.combining(digests)
    }

    /// The errors, joined, for the `error` column: each distinct message once, with the tasks it
    /// befell (the first three messages); nil when every task succeeded.
    public var errorSummary: String? {
        if let abandoned { return abandoned }
        var order: [String] = [], tasks: [String: [Int]] = [:]
        for (index, outcome) in outcomes.enumerated() {
            guard let error = outcome.error else { continue }
            if tasks[error] == nil { order.append(error) }
            tasks[error, default: []].append(index)
        }
        guard !order.isEmpty else { return nil }
        let shown = order.prefix(3).map { message in
            let list = tasks[message] ?? []
            let which = list.count == 1 ? "task \(list[0])" : list.count <= 4 ? "tasks " + list.map(String.init).joined(separator: ", ")
                : "\(list.count) tasks (\(list[0]), \(list[1]), …)"
            return "\(which): \(message)"
        }
        let more = order.count > 3 ? " (and \(order.count - 3) more errors)" : ""
        return shown.joined(separator: "; ") + more
    }
}

/// Runs the tasks of one trial in one mode.
public protocol Executor: Sendable {
    /// Runs every task of `request` and returns their outcomes.
    func run(_ request: ExecutionRequest) -> ExecutionResult
}

extension Mode {
    /// The executor of this mode; process modes spawn `workerPath`.
    public func executor(workerPath: String) -> any Executor {
        switch self {
        case .serial: SerialExecutor()
        case .threads: ThreadPoolExecutor()
        case .processes: ProcessExecutor(workerPath: workerPath)
        case .processPool: ProcessPoolExecutor(workerPath: workerPath)
        case .gil: GILExecutor(releasesLockWhileHashing: false)
        case .gilRelease: GILExecutor(releasesLockWhileHashing: true)
        case .async: AsyncExecutor()
        }
    }
}

/// Runs task `index` on a runner and times it.
func timedTask(_ runner: inout TaskRunner, index: Int) -> TaskOutcome {
    let start = MonotonicInstant.now()
    do {
        let digest = try runner.run(task: index)
        return .success(digest, duration: MonotonicInstant.now().nanoseconds &- start.nanoseconds,
                        transfer: runner.lastTransferNanoseconds)
    } catch {
        return .failure("\(error)", duration: MonotonicInstant.now().nanoseconds &- start.nanoseconds)
    }
}
