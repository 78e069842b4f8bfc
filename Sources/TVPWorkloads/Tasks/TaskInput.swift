import SystemPackage
import TVPSystem

/// The data a task reads besides its workload's parameters: the `io` fixture files, where the
/// `shared` input's slices are, or the server `download` tasks fetch from.
public enum TaskInput: Sendable {
    /// The workload needs no data (`cpu`, `null`, `mixed`, `alloc`; `refs` and a `local` tally in a worker process).
    case none
    /// The files `io` tasks read.
    case files(IOFixture)
    /// Where the `shared` input lies (or a `plugin`'s input).
    case shared(SharedSource)
    /// The counters a `tally` trial updates (in tvp's memory, or a worker's mapping of them).
    case tally(TallyTable)
    /// The graphs a `refs` trial walks in tvp's memory.
    case graphs(RefGraphSet)
    /// No data, but the tasks are told how many of them the trial has (a `plugin` without input).
    case taskCount(Int)
    /// The port on 127.0.0.1 of the server `download` tasks fetch from.
    case server(port: UInt16)
    /// The channels of a trial whose tasks talk to each other (`message`).
    case conversation(Conversation)

    /// The fixture of an `io` workload, if this is one.
    public var fixture: IOFixture? {
        if case .files(let fixture) = self { fixture } else { nil }
    }

    /// The trial's task count when the input carries it (a shared input's slices, or `taskCount`).
    public var taskCount: Int? {
        switch self {
        case .shared(let source): source.slices
        case .taskCount(let count): count
        case .conversation(let conversation): conversation.parties
        case .none, .files, .tally, .graphs, .server: nil
        }
    }

    /// The descriptors a worker process running task `index` must be handed, numbered from 3
    /// (a conversation's channel ends); the caller closes them once the worker has started.
    public func handOff(task index: Int) -> [FileDescriptor] {
        if case .conversation(let conversation) = self { conversation.handOff(party: index) } else { [] }
    }

    /// Whether a process mode hands each task's channel ends to its worker (a conversation over
    /// pipes or sockets), rather than the worker finding its input by itself.
    public var handsOverDescriptors: Bool {
        if case .conversation(let conversation) = self { conversation.handsOverDescriptors } else { false }
    }

    /// Task `index`'s worker process failed or died: a conversation closes the links of its party
    /// that tvp holds, so that no other party waits for it. Nothing for other inputs.
    public func taskFailed(_ index: Int) {
        if case .conversation(let conversation) = self { conversation.leave(party: index) }
    }

    /// The server's port, if this is a `download` input.
    public var serverPort: UInt16? {
        if case .server(let port) = self { port } else { nil }
    }
}

/// Where a task finds the `shared` input it hashes a slice of, and into how many slices it is cut.
public struct SharedSource: Sendable {
    /// Tasks the input is cut into (the trial's task count).
    public var slices: Int
    /// Where the bytes are.
    public var location: Location

    /// Where the bytes are, seen from the process running the task.
    public enum Location: Sendable {
        /// In this process's memory: the slice is hashed in place (no copy).
        case memory(MemoryRegion)
        /// Arriving on a descriptor, the slice's bytes in order (a worker's pipe from tvp).
        case stream(FileDescriptor)
        /// In a file holding the whole input, read with `pread`.
        case file(String)
        /// In a POSIX shared-memory object holding the whole input, mapped per task.
        case sharedMemory(String)
    }

    /// Creates a source.
    public init(slices: Int, location: Location) {
        self.slices = slices
        self.location = location
    }
}
