/// Reads one HTTP/1.1 response as its bytes arrive, in any pieces: the status line and headers,
/// then exactly `Content-Length` bytes of body handed on as they come (never copied). Strict: a
/// response it cannot frame without guessing (no `Content-Length`, chunked encoding, a malformed
/// line) is an error, as is an end of stream before the body is complete.
public struct HTTPResponseParser: Sendable {
    /// The longest head (status line and headers) accepted.
    public static let headLimit = 16 << 10

    private enum State: Sendable {
        case head
        case body(remaining: Int)
        case complete
    }

    private var state = State.head
    private var head: [UInt8] = []
    /// The status code, once the head is read.
    public private(set) var status: Int?
    /// The body's declared length, once the head is read.
    public private(set) var contentLength: Int?
    /// Whether the server said it closes the connection after this response (`Connection: close`,
    /// or HTTP/1.0 without `keep-alive`).
    public private(set) var closesConnection = false
    /// Body bytes handed on so far.
    public private(set) var bodyBytesReceived = 0

    /// A parser waiting for a response's first byte.
    public init() {}

    /// Whether the whole response, body included, has been read.
    public var isComplete: Bool {
        if case .complete = state { true } else { false }
    }

    /// Reads `bytes`, handing each piece of body to `body`; returns how many of them belong to this
    /// response (the rest, if any, came after it).
    public mutating func consume(_ bytes: Span<UInt8>, body: (RawSpan) -> Void) throws(HTTPResponseError) -> Int {
        var offset = 0
        while offset < bytes.count {
            switch state {
            case .complete:
                return offset
            case .head:
                let byte = bytes[offset]
                head.append(byte)
                offset += 1
                if head.count > Self.headLimit { throw .headTooLarge(limit: Self.headLimit) }
                if byte == UInt8(ascii: "\n"), head.count >= 4, head[head.count - 2] == UInt8(ascii: "\r"),
                   head[head.count - 3] == UInt8(ascii: "\n"), head[head.count - 4] == UInt8(ascii: "\r") {
                    let length = try parseHead()
                    state = length == 0 ? .complete : .body(remaining: length)
                }
            case .body(let remaining):
                let n = min(remaining, bytes.count - offset)
                body(bytes.extracting(offset..<offset + n).bytes)
                offset += n
                bodyBytesReceived += n
                state = remaining == n ? .complete : .body(remaining: remaining - n)
            }
        }
        return offset
    }

    /// The stream ended: throws `truncated` unless the response was complete.
    public func finish() throws(HTTPResponseError) {
        switch state {
        case .complete: return
        case .head: throw .truncated(received: head.count, expected: nil)
        case .body: throw .truncated(received: bodyBytesReceived, expected: contentLength)
        }
    }

    /// Parses the head, sets `status`, `contentLength` and `closesConnection`; returns the body's length.
    private mutating func parseHead() throws(HTTPResponseError) -> Int {
        let text = String(decoding: head.dropLast(4), as: UTF8.self)
        let lines = text.split(separator: "\r\n", omittingEmptySubsequences: false)
        let statusLine = lines[0].split(separator: " ", maxSplits: 2, omittingEmptySubsequences: false)
        guard statusLine.count >= 2, statusLine[0] == "HTTP/1.1" || statusLine[0] == "HTTP/1.0",
              statusLine[1].count == 3, let code = Int(statusLine[1]) else {
            throw .malformedStatusLine(String(lines[0].prefix(80)))
        }
        status = code
        var keepAlive = statusLine[0] == "HTTP/1.1"
        var length: Int?
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":"), colon != line.startIndex else {
                throw .malformedHeader(String(line.prefix(80)))
            }
            let name = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: " \t")
            switch name {
            case "content-length":
                guard !value.isEmpty, value.allSatisfy(\.isASCIIDigit), let parsed = Int(value),
                      length == nil || length == parsed else { throw .invalidContentLength(String(value.prefix(40))) }
                length = parsed
            case "transfer-encoding":
                throw .unsupportedTransferEncoding(String(value.prefix(40)))
            case "connection":
                let tokens = value.lowercased().split(separator: ",").map { $0.trimmingCharacters(in: " \t") }
                if tokens.contains("close") { keepAlive = false }
                if tokens.contains("keep-alive") { keepAlive = true }
            default:
                break
            }
        }
        guard let length else { throw .missingContentLength }
        contentLength = length
        closesConnection = !keepAlive
        return length
    }
}

/// Why a response could not be read.
public enum HTTPResponseError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The first line is not `HTTP/1.x NNN reason`.
    case malformedStatusLine(String)
    /// A header line has no `name:`.
    case malformedHeader(String)
    /// The head did not end within `limit` bytes.
    case headTooLarge(limit: Int)
    /// No `Content-Length`: the body cannot be framed.
    case missingContentLength
    /// A `Content-Length` that is not a number, or two that disagree.
    case invalidContentLength(String)
    /// A `Transfer-Encoding` (chunked bodies are not what tvp's server sends).
    case unsupportedTransferEncoding(String)
    /// The stream ended after `received` bytes of the head (`expected` nil) or of the body.
    case truncated(received: Int, expected: Int?)

    public var description: String {
        switch self {
        case .malformedStatusLine(let line): "malformed status line '\(line)'"
        case .malformedHeader(let line): "malformed header line '\(line)'"
        case .headTooLarge(let limit): "response head longer than \(limit) bytes"
        case .missingContentLength: "response without Content-Length"
        case .invalidContentLength(let value): "invalid Content-Length '\(value)'"
        case .unsupportedTransferEncoding(let value): "unsupported Transfer-Encoding '\(value)'"
        case .truncated(let received, nil): "connection closed after \(received) bytes of the response head"
        case .truncated(let received, let expected?): "connection closed after \(received) of \(expected) body bytes (truncated response)"
        }
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}

extension Substring {
    fileprivate func trimmingCharacters(in set: String) -> String {
        var s = self[...]
        while let f = s.first, set.contains(f) { s.removeFirst() }
        while let l = s.last, set.contains(l) { s.removeLast() }
        return String(s)
    }
}

extension String {
    fileprivate func trimmingCharacters(in set: String) -> String { self[...].trimmingCharacters(in: set) }
}
