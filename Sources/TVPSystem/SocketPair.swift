import Glibc
import SystemPackage

/// Two connected Unix domain stream sockets (`socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC)`):
/// each end reads what the other writes. A `message` conversation's `unix` channel.
public struct SocketPair: Sendable {
    /// One end.
    public let first: FileDescriptor
    /// The other end.
    public let second: FileDescriptor

    /// Opens a pair (`socketpair`), both ends close-on-exec.
    public init() throws {
        var ends: [CInt] = [-1, -1]
        _ = try attempt("socketpair(AF_UNIX, SOCK_STREAM)") { () throws in
            try ends.withUnsafeMutableBufferPointer { buffer throws in
                try valueOrErrno { socketpair(AF_UNIX, CInt(SOCK_STREAM.rawValue) | CInt(SOCK_CLOEXEC.rawValue), 0, buffer.baseAddress) }
            }
        }
        first = FileDescriptor(rawValue: ends[0])
        second = FileDescriptor(rawValue: ends[1])
    }

    /// Closes both ends, ignoring errors.
    public func closeQuietly() {
        first.closeQuietly()
        second.closeQuietly()
    }
}
