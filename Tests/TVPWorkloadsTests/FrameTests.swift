import Testing
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

    @Test("typed fields read back")
    func fields() {
        #expect(Frame.ready(pid: 7, processStartNanoseconds: 9).readyFields! == (7, 9))
        #expect(Frame.task(12345).taskIndex == 12345)
        let digest = SHA256Hasher.hash([9])
        let result = Frame.result(digest, startNanoseconds: 1, endNanoseconds: 2).resultFields!
        #expect(result.digest == digest && result.startNanoseconds == 1 && result.endNanoseconds == 2)
        #expect(Frame.task(1).resultFields == nil)
        #expect(Frame(kind: .task, payload: [1, 2]).taskIndex == nil)
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
}
