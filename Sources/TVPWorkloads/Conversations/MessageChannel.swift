/// How the parties of a conversation (`message`) pass their messages.
public enum MessageChannel: String, Hashable, Sendable, CaseIterable {
    /// A bounded FIFO behind a mutex and condition variables, in one process's memory.
    case queue
    /// A lock-free single-producer ring that waits on a futex when empty, in one process's memory.
    case ring
    /// A pipe per direction: between threads of tvp, or between worker processes.
    case pipe
    /// A Unix domain socket pair per direction.
    case unix
    /// The ring in a POSIX shared-memory object, waiting on a process-shared futex.
    case shm

    /// Whether worker processes can talk through it (a queue in tvp's memory cannot cross).
    public var crossesProcesses: Bool { self == .pipe || self == .unix || self == .shm }

    /// Whether child tasks on the cooperative pool (`async`) can talk through it: only `queue`,
    /// which under `async` is an `AsyncChannel` whose sends and receives suspend. The others wait
    /// by blocking a thread, and a pool of fewer threads than parties would then stall.
    public var suspends: Bool { self == .queue }

    /// The largest message the channel carries whole, in bytes: one that the channel holds while
    /// nobody receives, so that one thread can send it and then receive it (`serial`). A pipe's
    /// default capacity is 64 KiB; a Unix stream socket's send buffer (`net.core.wmem_default`,
    /// 208 KiB) holds 64 KiB of data with its overhead; a queue holds what it is made for.
    public var capacity: Int {
        switch self {
        case .queue: 1 << 20
        case .ring, .shm: 1 << 20
        case .pipe, .unix: 64 << 10
        }
    }
}

/// One direction of a conversation: party `from` sends, party `to` receives.
public struct ConversationEdge: Hashable, Sendable {
    /// The sender.
    public var from: Int
    /// The receiver.
    public var to: Int
    /// Creates an edge.
    public init(from: Int, to: Int) {
        self.from = from
        self.to = to
    }
}
