import TVPSystem

/// The blocking HTTP/1.1 client of the `download` workload, as `serial`, `threads`, the `gil`
/// modes and the worker processes run it: one socket, blocking calls, each of them between the
/// hooks' `beginBlocking` and `endBlocking` (where CPython's socket module releases the GIL), each
/// received piece of body hashed between `beginReleasedCompute` and `endReleasedCompute`.
///
/// With `keepAlive`, the connection stays open for the next download of the same client (one per
/// thread or worker process); without it every download connects, asks for `Connection: close`
/// and reads until the server closes.
public struct DownloadClient: ~Copyable {
    /// What to download.
    public let workload: DownloadWorkload
    /// The server's port on 127.0.0.1.
    public let port: UInt16
    private var connection: LoopbackSocket?
    private var buffer: [UInt8]
    /// The task timeout, when the caller runs the client in its own process (where nothing else
    /// could stop a download that hangs): no socket call waits longer.
    private let taskTimeoutSeconds: Double?

    /// Longest wait for the server beyond its latency before a download fails, seconds.
    public static let idleTimeoutSeconds = 30.0
    /// Size of each `recv`, and of the one buffer each client holds: curl's default (16 KiB). At
    /// 10,000 threads in flight each client's buffer is resident memory of its own.
    public static let receiveBytes = 16 << 10

    /// A client of the server on `port`; it connects on its first download. With
    /// `taskTimeoutSeconds`, every connect, send and receive waits at most that long
    /// (`SO_SNDTIMEO`/`SO_RCVTIMEO`), so a slow server fails the task instead of stalling the trial.
    public init(workload: DownloadWorkload, port: UInt16, taskTimeoutSeconds: Double? = nil) {
        self.workload = workload
        self.port = port
        self.taskTimeoutSeconds = taskTimeoutSeconds
        buffer = [UInt8](repeating: 0, count: Self.receiveBytes)
    }

    deinit { connection?.close() }

    /// The request for task `index`'s file.
    public static func request(for workload: DownloadWorkload, task index: Int, port: UInt16) -> [UInt8] {
        let close = workload.keepAlive ? "" : "Connection: close\r\n"
        return Array("GET \(workload.path(forTask: index)) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nUser-Agent: tvp\r\n\(close)\r\n".utf8)
    }

    /// Downloads task `index`'s file and returns the task's digest (SHA-256 of the index and the body).
    public mutating func download<Hooks: TaskHooks>(task index: Int, hooks: Hooks) throws(DownloadError) -> TaskDigest {
        do {
            return try exchange(task: index, hooks: hooks)
        } catch let error as DownloadError {
            dropConnection()
            throw error
        } catch let error as HTTPResponseError {
            dropConnection()
            if case .truncated = error { throw .connection("\(error)") }
            throw .response("\(error)")
        } catch {
            dropConnection()
            throw .connection("\(error)")
        }
    }

    /// One request and its response on the kept or a new connection.
    private mutating func exchange<Hooks: TaskHooks>(task index: Int, hooks: Hooks) throws -> TaskDigest {
        var hasher = SHA256Hasher()
        hasher.update(UInt64(index))
        let socket = try connected(hooks: hooks)
        let request = Self.request(for: workload, task: index, port: port)
        hooks.beginBlocking()
        let sent = Result { () throws in try socket.sendAll(request.span.bytes) }
        hooks.endBlocking()
        if case .failure(let error) = sent { throw DownloadError.connection("sending the request: \(error)") }
        var parser = HTTPResponseParser()
        while !parser.isComplete {
            let n = try receive(on: socket, hooks: hooks)
            if n == 0 { try parser.finish() }
            let used = try parser.consume(buffer.span.extracting(0..<n)) { piece in
                hooks.beginReleasedCompute()
                hasher.update(piece)
                hooks.endReleasedCompute()
                hooks.checkpoint()
            }
            if used < n { throw DownloadError.response("\(n - used) bytes arrived after the end of the response") }
            try check(parser, task: index)
        }
        if !workload.keepAlive || parser.closesConnection {
            // The server closes after the response: any byte before its end is one too many.
            if !workload.keepAlive, try receive(on: socket, hooks: hooks) > 0 {
                throw DownloadError.response("bytes arrived after the end of the response (Content-Length too small?)")
            }
            dropConnection()
        }
        return hasher.finish()
    }

    /// Closes the kept connection, if any.
    public mutating func dropConnection() {
        connection?.close()
        connection = nil
    }

    private mutating func connected<Hooks: TaskHooks>(hooks: Hooks) throws(DownloadError) -> LoopbackSocket {
        if let connection { return connection }
        let port = self.port
        let timeout = min(Double(workload.latencyNanoseconds) / 1e9 + Self.idleTimeoutSeconds, taskTimeoutSeconds ?? .infinity)
        hooks.beginBlocking()
        let attempt = Result { () throws in try LoopbackSocket.connect(port: port, timeoutSeconds: timeout) }
        hooks.endBlocking()
        switch attempt {
        case .success(let socket):
            connection = socket
            return socket
        case .failure(let error):
            throw .connection("\(error)")
        }
    }

    private mutating func receive<Hooks: TaskHooks>(on socket: LoopbackSocket, hooks: Hooks) throws(DownloadError) -> Int {
        hooks.beginBlocking()
        defer { hooks.endBlocking() }
        do {
            return try socket.receive(into: &buffer)
        } catch {
            let limit = taskTimeoutSeconds.map { " (no answer within the task timeout, task_timeout_s: \($0) s?)" } ?? ""
            throw .connection("receiving the response: \(error)\(limit)")
        }
    }

    /// The status and the declared length, as soon as the head is read.
    private func check(_ parser: HTTPResponseParser, task index: Int) throws(DownloadError) {
        if let status = parser.status, status != 200 {
            throw .response("GET \(workload.path(forTask: index)) answered \(status), expected 200")
        }
        if let length = parser.contentLength, length != workload.fileSize {
            throw .response("Content-Length \(length) for \(workload.path(forTask: index)), expected the file size \(workload.fileSize)")
        }
    }
}

/// Why a download failed: the connection (refused, reset, closed early, timed out, no descriptor
/// left) or the response (malformed, wrong status or length).
public enum DownloadError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The connection failed.
    case connection(String)
    /// The server's answer was wrong.
    case response(String)

    /// How a connection error's message begins, in every mode (process workers report it as text):
    /// trials count their connection errors by it.
    public static let connectionPrefix = "connection error: "

    public var description: String {
        switch self {
        case .connection(let message): Self.connectionPrefix + message
        case .response(let message): "bad response: " + message
        }
    }
}
