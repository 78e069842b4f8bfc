import CTVPSystem
import Glibc
import SystemPackage

/// Descriptors handed from one process to another over a Unix domain socket (`SCM_RIGHTS`): how
/// tvp gives a `process-pool` worker, already running, the channel ends of the conversation party
/// it is to play. The receiver gets its own copies; the sender closes its own.
///
/// A hand-over is one or more messages (at most 250 descriptors each, under the kernel's 253),
/// each carrying a tag and the hand-over's total count, so that the receiver knows what it awaits
/// and can tell a hand-over meant for another task.
extension FileDescriptor {
    /// Hands `descriptors` to the process at the other end of this socket, tagged `tag`
    /// (`sendmsg` with `SCM_RIGHTS`, without waiting: a full socket is an error, `EAGAIN`).
    public func sendDescriptors(_ descriptors: [FileDescriptor], tag: UInt64) throws {
        let header = DescriptorHandOffHeader(tag: tag, total: UInt64(descriptors.count)).bytes
        var start = 0
        repeat {
            let chunk = descriptors[start..<min(start + Int(TVP_DESCRIPTORS_PER_MESSAGE), descriptors.count)].map(\.rawValue)
            _ = try attempt("sendmsg(SCM_RIGHTS) of \(chunk.count) descriptors on fd \(rawValue)") { () throws in
                try valueOrErrno { tvp_send_descriptors(rawValue, chunk, CInt(chunk.count), header, header.count) }
            }
            start += chunk.count
        } while start < descriptors.count
    }

    /// Receives the `count` descriptors a `sendDescriptors(_:tag:)` tagged `tag` handed over,
    /// waiting for them (`recvmsg`, close-on-exec). Throws, with every descriptor received so far
    /// closed, when the other end closed, the tag or count differs, or the descriptors could not be
    /// installed (this process's descriptor limit).
    public func receiveDescriptors(count: Int, tag: UInt64) throws -> [FileDescriptor] {
        var received: [FileDescriptor] = []
        var chunk = [CInt](repeating: -1, count: Int(TVP_DESCRIPTORS_PER_MESSAGE))
        var header = [UInt8](repeating: 0, count: DescriptorHandOffHeader.size)
        do {
            repeat {
                var got: CInt = 0
                let bytes = try attempt("recvmsg(SCM_RIGHTS) on fd \(rawValue)") { () throws in
                    try valueOrErrno { tvp_receive_descriptors(rawValue, &chunk, &got, &header, header.count) }
                }
                received += chunk[0..<Int(got)].map { FileDescriptor(rawValue: $0) }
                guard bytes != 0 else { throw DescriptorHandOffError.closed }
                guard bytes == header.count, let parsed = DescriptorHandOffHeader(header), parsed.tag == tag, parsed.total == UInt64(count) else {
                    let parsed = bytes == header.count ? DescriptorHandOffHeader(header) : nil
                    throw DescriptorHandOffError.unexpected(expected: "\(count) descriptors for \(tag)",
                                                            got: parsed.map { "\($0.total) for \($0.tag)" } ?? "\(bytes) bytes that are no hand-over")
                }
            } while received.count < count
            guard received.count == count else {
                throw DescriptorHandOffError.unexpected(expected: "\(count) descriptors for \(tag)", got: "\(received.count)")
            }
        } catch {
            received.forEach { $0.closeQuietly() }
            throw error
        }
        return received
    }
}

/// Why descriptors could not be received.
public enum DescriptorHandOffError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The sender closed its end first.
    case closed
    /// A hand-over other than the one awaited arrived.
    case unexpected(expected: String, got: String)

    public var description: String {
        switch self {
        case .closed: "the socket descriptors are handed over on was closed before they came"
        case .unexpected(let expected, let got): "expected a hand-over of \(expected), got \(got)"
        }
    }
}

/// The bytes each message of a hand-over carries: its tag and its total descriptor count, two
/// little-endian 64-bit words.
private struct DescriptorHandOffHeader {
    static let size = 16
    let tag: UInt64
    let total: UInt64

    init(tag: UInt64, total: UInt64) {
        self.tag = tag
        self.total = total
    }

    init?(_ bytes: [UInt8]) {
        guard bytes.count == Self.size else { return nil }
        func word(_ offset: Int) -> UInt64 { (0..<8).reduce(0) { $0 | UInt64(bytes[offset + $1]) << UInt64(8 * $1) } }
        tag = word(0)
        total = word(8)
    }

    var bytes: [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: tag >> UInt64(8 * $0)) } + (0..<8).map { UInt8(truncatingIfNeeded: total >> UInt64(8 * $0)) }
    }
}
