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
        TaskFramePrefix(index, trailing: trailing).bytes.array
    }

    /// A result frame; `output` (a worker's `local` tally counts) follows the fixed fields.
    public static func result(_ digest: TaskDigest, startNanoseconds: UInt64, endNanoseconds: UInt64,
                              transferNanoseconds: UInt64 = 0, output: [UInt8]? = nil) -> Frame {
        var encoded: [UInt8] = []
        encodeResult(digest, startNanoseconds: startNanoseconds, endNanoseconds: endNanoseconds,
                     transferNanoseconds: transferNanoseconds, output: output, into: &encoded)
        return Frame(kind: .result, payload: Array(encoded[headerBytes...]))
    }

    /// A result frame as bytes on the wire, written over `bytes` (kept from task to task, so a
    /// worker's reply allocates nothing once its buffer has grown).
    public static func encodeResult(_ digest: TaskDigest, startNanoseconds: UInt64, endNanoseconds: UInt64,
                                    transferNanoseconds: UInt64, output: [UInt8]?, into bytes: inout [UInt8]) {
        // Written in place over the last reply: the same 62 bytes each time unless a task sends output.
        let length = 56 + (output?.count ?? 0)
        bytes.resize(to: headerBytes + length)
        // One pass over the array's storage (a store through the array checks its uniqueness each time).
        bytes.withLittleEndianStores { stores in
            stores.store(version, at: 0)
            stores.store(Kind.result.rawValue, at: 1)
            stores.store(UInt32(length), at: 2)
            digest.storeBytes(into: stores, at: headerBytes)
            stores.store(startNanoseconds, at: headerBytes + 32)
            stores.store(endNanoseconds, at: headerBytes + 40)
            stores.store(transferNanoseconds, at: headerBytes + 48)
        }
        if let output { bytes.replaceSubrange((headerBytes + 56)..., with: output) }
    }

    /// A failure frame.
    public static func failure(_ message: String) -> Frame { Frame(kind: .failure, payload: Array(message.utf8)) }

    /// The pid and start instant of a ready frame.
    public var readyFields: (pid: Int32, processStartNanoseconds: UInt64)? { ReceivedFrame(kind: kind, payload: payload[...]).readyFields }

    /// The task index of a task frame.
    public var taskIndex: Int? {
        guard kind == .task, payload.count == 8 else { return nil }
        return Int(exactly: payload[...].loadLittleEndian(UInt64.self, at: 0))
    }

    /// The digest, instants, transfer time and output (nil when the task sent none) of a result frame.
    public var resultFields: ReceivedFrame.ResultFields? { ReceivedFrame(kind: kind, payload: payload[...]).resultFields }

    /// The kind and payload length in the header whose `headerBytes` bytes begin `bytes`; throws on a
    /// wrong version, an unknown kind or an oversized length.
    static func header(in bytes: ArraySlice<UInt8>) throws(FrameError) -> (kind: Kind, length: Int) {
        precondition(bytes.count >= headerBytes, "a frame header has \(headerBytes) bytes")
        return try header(version: bytes[bytes.startIndex], kind: bytes[bytes.startIndex + 1], length: bytes.loadLittleEndian(UInt32.self, at: 2))
    }

    /// The kind and payload length of a header whose version byte, kind byte and length are these.
    static func header(version given: UInt8, kind kindByte: UInt8, length: UInt32) throws(FrameError) -> (kind: Kind, length: Int) {
        guard given == version else { throw .unsupportedVersion(given) }
        guard let kind = Kind(rawValue: kindByte) else { throw .unknownKind(kindByte) }
        guard Int(length) <= maximumPayloadBytes else { throw .oversized(Int(length)) }
        return (kind, Int(length))
    }
}

/// A whole frame as it lies in a `FrameDecoder`'s buffer: its kind and a view of its payload, read
/// without copying it (tvp's per-task path receives one per task). It is valid until the decoder is
/// next given bytes.
public struct ReceivedFrame {
    /// The frame's kind.
    public let kind: Frame.Kind
    /// The frame's payload, in the decoder's buffer.
    public let payload: ArraySlice<UInt8>

    /// A view of `payload` as a frame of `kind`.
    public init(kind: Frame.Kind, payload: ArraySlice<UInt8>) {
        self.kind = kind
        self.payload = payload
    }

    /// The frame, its payload copied.
    public var frame: Frame { Frame(kind: kind, payload: Array(payload)) }

    /// The pid and start instant of a ready frame.
    public var readyFields: (pid: Int32, processStartNanoseconds: UInt64)? {
        guard kind == .ready, payload.count == 12 else { return nil }
        return (payload.loadLittleEndian(Int32.self, at: 0), payload.loadLittleEndian(UInt64.self, at: 4))
    }

    /// What a result frame carries.
    public struct ResultFields {
        /// The task's digest.
        public let digest: TaskDigest
        /// The task's start and end instants (the worker's `CLOCK_MONOTONIC`).
        public let startNanoseconds: UInt64, endNanoseconds: UInt64
        /// The time the task spent obtaining its input.
        public let transferNanoseconds: UInt64
        /// What the task sent beyond its digest (a worker's `local` tally counts); nil when nothing.
        public let output: [UInt8]?
    }

    /// The fields of a result frame; nil for another kind or a payload too short.
    public var resultFields: ResultFields? {
        guard kind == .result, payload.count >= 56 else { return nil }
        return ResultFields(digest: TaskDigest(littleEndianBytes: payload), startNanoseconds: payload.loadLittleEndian(UInt64.self, at: 32),
                            endNanoseconds: payload.loadLittleEndian(UInt64.self, at: 40),
                            transferNanoseconds: payload.loadLittleEndian(UInt64.self, at: 48),
                            output: payload.count > 56 ? Array(payload.dropFirst(56)) : nil)
    }
}

extension ReceivedFrame {
    /// The fields of the result frame that is all of `bytes`, read where they lie, when it carries
    /// no output: the process pool's common case (one task in flight, its whole 62-byte reply in
    /// one read), which needs no decoder. nil for anything else: the decoder then takes the bytes,
    /// and judges them.
    ///
    /// The fields come as a tuple of plain values, which copying and destroying cost nothing (a
    /// `ResultFields`, whose output is an array, goes through the runtime's generic copies).
    public static func soleResult(in bytes: ArraySlice<UInt8>) -> SoleResult? {
        guard bytes.count == Frame.headerBytes + 56, bytes[bytes.startIndex] == Frame.version,
              bytes[bytes.startIndex + 1] == Frame.Kind.result.rawValue, bytes.loadLittleEndian(UInt32.self, at: 2) == 56 else { return nil }
        let at = Frame.headerBytes
        return (TaskDigest(littleEndianBytes: bytes.dropFirst(at)), bytes.loadLittleEndian(UInt64.self, at: at + 32),
                bytes.loadLittleEndian(UInt64.self, at: at + 40), bytes.loadLittleEndian(UInt64.self, at: at + 48))
    }

    /// A result frame's fixed fields: digest, start and end instants, and transfer time.
    public typealias SoleResult = (digest: TaskDigest, startNanoseconds: UInt64, endNanoseconds: UInt64, transferNanoseconds: UInt64)
}

/// The header and index of a task frame, held inline: tvp sends one per task without allocating.
public struct TaskFramePrefix {
    /// Its length: the frame header and the 8-byte index.
    public static let count = Frame.headerBytes + 8
    /// Its bytes.
    public private(set) var bytes = InlineBytes(count: count)

    /// The prefix of task `index`'s frame, whose payload goes on with `trailing` bytes.
    public init(_ index: Int, trailing: Int) {
        bytes[0] = Frame.version
        bytes[1] = Frame.Kind.task.rawValue
        bytes.store(littleEndian: UInt32(8 + trailing), at: 2)
        bytes.store(littleEndian: UInt64(index), at: 6)
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
        return try Frame.header(in: header[...])
    }

    /// The next task frame's index and the bytes of payload that follow it, read in one go
    /// (header and index together: one `read` per task in the common case); nil when the stream
    /// ends cleanly between frames. A frame of another kind is an error: workers receive only tasks.
    public func nextTask() throws -> (index: Int, trailing: Int)? {
        // Inline: a worker reads one of these per task.
        var prefix = InlineBytes(count: TaskFramePrefix.count)
        let received = try descriptor.readExactly(into: &prefix)
        if received == 0 { return nil }
        // The header is judged first, so that a stream ending after a short foreign frame says so.
        guard received >= Frame.headerBytes else { throw FrameStreamError.truncated(expected: prefix.count, received: received) }
        let (kind, length) = try Frame.header(version: prefix[0], kind: prefix[1], length: prefix.load(littleEndian: UInt32.self, at: 2))
        guard kind == .task, length >= 8 else { throw FrameError.unexpected(kind: kind, length: length) }
        guard received == prefix.count else { throw FrameStreamError.truncated(expected: prefix.count, received: received) }
        guard let index = Int(exactly: prefix.load(littleEndian: UInt64.self, at: Frame.headerBytes)) else {
            throw FrameError.unexpected(kind: kind, length: length)
        }
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
    private var received = ByteQueue()

    /// An empty decoder.
    public init() {}

    /// Bytes received but not yet part of a whole frame.
    public var pendingBytes: Int { received.count }

    /// Adds received bytes.
    public mutating func append(_ bytes: some Collection<UInt8>) {
        append(ArraySlice(bytes))
    }

    /// Adds received bytes (the concrete form tvp's per-task path calls: no generic copy loop).
    public mutating func append(_ bytes: ArraySlice<UInt8>) {
        received.append(bytes)
    }

    /// The next whole frame, nil when more bytes are needed; throws on a malformed header.
    public mutating func next() throws(FrameError) -> Frame? { try nextReceived()?.frame }

    /// The next whole frame where it lies, without copying its payload; nil when more bytes are
    /// needed; throws on a malformed header.
    public mutating func nextReceived() throws(FrameError) -> ReceivedFrame? {
        guard received.count >= Frame.headerBytes else { return nil }
        let (kind, length) = try Frame.header(in: received[0..<Frame.headerBytes])
        guard received.count >= Frame.headerBytes + length else { return nil }
        let frame = ReceivedFrame(kind: kind, payload: received[Frame.headerBytes..<(Frame.headerBytes + length)])
        received.removeFirst(Frame.headerBytes + length)
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
