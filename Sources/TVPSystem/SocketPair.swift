import Glibc
import SystemPackage

/// Two connected Unix domain sockets (`socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC)`): each
/// end reads what the other writes. A `message` conversation's `unix` channel; of
/// `SOCK_SEQPACKET`, the line over which a `process-pool` worker is handed a conversation's
/// descriptors (`sendDescriptors`).
public struct SocketPair: Sendable {
    /// One end.
    public let first: FileDescriptor
    /// The other end.
    public let second: FileDescriptor

    /// Opens a pair (`socketpair`), both ends close-on-exec: a byte stream, or with
    /// `keepsMessages` one that keeps each message whole and apart (`SOCK_SEQPACKET`).
    public init(keepsMessages: Bool = false) throws {
        var ends: [CInt] = [-1, -1]
        let type = keepsMessages ? CInt(SOCK_SEQPACKET.rawValue) : CInt(SOCK_STREAM.rawValue)
        _ = try attempt("socketpair(AF_UNIX, \(keepsMessages ? "SOCK_SEQPACKET" : "SOCK_STREAM"))") { () throws in
            try ends.withUnsafeMutableBufferPointer { buffer throws in
                try valueOrErrno { socketpair(AF_UNIX, type | CInt(SOCK_CLOEXEC.rawValue), 0, buffer.baseAddress) }
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
