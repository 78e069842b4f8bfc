import Glibc
import SystemPackage

/// What `waitForEvents` should watch on one descriptor.
public struct PollInterest: Sendable {
    /// The descriptor.
    public var descriptor: FileDescriptor
    /// Whether to report it readable (or hung up).
    public var read: Bool
    /// Whether to report it writable (or its reader gone).
    public var write: Bool

    /// Watches `descriptor` for reading, writing or both.
    public init(_ descriptor: FileDescriptor, read: Bool, write: Bool) {
        self.descriptor = descriptor
        self.read = read
        self.write = write
    }
}

/// Waits until a watched descriptor is ready (`poll`), until `timeoutMilliseconds` pass (-1: no
/// limit) or a signal arrives; returns the indices in `interests` of the descriptors that are ready
/// for what was asked, or hung up or failed (the next read or write says which), none on time-out
/// or signal.
/// With `retryOnInterrupt`, a signal does not end the wait: it is made again.
public func waitForEvents(_ interests: [PollInterest], timeoutMilliseconds: Int32, retryOnInterrupt: Bool = false) throws -> [Int] {
    var fds = interests.map {
        pollfd(fd: $0.descriptor.rawValue, events: Int16(($0.read ? POLLIN : 0) | ($0.write ? POLLOUT : 0)), revents: 0)
    }
    let count: CInt
    do {
        count = try valueOrErrno(retryOnInterrupt: retryOnInterrupt) { poll(&fds, nfds_t(fds.count), timeoutMilliseconds) }
    } catch Errno.interrupted {
        return []
    } catch let error as Errno {
        throw SystemCallError("poll", error)
    }
    if count == 0 { return [] }
    return fds.indices.filter { fds[$0].revents != 0 }
}
