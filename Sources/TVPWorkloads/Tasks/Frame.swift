/// The binary framing between tvp and a pooled worker process: each frame is a version byte, a kind
/// byte, a little-endian 32-bit payload length, then the payload.
///
/// The pipes carry many frames and may deliver them in pieces, so decoding is incremental.
public struct Frame: Equatable, Sendable {
    /// The protocol version written in every frame; a frame of another version is rejected.
    public static let version: UInt8 = 1
    /// Bytes before the payload.
    public static let headerBytes = 6
    /// Longest payload accepted: a length beyond it means a corrupt or foreign stream.
    public static let maximumPayloadBytes = 1 << 30

    /// What a frame carries.
    public enum Kind: UInt8, Sendable {
        /// Worker → tvp, once at start: pid and process start instant.
        case ready = 1
        /// tvp → worker: run the task whose index is the payload.
        case task = 2
        /// Worker → tvp: digest, task start and end instants.
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

    /// A result frame.
    public static func result(_ digest: TaskDigest, startNanoseconds: UInt64, endNanoseconds: UInt64) -> Frame {
        var payload = digest.bytes
        appendLittleEndian(startNanoseconds, to: &payload)
        appendLittleEndian(endNanoseconds, to: &payload)
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

    /// The digest and instants of a result frame.
    public var resultFields: (digest: TaskDigest, startNanoseconds: UInt64, endNanoseconds: UInt64)? {
        guard kind == .result, payload.count == 48 else { return nil }
        return (TaskDigest(bytes: Array(payload[0..<32])), readLittleEndian(payload, at: 32, bytes: 8),
                readLittleEndian(payload, at: 40, bytes: 8))
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

    public var description: String {
        switch self {
        case .unsupportedVersion(let v): "frame of protocol version \(v), expected \(Frame.version)"
        case .unknownKind(let k): "frame of unknown kind \(k)"
        case .oversized(let n): "frame payload of \(n) bytes exceeds the limit of \(Frame.maximumPayloadBytes)"
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
        let version = buffer[start]
        guard version == Frame.version else { throw .unsupportedVersion(version) }
        guard let kind = Frame.Kind(rawValue: buffer[start + 1]) else { throw .unknownKind(buffer[start + 1]) }
        let length = Int(readLittleEndian(buffer, at: start + 2, bytes: 4))
        guard length <= Frame.maximumPayloadBytes else { throw .oversized(length) }
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
