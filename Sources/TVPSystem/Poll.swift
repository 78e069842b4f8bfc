import Glibc
import SystemPackage

/// Waits until at least one of `descriptors` is readable or hung up (`poll`), or until
/// `timeoutMilliseconds` pass (-1: no limit), or a signal arrives. Returns the indices of the ready
/// descriptors (none on time-out or signal).
public func waitUntilReadable(
    _ descriptors: [FileDescriptor], timeoutMilliseconds: Int32
) throws -> [Int] {
    var fds = descriptors.map { pollfd(fd: $0.rawValue, events: Int16(POLLIN), revents: 0) }
    let count: CInt
    do {
        count = try valueOrErrno(retryOnInterrupt: false) { poll(&fds, nfds_t(fds.count), timeoutMilliseconds) }
    } catch Errno.interrupted {
        return []
    } catch let error as Errno {
        throw SystemCallError("poll", error)
    }
    if count == 0 { return [] }
    return fds.indices.filter { fds[$0].revents != 0 }
}
