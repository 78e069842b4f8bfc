import SystemPackage
import TVPSystem

/// The binary framing between tvp and a pooled worker process: each frame is a version byte, a kind
/// byte, a little-endian 32-bit payload length, then the payload.
///
/// The pipes carry many frames and may deliver them in pieces, so decoding is incremental.
public struct Frame: Equatable, Sendable {
    /// The protocol version written in every frame; a frame of another version is rejected.
    public static let version: UInt8 = 2
    /// Bytes before the payload.
    public static let headerBytes = 6
    /// Longest payload accepted: a length beyond it means a corrupt or foreign stream.
    public static let maximumPayloadBytes = 1 << 30

    /// What a frame carries.
    public enum Kind: UInt8, Sendable {
        /// Worker → tvp, once at start: pid and process start instant.
        case ready = 1
        /// tvp → worker: run the task whose index begins the payload; for a `shared` input shipped
        /// by pipe, the task's slice follows the index.
        case task = 2
        /// Worker → tvp: digest, task start and end instants, and the time spent obtaining its input.
        case result = 3
        /// Worker → tvp: the task failed; the payload is the message.
        case failure = 4
    }

    /// The frame's kind.
    public var kind: Kind
    /// The frame's payload.
    public var payload: [UInt8]

    /// Creates a frame.
    public init(kind: Kind, payload: [UInt8]) {
        self.kind = kind
        self.payload = payload
    }

    /// The frame as bytes on the wire.
    public var encoded: [UInt8] {
        var bytes: [UInt8] = [Self.version, kind.rawValue]
        bytes.reserveCapacity(Self.headerBytes + payload.count)
        appendLittleEndian(UInt32(payload.count), to: &bytes)
        bytes += payload
        return bytes
    }

    // MARK: Typed frames

    /// A worker's ready frame.
    public static func ready(pid: Int32, processStartNanoseconds: UInt64) -> Frame {
        var payload: [UInt8] = []
        appendLittleEndian(UInt32(bitPattern: pid), to: &payload)
        appendLittleEndian(processStartNanoseconds, to: &payload)
        return Frame(kind: .ready, payload: payload)
    }

    /// A task frame.
    public static func task(_ index: Int) -> Frame {
        var payload: [UInt8] = []
        appendLittleEndian(UInt64(index), to: &payload)
        return Frame(kind: .task, payload: payload)
    }

    /// The first bytes of a task frame whose payload is the index followed by `trailing` bytes the
    /// sender writes next, straight from where they lie (a `shared` slice): header and index.
    public static func taskPrefix(_ index: Int, trailing: Int) -> [UInt8] {
        var bytes: [UInt8] = [version, Kind.task.rawValue]
        appendLittleEndian(UInt32(8 + trailing), to: &bytes)
        appendLittleEndian(UInt64(index), to: &bytes)
        return bytes
    }

    /// A result frame; `output` (a worker's `local` tally counts) follows the fixed fields.
    public static func result(_ digest: TaskDigest, startNanoseconds: UInt64, endNanoseconds: UInt64,
                              transferNanoseconds: UInt64 = 0, output: [UInt8]? = nil) -> Frame {
        var payload = digest.bytes
        payload.reserveCapacity(56 + (output?.count ?? 0))
        appendLittleEndian(startNanoseconds, to: &payload)
        appendLittleEndian(endNanoseconds, to: &payload)
        appendLittleEndian(transferNanoseconds, to: &payload)
        if let output { payload += output }
        return Frame(kind: .result, payload: payload)
    }

    /// A failure frame.
    public static func failure(_ message: String) -> Frame { Frame(kind: .failure, payload: Array(message.utf8)) }

    /// The pid and start instant of a ready frame.
    public var readyFields: (pid: Int32, processStartNanoseconds: UInt64)? {
        guard kind == .ready, payload.count == 12 else { return nil }
        return (Int32(bitPattern: UInt32(readLittleEndian(payload, at: 0, bytes: 4))), readLittleEndian(payload, at: 4, bytes: 8))
    }

    /// The task index of a task frame.
    public var taskIndex: Int? {
        guard kind == .task, payload.count == 8 else { return nil }
        return Int(exactly: readLittleEndian(payload, at: 0, bytes: 8))
    }

    /// The digest, instants, transfer time and output (nil when the task sent none) of a result frame.
    public var resultFields: (digest: TaskDigest, startNanoseconds: UInt64, endNanoseconds: UInt64, transferNanoseconds: UInt64,
                              output: [UInt8]?)? {
        guard kind == .result, payload.count >= 56 else { return nil }
        return (TaskDigest(bytes: Array(payload[0..<32])), readLittleEndian(payload, at: 32, bytes: 8),
                readLittleEndian(payload, at: 40, bytes: 8), readLittleEndian(payload, at: 48, bytes: 8),
                payload.count > 56 ? Array(payload[56...]) : nil)
    }

    /// The kind and payload length in the header that starts at `offset` of `bytes` (which must hold
    /// `headerBytes` bytes from there); throws on a wrong version, an unknown kind or an oversized length.
    static func header(in bytes: [UInt8], at offset: Int = 0) throws(FrameError) -> (kind: Kind, length: Int) {
        guard bytes[offset] == version else { throw .unsupportedVersion(bytes[offset]) }
        guard let kind = Kind(rawValue: bytes[offset + 1]) else { throw .unknownKind(bytes[offset + 1]) }
        let length = Int(readLittleEndian(bytes, at: offset + 2, bytes: 4))
        guard length <= maximumPayloadBytes else { throw .oversized(length) }
        return (kind, length)
    }
}

/// Why a byte stream is not a valid sequence of frames.
public enum FrameError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The version byte is not `Frame.version`.
    case unsupportedVersion(UInt8)
    /// The kind byte is unknown.
    case unknownKind(UInt8)
    /// The length exceeds `Frame.maximumPayloadBytes`.
    case oversized(Int)
    /// A frame the reader does not accept here (a worker accepts only task frames).
    case unexpected(kind: Frame.Kind, length: Int)

    public var description: String {
        switch self {
        case .unsupportedVersion(let v): "frame of protocol version \(v), expected \(Frame.version)"
        case .unknownKind(let k): "frame of unknown kind \(k)"
        case .oversized(let n): "frame payload of \(n) bytes exceeds the limit of \(Frame.maximumPayloadBytes)"
        case .unexpected(let kind, let length): "expected a task frame, got a \(kind) frame of \(length) bytes"
        }
    }
}

/// Reads frames from a blocking descriptor one part at a time, so a large payload can be read
/// straight into its final place (a worker reading its `shared` slice) instead of through a buffer.
public struct FrameReader {
    /// The descriptor frames arrive on.
    public let descriptor: FileDescriptor

    /// A reader of `descriptor`.
    public init(_ descriptor: FileDescriptor) { self.descriptor = descriptor }

    /// The next frame's kind and payload length; nil when the stream ends cleanly between frames.
    /// Throws `FrameError` on a malformed header, and `FrameStreamError` when the stream ends inside one.
    public func nextHeader() throws -> (kind: Frame.Kind, length: Int)? {
        var header = [UInt8](repeating: 0, count: Frame.headerBytes)
        let received = try descriptor.readExactly(into: &header)
        if received == 0 { return nil }
        guard received == Frame.headerBytes else { throw FrameStreamError.truncated(expected: Frame.headerBytes, received: received) }
        return try Frame.header(in: header)
    }

    /// The next task frame's index and the bytes of payload that follow it, read in one go
    /// (header and index together: one `read` per task in the common case); nil when the stream
    /// ends cleanly between frames. A frame of another kind is an error: workers receive only tasks.
    public func nextTask() throws -> (index: Int, trailing: Int)? {
        var prefix = [UInt8](repeating: 0, count: Frame.headerBytes + 8)
        let received = try descriptor.readExactly(into: &prefix)
        if received == 0 { return nil }
        // The header is judged first, so that a stream ending after a short foreign frame says so.
        guard received >= Frame.headerBytes else { throw FrameStreamError.truncated(expected: prefix.count, received: received) }
        let (kind, length) = try Frame.header(in: prefix)
        guard kind == .task, length >= 8 else { throw FrameError.unexpected(kind: kind, length: length) }
        guard received == prefix.count else { throw FrameStreamError.truncated(expected: prefix.count, received: received) }
        guard let index = Int(exactly: readLittleEndian(prefix, at: 6, bytes: 8)) else { throw FrameError.unexpected(kind: kind, length: length) }
        return (index, length - 8)
    }

    /// Reads exactly `count` bytes of payload.
    public func read(_ count: Int) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        let received = try descriptor.readExactly(into: &bytes)
        guard received == count else { throw FrameStreamError.truncated(expected: count, received: received) }
        return bytes
    }
}

/// A frame stream that ended in the middle of a frame.
public enum FrameStreamError: Error, Equatable, CustomStringConvertible, Sendable {
    /// Fewer bytes than the frame announced arrived before the end of the stream.
    case truncated(expected: Int, received: Int)

    public var description: String {
        switch self {
        case .truncated(let expected, let received): "the stream ended inside a frame: \(received) of \(expected) bytes"
        }
    }
}

/// Reassembles frames from bytes that arrive in arbitrary pieces.
public struct FrameDecoder: Sendable {
    private var buffer: [UInt8] = []
    private var start = 0

    /// An empty decoder.
    public init() {}

    /// Bytes received but not yet part of a whole frame.
    public var pendingBytes: Int { buffer.count - start }

    /// Adds received bytes.
    public mutating func append(_ bytes: some Collection<UInt8>) {
        if start > 0 && start == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            start = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// The next whole frame, nil when more bytes are needed; throws on a malformed header.
    public mutating func next() throws(FrameError) -> Frame? {
        guard buffer.count - start >= Frame.headerBytes else { return nil }
        let (kind, length) = try Frame.header(in: buffer, at: start)
        guard buffer.count - start >= Frame.headerBytes + length else { return nil }
        let payloadStart = start + Frame.headerBytes
        let frame = Frame(kind: kind, payload: Array(buffer[payloadStart..<payloadStart + length]))
        start = payloadStart + length
        if start > 65_536 && start * 2 > buffer.count {
            buffer.removeSubrange(0..<start)
            start = 0
        }
        return frame
    }
}

private func appendLittleEndian<T: FixedWidthInteger>(_ value: T, to bytes: inout [UInt8]) {
    var v = value.littleEndian
    for _ in 0..<MemoryLayout<T>.size {
        bytes.append(UInt8(truncatingIfNeeded: v))
        v >>= 8
    }
}

private func readLittleEndian(_ bytes: [UInt8], at offset: Int, bytes count: Int) -> UInt64 {
    var value: UInt64 = 0
    for i in (0..<count).reversed() { value = value << 8 | UInt64(bytes[offset + i]) }
    return value
}
