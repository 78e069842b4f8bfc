/// Everything tvp knows about one workload, declared in the workload's one file and registered
/// with one line in `Workload.kinds`: its name, its parameters, its task, its reference digest and
/// its encoding for the worker. The scenario reader, the CSV writer and reader, labels, `tvp list`,
/// the worker and the docs' table are derived from it; docs/workloads.md says how to add one.
///
/// A value of the conforming type is one variant of the workload (its parameters' values); two
/// variants that measure the same thing are equal. Conforming types are `Hashable` too; the
/// protocol does not inherit it, so that its witness tables need no instantiation when a fresh
/// worker first uses one (docs/overhead.md, a worker's start-up).
public protocol WorkloadKind: Sendable {
    /// The name scenarios, CSV files and task specs use (`cpu`).
    static var name: String { get }
    /// What one task does, in one line (`tvp list`, docs/workloads.md).
    static var summary: String { get }
    /// The parameters, in the order of their CSV columns.
    static var parameters: [WorkloadParameter] { get }

    /// The variant with these values, each already checked against its declaration (absent ones
    /// have their defaults); throws for a combination the workload cannot run, naming a parameter.
    init(parameters: ParameterValues) throws(ParameterProblem)
    /// The values of this variant's parameters, for CSV columns, labels and the task spec; an
    /// optional parameter that is not set is absent.
    var parameterValues: ParameterValues { get }
    /// A short readable name with the parameters that matter: `cpu[8MiB]`.
    var label: String { get }

    /// The state one thread, child task or worker process runs this workload's tasks with, over
    /// `input`. `taskTimeoutSeconds` bounds each blocking call where the workload makes them.
    func makeTask(input: TaskInput, taskTimeoutSeconds: Double?) -> any WorkloadTask

    /// What the tasks read besides their parameters, which tvp makes before any clock starts.
    var needs: TaskNeeds { get }
    /// The one large input the tasks read a slice each of; nil when there is none.
    var sharedInput: SharedWorkload? { get }
    /// This variant with its shared input shipped by `transfer` (unchanged when it has none).
    func withTransfer(_ transfer: Transfer) -> Self
    /// The state a trial's tasks share (a `tally` table, a `refs` graph), made before its clock;
    /// nil when the tasks share nothing. `processes` says whether the workers are processes,
    /// `runners` how many task states an in-process mode makes, `sharedName` a name for a
    /// shared-memory object.
    func stageSharedState(processes: Bool, runners: Int, sharedName: () -> String) throws -> StagedState?
    /// The combined digest every mode must give for `tasks` tasks over `input`, when the workload
    /// computes it its own way; nil to run the tasks serially (without their waits) and combine them.
    func referenceDigest(tasks: Int, input: TaskInput) throws -> TaskDigest?

    /// Bytes a trial of `tasks` tasks hashes or reads, for throughput figures.
    func bytesPerTrial(tasks: Int) -> Int
    /// Operations each task makes, for per-update costs; nil when that means nothing.
    var updatesPerTask: Int? { get }
    /// Whether the tasks only compute (no waits): a claim that a parallel mode is B× faster then
    /// needs ⌈B⌉ CPUs.
    var onlyComputes: Bool { get }
    /// Rough seconds one task computes and waits, for a run's duration estimate.
    func estimatedTaskSeconds(tasks: Int) -> (compute: Double, wait: Double)
    /// Whether workers that are processes can run it.
    var runsInProcesses: Bool { get }
    /// This variant as a mode whose workers are (or are not) processes runs it.
    func normalized(processes: Bool) -> Self
    /// This variant set for a machine that hashes `bytesPerSecond` (a `mixed` task's hashing
    /// share); nil when the machine does not matter.
    func calibratedVariant(bytesPerSecond: Double) -> Self?

    /// Whether a trial may lose updates and end with another digest than the reference, and still
    /// be right (a racy `tally`: the loss is its result, counted).
    var mayLoseUpdates: Bool { get }
    /// Whether its trials count lost updates at all (the `lost` metric applies).
    static var countsLostUpdates: Bool { get }
    /// What to tell the user when a trial's digest differs from the reference; nil for nothing more.
    var digestMismatchHint: String? { get }

    /// Whether `other` is the same variant of the same kind (`==` of a `Hashable` kind).
    func isEqual(to other: any WorkloadKind) -> Bool
    /// Feeds the variant's identity to `hasher` (`hash(into:)` of a `Hashable` kind).
    func hash(into hasher: inout Hasher)

    /// The foreground a trial runs beside its tasks (`responsiveness`), made afresh for each
    /// trial; nil for a workload that has none (every other).
    func makeCompanion() -> (any TrialCompanion)?

    /// The values sent to a worker in the task spec (usually `parameterValues`).
    var specValues: ParameterValues { get }

    /// The conversation each task is one party of, when the trial's tasks talk to each other
    /// (`message`); nil when the tasks are independent. Its `parties` fixes which worker counts
    /// and task counts a scenario may give; its channels come from `stageSharedState`.
    var conversation: ConversationShape? { get }
    /// The variant a worker decodes from a task spec's values.
    init(specValues: ParameterValues) throws(ParameterProblem)
}

extension WorkloadKind where Self: Equatable {
    public func isEqual(to other: any WorkloadKind) -> Bool { (other as? Self) == self }
}

extension WorkloadKind {
    public var needs: TaskNeeds { .nothing }
    public var sharedInput: SharedWorkload? { nil }
    public func withTransfer(_ transfer: Transfer) -> Self { self }
    public func stageSharedState(processes: Bool, runners: Int, sharedName: () -> String) throws -> StagedState? { nil }
    public func referenceDigest(tasks: Int, input: TaskInput) throws -> TaskDigest? { nil }
    public func bytesPerTrial(tasks: Int) -> Int { 0 }
    public var updatesPerTask: Int? { nil }
    public var onlyComputes: Bool { true }
    public func estimatedTaskSeconds(tasks: Int) -> (compute: Double, wait: Double) { (0.01, 0) }
    public var runsInProcesses: Bool { true }
    public func normalized(processes: Bool) -> Self { self }
    public func calibratedVariant(bytesPerSecond: Double) -> Self? { nil }
    public var mayLoseUpdates: Bool { false }
    public static var countsLostUpdates: Bool { false }
    public var digestMismatchHint: String? { nil }
    public func makeCompanion() -> (any TrialCompanion)? { nil }
    public var specValues: ParameterValues { parameterValues }
    public var conversation: ConversationShape? { nil }
    public init(specValues: ParameterValues) throws(ParameterProblem) { try self.init(parameters: specValues) }
}

/// What a workload's tasks read besides their parameters.
public enum TaskNeeds: Sendable, Equatable {
    /// Nothing.
    case nothing
    /// Fixture files, made once per run: `filesPerTask` files of `fileSize` bytes for each task
    /// (up to `IOFixture.maximumFileCount`), read warm or `cold`.
    case files(filesPerTask: Int, fileSize: Int, cold: Bool)
    /// The `sharedInput`, made once per run in tvp's memory and shipped by its transfer.
    case sharedInput
    /// The trial's task count alone.
    case taskCount
    /// A server tvp starts before the clock (`download`), whose port is the input.
    case server
}

/// The state a trial's tasks share, and how to drop it after the trial.
public struct StagedState: Sendable {
    /// The tasks' input.
    public var input: TaskInput
    /// Drops it (unlinks a shared-memory object).
    public var remove: @Sendable () -> Void
    /// Creates a staged state.
    public init(input: TaskInput, remove: @escaping @Sendable () -> Void) {
        self.input = input
        self.remove = remove
    }
}

/// The state one thread, child task or worker process runs a workload's tasks with (buffers, a
/// connection, a claimed table). One per runner: never shared between threads.
public protocol WorkloadTask: AnyObject {
    /// Runs task `index` and returns its digest, telling `hooks` where it blocks and where its
    /// compute slices end.
    func run<Hooks: TaskHooks>(task index: Int, hooks: Hooks) throws -> TaskDigest
    /// The task's wait, for a mode that waits its own way (`async`: `Task.sleep`) and for the
    /// reference digests (which skip it); nil when the task does not wait.
    var wait: TaskWait? { get }
    /// Task `index` without its wait: the same digest as `run`.
    func runWithoutWaiting(task index: Int) throws -> TaskDigest
    /// How long the last task spent obtaining its bytes (a shipped slice), nanoseconds.
    var lastTransferNanoseconds: UInt64 { get }
    /// What the last task sends back besides its digest (a worker's `local` tally counts); nil if nothing.
    var lastOutput: [UInt8]? { get }
    /// Bytes task `index` reads from its input stream (a slice shipped by pipe); 0 otherwise.
    func streamedBytes(task index: Int) -> Int
}

extension WorkloadTask {
    public var wait: TaskWait? { nil }
    public func runWithoutWaiting(task index: Int) throws -> TaskDigest { try run(task: index, hooks: NoTaskHooks()) }
    public var lastTransferNanoseconds: UInt64 { 0 }
    public var lastOutput: [UInt8]? { nil }
    public func streamedBytes(task index: Int) -> Int { 0 }
}

/// How long a task waits, and whether before or after its work.
public struct TaskWait: Sendable, Equatable {
    /// The wait, nanoseconds.
    public var nanoseconds: UInt64
    /// Whether the task waits before its work (`io`) or after it (`mixed`).
    public var isFirst: Bool
    /// Creates a wait.
    public init(nanoseconds: UInt64, isFirst: Bool) {
        self.nanoseconds = nanoseconds
        self.isFirst = isFirst
    }
}
