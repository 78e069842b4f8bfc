import TVPSystem

/// The tasks of a workload, run one at a time in this process: on a thread of tvp (serial, threads,
/// gil, async) or in a worker process, with the state its kind makes for one runner (buffers, a
/// connection, a claimed table). One per thread, child task or worker process.
public struct InProcessTasks: ~Copyable {
    /// The workload whose tasks this runner executes.
    public let workload: Workload
    /// The data the tasks read: fixture files, a shared input, a table, a server's port.
    public let input: TaskInput
    private let task: any WorkloadTask

    /// A runner for `workload` over `input`. `taskTimeoutSeconds` bounds each blocking call of a
    /// task that makes them (a `download`'s sockets, in-process modes).
    public init(workload: Workload, input: TaskInput, taskTimeoutSeconds: Double? = nil) {
        self.workload = workload
        self.input = input
        task = workload.kind.makeTask(input: input, taskTimeoutSeconds: taskTimeoutSeconds)
    }

    /// Runs task `index` and returns its digest.
    public mutating func run(task index: Int) throws -> TaskDigest {
        try task.run(task: index, hooks: NoTaskHooks())
    }

    /// Runs task `index`, telling `hooks` where it blocks and where its compute slices end.
    public mutating func run<Hooks: TaskHooks>(task index: Int, hooks: Hooks) throws -> TaskDigest {
        try task.run(task: index, hooks: hooks)
    }

    /// The task's wait, for a mode that waits its own way (`async`); nil when tasks do not wait.
    public var wait: TaskWait? { task.wait }

    /// Task `index` without its wait, which adds nothing to its digest.
    public mutating func runWithoutWaiting(task index: Int) throws -> TaskDigest {
        try task.runWithoutWaiting(task: index)
    }

    /// How long the last task spent obtaining its bytes (a shipped slice), nanoseconds.
    public var lastTransferNanoseconds: UInt64 { task.lastTransferNanoseconds }

    /// What the last task sends back besides its digest: a worker process's `local` tally counts
    /// (little-endian 64-bit words, one per bin); nil for every other task.
    public var lastOutput: [UInt8]? { task.lastOutput }

    /// Bytes task `index` reads from its input stream: its slice when a shared input arrives on a
    /// descriptor, 0 otherwise. A worker checks a task frame's length against it.
    public func streamedBytes(task index: Int) -> Int { task.streamedBytes(task: index) }
}

/// A task's input that did not arrive whole.
public struct TaskInputError: Error, CustomStringConvertible, Sendable {
    /// What was wrong.
    public let description: String
}
