import SystemPackage
import Testing
import TVPSystem
@testable import TVPWorkloads

@Suite("Worker framing")
struct FrameTests {
    static let frames: [Frame] = [
        .ready(pid: 4242, processStartNanoseconds: 123_456_789_000),
        .task(0), .task(99_999),
        .result(SHA256Hasher.hash([1, 2, 3]), startNanoseconds: 10, endNanoseconds: 20),
        .failure("disk on fire"),
        Frame(kind: .failure, payload: []),
    ]

    @Test("frames survive being delivered in odd chunk sizes", arguments: [1, 2, 3, 5, 7, 13, 64, 1000])
    func oddChunks(chunk: Int) throws {
        let stream = Self.frames.flatMap(\.encoded)
        var decoder = FrameDecoder()
        var decoded: [Frame] = []
        var offset = 0
        while offset < stream.count {
            decoder.append(stream[offset..<min(stream.count, offset + chunk)])
            offset += chunk
            while let frame = try decoder.next() { decoded.append(frame) }
        }
        #expect(decoded == Self.frames)
        #expect(decoder.pendingBytes == 0)
    }

    @Test("a long stream of frames of mixed sizes, cut at every chunk size, decodes whole while partial frames wait across the decoder's compactions and growth",
          arguments: [1, 9, 255, 256, 257, 4093, 70_000])
    func longStream(chunk: Int) throws {
        // Failure messages from 0 to 9,000 bytes, so frames straddle every cut and the decoder
        // both moves pending bytes to the front of its storage and grows it with bytes pending.
        let frames: [Frame] = (0..<600).map { index in
            switch index % 4 {
            case 0: .task(index)
            case 1: .result(SHA256Hasher.hash([UInt8(index % 256)]), startNanoseconds: UInt64(index), endNanoseconds: UInt64(index) + 7)
            case 2: .failure(String(repeating: "x", count: (index * 37) % 9_000))
            default: .ready(pid: Int32(index), processStartNanoseconds: UInt64(index) << 20)
            }
        }
        let stream = frames.flatMap(\.encoded)
        var decoder = FrameDecoder()
        var decoded: [Frame] = [], offset = 0
        while offset < stream.count {
            decoder.append(stream[offset..<min(stream.count, offset + chunk)])
            offset += chunk
            while let frame = try decoder.next() { decoded.append(frame) }
        }
        #expect(decoded == frames)
        #expect(decoder.pendingBytes == 0)
    }

    @Test("a frame read in place keeps its payload when more bytes are added after it")
    func inPlaceFrameOutlivesAppend() throws {
        var decoder = FrameDecoder()
        decoder.append(Frame.failure("first").encoded + Frame.failure("sec").encoded.prefix(3))
        let held = try #require(try decoder.nextReceived())
        // Enough bytes that the storage must grow and move.
        decoder.append(Frame.failure("sec").encoded.dropFirst(3) + Frame.failure(String(repeating: "y", count: 5000)).encoded)
        #expect(String(decoding: held.payload, as: UTF8.self) == "first")
        #expect(try decoder.next() == .failure("sec"))
        #expect(try decoder.next() == .failure(String(repeating: "y", count: 5000)))
        #expect(try decoder.next() == nil)
    }

    @Test("a whole result frame alone is read in place; anything else is left to the decoder")
    func soleResult() throws {
        let digest = SHA256Hasher.hash([4, 2])
        let plain = Frame.result(digest, startNanoseconds: 1_000, endNanoseconds: 5_000, transferNanoseconds: 300).encoded
        let fields = try #require(ReceivedFrame.soleResult(in: plain[...]))
        #expect(fields.digest == digest)
        #expect(fields.startNanoseconds == 1_000 && fields.endNanoseconds == 5_000 && fields.transferNanoseconds == 300)
        // The same bytes at an offset into a larger buffer, as a read into tvp's buffer gives them.
        let padded = [9, 9, 9] + plain + [7]
        #expect(ReceivedFrame.soleResult(in: padded[3..<(3 + plain.count)])?.digest == digest)
        // A result with output, two frames, part of one, another kind, another version, a length that lies.
        #expect(ReceivedFrame.soleResult(in: Frame.result(digest, startNanoseconds: 1, endNanoseconds: 2, output: [1]).encoded[...]) == nil)
        #expect(ReceivedFrame.soleResult(in: (plain + plain)[...]) == nil)
        #expect(ReceivedFrame.soleResult(in: plain.dropLast()) == nil)
        var failure = Frame.failure(String(repeating: "f", count: 56)).encoded
        #expect(failure.count == plain.count)
        #expect(ReceivedFrame.soleResult(in: failure[...]) == nil)
        failure = plain
        failure[0] = Frame.version + 1
        #expect(ReceivedFrame.soleResult(in: failure[...]) == nil)
        failure = plain
        failure[2] = 55
        #expect(ReceivedFrame.soleResult(in: failure[...]) == nil)
    }

    @Test("typed fields read back")
    func fields() {
        #expect(Frame.ready(pid: 7, processStartNanoseconds: 9).readyFields! == (7, 9))
        #expect(Frame.task(12345).taskIndex == 12345)
        let digest = SHA256Hasher.hash([9])
        let result = Frame.result(digest, startNanoseconds: 1, endNanoseconds: 2).resultFields!
        #expect(result.digest == digest && result.startNanoseconds == 1 && result.endNanoseconds == 2 && result.transferNanoseconds == 0)
        #expect(Frame.result(digest, startNanoseconds: 1, endNanoseconds: 2, transferNanoseconds: 77).resultFields!.transferNanoseconds == 77)
        #expect(Frame.task(1).resultFields == nil)
        #expect(Frame(kind: .task, payload: [1, 2]).taskIndex == nil)
    }

    @Test("a worker's reply buffer, reused from task to task, holds exactly the latest result frame; read in place it gives its fields back")
    func reusedReplyBuffer() throws {
        var reply: [UInt8] = []
        let first = SHA256Hasher.hash([1]), second = SHA256Hasher.hash([2])
        Frame.encodeResult(first, startNanoseconds: 5, endNanoseconds: 6, transferNanoseconds: 7, output: [9, 9, 9, 9], into: &reply)
        #expect(reply == Frame.result(first, startNanoseconds: 5, endNanoseconds: 6, transferNanoseconds: 7, output: [9, 9, 9, 9]).encoded)
        Frame.encodeResult(second, startNanoseconds: 10, endNanoseconds: 30, transferNanoseconds: 0, output: nil, into: &reply)
        #expect(reply.count == Frame.headerBytes + 56, "no byte of the longer first frame is left")
        var decoder = FrameDecoder()
        decoder.append(reply[...])
        let frame = try #require(try decoder.nextReceived())
        let fields = try #require(frame.resultFields)
        #expect(fields.digest == second && fields.startNanoseconds == 10 && fields.endNanoseconds == 30 && fields.output == nil)
        #expect(frame.frame == Frame.result(second, startNanoseconds: 10, endNanoseconds: 30))
        #expect(decoder.pendingBytes == 0)
        // A task prefix held inline: version, kind, payload length 8 + 1000 (little-endian), index.
        #expect(TaskFramePrefix(42, trailing: 1000).bytes.array == [Frame.version, 2, 0xF0, 0x03, 0, 0, 42, 0, 0, 0, 0, 0, 0, 0])
        #expect(Array(Frame.task(42).encoded) == TaskFramePrefix(42, trailing: 0).bytes.array)
    }

    @Test("a frame of another version is rejected with an error, not a crash")
    func wrongVersion() {
        var decoder = FrameDecoder()
        var bytes = Frame.task(1).encoded
        bytes[0] = 9
        decoder.append(bytes)
        #expect(throws: FrameError.unsupportedVersion(9)) { try decoder.next() }
    }

    @Test("an oversized length is rejected before any payload is awaited")
    func oversized() {
        var decoder = FrameDecoder()
        decoder.append([Frame.version, Frame.Kind.task.rawValue, 0xFF, 0xFF, 0xFF, 0x7F])
        #expect(throws: FrameError.oversized(0x7FFF_FFFF)) { try decoder.next() }
    }

    @Test("an unknown kind is rejected")
    func unknownKind() {
        var decoder = FrameDecoder()
        decoder.append([Frame.version, 77, 0, 0, 0, 0])
        #expect(throws: FrameError.unknownKind(77)) { try decoder.next() }
    }

    @Test("a partial frame waits for the rest")
    func partial() throws {
        var decoder = FrameDecoder()
        let bytes = Frame.failure("hello").encoded
        decoder.append(bytes.prefix(8))
        #expect(try decoder.next() == nil)
        decoder.append(bytes.dropFirst(8))
        #expect(try decoder.next() == .failure("hello"))
    }

    /// Writes `bytes` into a pipe in pieces of `chunk` bytes from another thread, so the reader
    /// meets every partial read a pipe can give; returns the read end.
    static func pipeFed(_ bytes: [UInt8], chunk: Int) throws -> (FileDescriptor, OSThread) {
        let pipe = try PipePair()
        let writer = try OSThread {
            var offset = 0
            while offset < bytes.count {
                try? pipe.writeEnd.writeAll(Array(bytes[offset..<min(bytes.count, offset + chunk)]))
                offset += chunk
            }
            pipe.writeEnd.closeQuietly()
        }
        return (pipe.readEnd, writer)
    }

    @Test("a worker's frame reader gets whole frames, and a slice after its task index, from odd-sized writes",
          arguments: [1, 3, 7, 4096, 70_000])
    func readerOddChunks(chunk: Int) throws {
        let slice = (0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let stream = Frame.task(5).encoded + Frame.taskPrefix(6, trailing: slice.count) + slice + Frame.failure("x").encoded
        let (readEnd, writer) = try Self.pipeFed(stream, chunk: chunk)
        defer { readEnd.closeQuietly(); writer.join() }
        let reader = FrameReader(readEnd)
        let first = try #require(try reader.nextHeader())
        #expect(first.kind == .task && first.length == 8)
        #expect(Frame(kind: .task, payload: try reader.read(8)).taskIndex == 5)
        let second = try #require(try reader.nextHeader())
        #expect(second.kind == .task && second.length == 8 + slice.count)
        #expect(Frame(kind: .task, payload: try reader.read(8)).taskIndex == 6)
        #expect(try reader.read(slice.count) == slice)
        let third = try #require(try reader.nextHeader())
        let failureText = try reader.read(third.length)
        #expect(third.kind == .failure && failureText == Array("x".utf8))
        #expect(try reader.nextHeader() == nil)
    }

    @Test("a worker reads each task's header and index in one go, then its slice, from odd-sized writes", arguments: [1, 5, 14, 4096])
    func nextTask(chunk: Int) throws {
        let slice = [UInt8](repeating: 7, count: 3000)
        let stream = Frame.task(41).encoded + Frame.taskPrefix(42, trailing: slice.count) + slice + Frame.failure("no").encoded
        let (readEnd, writer) = try Self.pipeFed(stream, chunk: chunk)
        defer { readEnd.closeQuietly(); writer.join() }
        let reader = FrameReader(readEnd)
        #expect(try reader.nextTask()! == (41, 0))
        #expect(try reader.nextTask()! == (42, slice.count))
        #expect(try reader.read(slice.count) == slice)
        #expect(throws: FrameError.unexpected(kind: .failure, length: 2)) { try reader.nextTask() }
    }

    @Test("the frame reader rejects a wrong version, an oversized length and a stream cut inside a frame")
    func readerErrors() throws {
        var wrong = Frame.task(1).encoded
        wrong[0] = 1
        let (a, ta) = try Self.pipeFed(wrong, chunk: 3)
        defer { a.closeQuietly(); ta.join() }
        #expect(throws: FrameError.unsupportedVersion(1)) { try FrameReader(a).nextHeader() }

        let (b, tb) = try Self.pipeFed([Frame.version, Frame.Kind.task.rawValue, 0xFF, 0xFF, 0xFF, 0xFF], chunk: 2)
        defer { b.closeQuietly(); tb.join() }
        #expect(throws: FrameError.oversized(0xFFFF_FFFF)) { try FrameReader(b).nextHeader() }

        let (c, tc) = try Self.pipeFed(Array(Frame.taskPrefix(2, trailing: 1000).prefix(10)), chunk: 4)
        defer { c.closeQuietly(); tc.join() }
        let reader = FrameReader(c)
        #expect(try reader.nextHeader()?.length == 1008)
        #expect(throws: FrameStreamError.truncated(expected: 8, received: 4)) { try reader.read(8) }

        let (d, td) = try Self.pipeFed([Frame.version, 2, 8], chunk: 1)
        defer { d.closeQuietly(); td.join() }
        #expect(throws: FrameStreamError.truncated(expected: Frame.headerBytes, received: 3)) { try FrameReader(d).nextHeader() }
    }
}
