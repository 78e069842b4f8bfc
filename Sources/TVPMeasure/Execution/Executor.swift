import TVPSystem
import TVPWorkloads
import TVPPlan

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
    /// Where the workers run (`affinity`): `.any` sets no mask.
    public var placement: Placement

    /// Creates a request.
    public init(workload: Workload, input: TaskInput = .none, tasks: Int, workers: Int, taskTimeoutSeconds: Double = 300,
                switchIntervalNanoseconds: UInt64 = 5_000_000, placement: Placement = .any) {
        self.workload = workload
        self.input = input
        self.tasks = tasks
        self.workers = workers
        self.taskTimeoutSeconds = taskTimeoutSeconds
        self.switchIntervalNanoseconds = switchIntervalNanoseconds
        self.placement = placement
    }
}

/// What happened to one task.
///
/// A `threads` trial writes one per task into fresh memory inside its clock, so the layout is kept
/// small (80 bytes, from 112): the rare parts (an error, a worker's output) live in one reference,
/// nil for every task that succeeded without output, and "no spawn time" is a reserved value.
public struct TaskOutcome: Sendable {
    private var storedDigest: TaskDigest
    /// How long the task itself ran, in nanoseconds (a process's spawn excluded).
    public var durationNanoseconds: UInt64
    private var storedSpawn: UInt64
    /// How long the task spent obtaining its input (`shared` under a transfer), within its duration.
    public var transferNanoseconds: UInt64 = 0
    /// The thread that ran it (distinct among the threads alive during the trial).
    public var threadID: UInt
    private var rare: Rare?
    /// The process that ran it.
    public var processID: Int32
    private var hasDigest: Bool

    /// An error and a worker's output: what few tasks have.
    private final class Rare: Sendable {
        let error: String?
        let output: [UInt8]?
        init(error: String?, output: [UInt8]?) { self.error = error; self.output = output }
    }

    private static let noSpawn = UInt64.max

    init(digest: TaskDigest?, error: String?, durationNanoseconds: UInt64, spawnNanoseconds: UInt64?,
         transferNanoseconds: UInt64 = 0, processID: Int32, threadID: UInt, output: [UInt8]? = nil) {
        storedDigest = digest ?? .zero
        hasDigest = digest != nil
        self.durationNanoseconds = durationNanoseconds
        storedSpawn = spawnNanoseconds ?? Self.noSpawn
        self.transferNanoseconds = transferNanoseconds
        self.threadID = threadID
        self.processID = processID
        rare = error == nil && output == nil ? nil : Rare(error: error, output: output)
    }

    /// Makes this outcome a success with no output, where it lies: what `.success` builds, without
    /// building an outcome and copying it in (the process pool records one per task this way).
    mutating func succeed(_ digest: TaskDigest, duration: UInt64, spawn: UInt64?, transfer: UInt64, processID: Int32, threadID: UInt) {
        storedDigest = digest
        hasDigest = true
        durationNanoseconds = duration
        storedSpawn = spawn ?? Self.noSpawn
        transferNanoseconds = transfer
        self.threadID = threadID
        self.processID = processID
        if rare != nil { rare = nil }
    }

    /// The task's digest, nil when it failed.
    public var digest: TaskDigest? {
        get { hasDigest ? storedDigest : nil }
        set { storedDigest = newValue ?? .zero; hasDigest = newValue != nil }
    }

    /// Why it failed, nil when it succeeded.
    public var error: String? {
        get { rare?.error }
        set { rare = newValue == nil && output == nil ? nil : Rare(error: newValue, output: output) }
    }

    /// For process modes: from the spawn call to the worker's first instruction, in nanoseconds.
    public var spawnNanoseconds: UInt64? {
        get { storedSpawn == Self.noSpawn ? nil : storedSpawn }
        set { storedSpawn = newValue ?? Self.noSpawn }
    }

    /// What a worker process sent back besides the digest: its `local` tally counts; nil otherwise.
    public var output: [UInt8]? {
        get { rare?.output }
        set { rare = error == nil && newValue == nil ? nil : Rare(error: error, output: newValue) }
    }

    /// A task that produced `digest`.
    public static func success(_ digest: TaskDigest, duration: UInt64, spawn: UInt64? = nil, transfer: UInt64 = 0,
                               processID: Int32 = TaskOutcome.ownProcessID, threadID: UInt = currentThreadID(),
                               output: [UInt8]? = nil) -> TaskOutcome {
        TaskOutcome(digest: digest, error: nil, durationNanoseconds: duration, spawnNanoseconds: spawn,
                    transferNanoseconds: transfer, processID: processID, threadID: threadID, output: output)
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
    /// `tally`: the trial's final table, merged once the tasks ended (`Executor.runTrial`).
    public var tally: TallyTotals?
    /// What the trial's companion recorded (`responsiveness`: its foreground's wake-ups); nil for a
    /// workload without one, and when it could not run or was let go with abandoned tasks.
    public var companion: CompanionReport?
    /// A conversation (`message`): the round trips its asking parties timed, merged once the tasks
    /// ended; nil for other workloads and when no task sent any.
    public var roundTrips: RoundTripHistogram?

    /// Creates a result from per-task outcomes.
    public init(outcomes: [TaskOutcome]) { self.outcomes = outcomes }

    /// The combined digest, or nil when a task failed: the digest of the final table for `tally`,
    /// of the task digests in task order for every other workload.
    public var combinedDigest: TaskDigest? {
        let digests = outcomes.compactMap(\.digest)
        guard digests.count == outcomes.count else { return nil }
        return tally?.digest ?? TaskDigest.combining(digests)
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
    /// Runs every task of `request` with the workload's companion beside them, as this mode runs a
    /// foreground (`CompanionRun`): by default on a thread of its own, started before the tasks
    /// and stopped when they end.
    func runWithCompanion(_ request: ExecutionRequest) -> ExecutionResult
}

extension Executor {
    public func runWithCompanion(_ request: ExecutionRequest) -> ExecutionResult {
        let companion = CompanionThread.start(for: request.workload, hooks: NoTaskHooks())
        var result = run(request)
        result.companion = companion?.finish(abandoned: result.abandoned != nil)
        return result
    }

    /// Runs the trial: every task (with the workload's companion beside them, when it has one),
    /// then the merge of a `tally` trial's tables into its final table (part of the trial, so
    /// inside the caller's clock).
    public func runTrial(_ request: ExecutionRequest) -> ExecutionResult {
        var result = request.workload.hasCompanion ? runWithCompanion(request) : run(request)
        result.tally = TallyTotals(request: request, outcomes: result.outcomes)
        if request.workload.conversation != nil {
            var merged = RoundTripHistogram()
            for histogram in result.outcomes.lazy.compactMap({ $0.output.flatMap(RoundTripHistogram.init(encoded:)) }) { merged.add(histogram) }
            result.roundTrips = merged.count > 0 ? merged : nil
        }
        return result
    }
}

extension Mode {
    /// The executor of this mode; process modes spawn `workerPath`, with `workerEnvironment` added
    /// to tvp's environment.
    public func executor(workerPath: String, workerEnvironment: [String: String] = [:]) -> any Executor {
        switch self {
        case .serial: SerialExecutor()
        case .threads: ThreadPoolExecutor()
        case .processes: ProcessExecutor(workerPath: workerPath, workerEnvironment: workerEnvironment)
        case .processPool: ProcessPoolExecutor(workerPath: workerPath, workerEnvironment: workerEnvironment)
        case .gil: GILExecutor(releasesLockWhileHashing: false)
        case .gilRelease: GILExecutor(releasesLockWhileHashing: true)
        case .async: AsyncExecutor()
        }
    }
}

/// Runs task `index` on a runner and times it.
func timedTask(_ runner: inout InProcessTasks, index: Int) -> TaskOutcome {
    let start = MonotonicInstant.now()
    do {
        let digest = try runner.run(task: index)
        return .success(digest, duration: MonotonicInstant.now().nanoseconds &- start.nanoseconds,
                        transfer: runner.lastTransferNanoseconds, output: runner.lastOutput)
    } catch {
        return .failure("\(error)", duration: MonotonicInstant.now().nanoseconds &- start.nanoseconds)
    }
}
