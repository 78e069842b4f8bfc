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

/// What happened on one watched descriptor.
public struct PollEvent: Sendable, Equatable {
    /// The index of the descriptor in the list passed to `waitForEvents`.
    public var index: Int
    /// Data can be read, or the writer hung up (a read returns end of file).
    public var readable: Bool
    /// A write would not block, or the reader is gone (a write fails with `EPIPE`).
    public var writable: Bool
}

/// Waits until a watched descriptor is ready (`poll`), until `timeoutMilliseconds` pass (-1: no
/// limit) or a signal arrives; returns the descriptors that are ready (none on time-out or signal).
public func waitForEvents(_ interests: [PollInterest], timeoutMilliseconds: Int32) throws -> [PollEvent] {
    var fds = interests.map {
        pollfd(fd: $0.descriptor.rawValue, events: Int16(($0.read ? POLLIN : 0) | ($0.write ? POLLOUT : 0)), revents: 0)
    }
    let count: CInt
    do {
        count = try valueOrErrno(retryOnInterrupt: false) { poll(&fds, nfds_t(fds.count), timeoutMilliseconds) }
    } catch Errno.interrupted {
        return []
    } catch let error as Errno {
        throw SystemCallError("poll", error)
    }
    if count == 0 { return [] }
    let failed = Int16(POLLHUP | POLLERR | POLLNVAL)
    return fds.indices.compactMap { index in
        let revents = fds[index].revents
        guard revents != 0 else { return nil }
        let broken = revents & failed != 0
        return PollEvent(index: index,
                         readable: interests[index].read && (revents & Int16(POLLIN) != 0 || broken),
                         writable: interests[index].write && (revents & Int16(POLLOUT) != 0 || broken))
    }
}
