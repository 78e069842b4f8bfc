import SystemPackage
import TVPSystem

/// The data a task reads besides its workload's parameters: the `io` fixture files, where the
/// `shared` input's slices are, or the server `download` tasks fetch from.
public enum TaskInput: Sendable {
    /// The workload needs no data (`cpu`, `null`, `mixed`).
    case none
    /// The files `io` tasks read.
    case files(IOFixture)
    /// Where the `shared` input lies.
    case shared(SharedSource)
    /// The port on 127.0.0.1 of the server `download` tasks fetch from.
    case server(port: UInt16)

    /// The fixture of an `io` workload, if this is one.
    public var fixture: IOFixture? {
        if case .files(let fixture) = self { fixture } else { nil }
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
