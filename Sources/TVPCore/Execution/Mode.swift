/// How a trial executes its tasks.
public enum Mode: String, CaseIterable, Hashable, Sendable, Comparable {
    /// One task after another on the calling thread.
    case serial
    /// A pool of exactly `workers` OS threads pulling tasks from a shared queue.
    case threads
    /// One `posix_spawn`ed `tvp-worker` process per task, at most `workers` alive at once.
    case processes

    /// One line for `tvp list` and help texts.
    public var summary: String {
        switch self {
        case .serial: "one task after another on one thread (the baseline)"
        case .threads: "a pool of exactly N OS threads sharing one address space and a task queue"
        case .processes: "one posix_spawn'ed tvp-worker process per task, at most N alive at once"
        }
    }

    /// Whether the mode runs tasks in other processes.
    public var usesProcesses: Bool { self == .processes }

    public static func < (lhs: Mode, rhs: Mode) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
