import Testing
@testable import TVPWorkloads

/// Feeds `bytes` to a parser in pieces of `piece` bytes; returns the SHA-256 of the body it handed
/// on, the bytes it left unconsumed, and the parser.
private func parse(_ bytes: [UInt8], piece: Int = .max) throws(HTTPResponseError) -> (body: TaskDigest, left: Int, parser: HTTPResponseParser) {
    var parser = HTTPResponseParser()
    var body = SHA256Hasher()
    var offset = 0, left = 0
    while offset < bytes.count {
        let end = min(bytes.count, offset + min(piece, bytes.count))
        let chunk = Array(bytes[offset..<end])
        let used = try parser.consume(chunk.span) { body.update($0) }
        left += chunk.count - used
        offset = end
    }
    return (body.finish(), left, parser)
}

private func response(_ head: String, body: [UInt8] = []) -> [UInt8] { Array(head.utf8) + body }

@Suite("HTTP responses")
struct HTTPResponseParserTests {
    static let body = (0..<3_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
    static let ok = response("HTTP/1.1 200 OK\r\nContent-Length: 3000\r\nContent-Type: application/octet-stream\r\n\r\n", body: body)

    @Test("a whole response: status, length, and the body byte for byte", arguments: [Int.max, 1, 7, 1_500])
    func whole(piece: Int) throws {
        let (body, left, parser) = try parse(Self.ok, piece: piece)
        #expect(parser.isComplete)
        #expect(parser.status == 200)
        #expect(parser.contentLength == 3_000)
        #expect(parser.bodyBytesReceived == 3_000)
        #expect(body == SHA256Hasher.hash(Self.body))
        #expect(left == 0)
        #expect(!parser.closesConnection)
        try parser.finish()
    }

    @Test("bytes after the end of the body are left unconsumed")
    func trailingBytes() throws {
        let (body, left, parser) = try parse(Self.ok + Array("HTTP/1.1 200".utf8))
        #expect(parser.isComplete)
        #expect(body == SHA256Hasher.hash(Self.body))
        #expect(parser.bodyBytesReceived == 3_000)
        #expect(left == 12)
    }

    @Test("a stream that ends in the head or in the body is truncated, with how far it got")
    func truncated() throws {
        let inHead = try parse(Array(Self.ok.prefix(20))).parser
        #expect(throws: HTTPResponseError.truncated(received: 20, expected: nil)) { try inHead.finish() }
        let headLength = Self.ok.count - 3_000
        let inBody = try parse(Array(Self.ok.prefix(headLength + 1_234))).parser
        #expect(!inBody.isComplete)
        #expect(throws: HTTPResponseError.truncated(received: 1_234, expected: 3_000)) { try inBody.finish() }
        #expect("\(HTTPResponseError.truncated(received: 1_234, expected: 3_000))".contains("1234 of 3000 body bytes"))
    }

    @Test("Connection: close and HTTP/1.0 say the server closes; keep-alive overrides HTTP/1.0")
    func connectionClose() throws {
        #expect(try parse(response("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n")).parser.closesConnection)
        #expect(try parse(response("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n")).parser.closesConnection)
        #expect(try !parse(response("HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n")).parser.closesConnection)
    }

    @Test("a 404 is parsed with its status and its own body")
    func notFound() throws {
        let (body, _, parser) = try parse(response("HTTP/1.1 404 Not Found\r\nContent-Length: 5\r\n\r\n", body: Array("nope\n".utf8)))
        #expect(parser.status == 404)
        #expect(body == SHA256Hasher.hash(Array("nope\n".utf8)))
    }

    @Test("malformed heads are errors that name the problem", arguments: [
        ("HTTP/1.1 200 OK\r\nContent-Type: x\r\n\r\n", HTTPResponseError.missingContentLength),
        ("HTTP/1.1 200 OK\r\nContent-Length: 12a\r\n\r\n", .invalidContentLength("12a")),
        ("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", .invalidContentLength("-1")),
        ("HTTP/1.1 200 OK\r\nContent-Length: 10\r\nContent-Length: 11\r\n\r\n", .invalidContentLength("11")),
        ("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", .unsupportedTransferEncoding("chunked")),
        ("HTTP/2 200 OK\r\nContent-Length: 0\r\n\r\n", .malformedStatusLine("HTTP/2 200 OK")),
        ("SSH-2.0-OpenSSH\r\n\r\n", .malformedStatusLine("SSH-2.0-OpenSSH")),
        ("HTTP/1.1 2000 OK\r\nContent-Length: 0\r\n\r\n", .malformedStatusLine("HTTP/1.1 2000 OK")),
        ("HTTP/1.1 200 OK\r\nno colon here\r\nContent-Length: 0\r\n\r\n", .malformedHeader("no colon here")),
    ])
    func malformed(head: String, error: HTTPResponseError) {
        #expect(throws: error) { try parse(Array(head.utf8)) }
    }

    @Test("a head that never ends is refused past the limit")
    func endlessHead() {
        let endless = Array("HTTP/1.1 200 OK\r\nX: ".utf8) + [UInt8](repeating: UInt8(ascii: "a"), count: HTTPResponseParser.headLimit)
        #expect(throws: HTTPResponseError.headTooLarge(limit: HTTPResponseParser.headLimit)) { try parse(endless, piece: 4_096) }
    }
}
