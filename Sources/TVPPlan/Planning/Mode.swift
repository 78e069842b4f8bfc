/// How a trial executes its tasks.
public enum Mode: String, CaseIterable, Hashable, Sendable, Comparable {
    /// One task after another on the calling thread.
    case serial
    /// A pool of exactly `workers` OS threads pulling tasks from a shared queue.
    case threads
    /// One `posix_spawn`ed `tvp-worker` process per task, at most `workers` alive at once.
    case processes
    /// `workers` `tvp-worker` processes spawned once per trial and kept alive, fed tasks over pipes.
    case processPool = "process-pool"
    /// `threads` under a model of CPython's global interpreter lock: hashing holds the lock.
    case gil
    /// `gil`, but each 64 KiB hash update runs without the lock, as CPython's hashlib releases it.
    case gilRelease = "gil-release"
    /// Swift structured concurrency: at most `workers` child tasks in flight on the cooperative pool.
    case async

    /// The modes a scenario runs when it names none: the three the question is about.
    public static let defaultSelection: [Mode] = [.serial, .threads, .processes]

    /// One line for `tvp list` and help texts.
    public var summary: String {
        switch self {
        case .serial: "one task after another on one thread (the baseline)"
        case .threads: "a pool of exactly N OS threads sharing one address space and a task queue"
        case .processes: "one posix_spawn'ed tvp-worker process per task, at most N alive at once"
        case .processPool: "N tvp-worker processes spawned once per trial and kept alive, tasks and results framed over 1 MiB pipes"
        case .gil: "N threads sharing one CPython-style global lock: hashing holds it, sleeps and reads release it"
        case .gilRelease: "like gil, but each 64 KiB hash update runs without the lock, as hashlib's does"
        case .async: "at most N Swift child tasks on the cooperative pool; sleeps suspend instead of holding a thread"
        }
    }

    /// Whether the mode runs tasks in other processes.
    public var usesProcesses: Bool { self == .processes || self == .processPool }

    public static func < (lhs: Mode, rhs: Mode) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
