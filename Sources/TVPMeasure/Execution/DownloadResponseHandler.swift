import NIOCore
import NIOHTTP1
import TVPWorkloads

/// The `async` client's end of one connection, on its NIO event loop: sends a task's request,
/// hashes the body's pieces as they arrive (SHA-256 of the task index, then the body, as every
/// mode digests it), checks the status and the length, and completes the task's promise. Under
/// `Connection: close` the promise waits for the server's close, as the blocking client reads to
/// the end of the stream.
final class DownloadResponseHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart

    private let workload: DownloadWorkload
    private let port: Int
    private var promise: EventLoopPromise<TaskDigest>?
    private var task = 0
    private var hasher = SHA256Hasher()
    private var received = 0
    private var digest: TaskDigest?
    private var context: ChannelHandlerContext?
    /// Counts the requests sent, so that a time-out armed for one never fails a later one.
    private var generation = 0
    /// The current request's time-out, cancelled when it ends (a timer holds the connection).
    private var deadline: Scheduled<Void>?

    /// A handler for downloads of `workload` from the server on `port`.
    init(workload: DownloadWorkload, port: Int) {
        self.workload = workload
        self.port = port
    }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

    /// Sends the request of task `index`; `promise` gets its digest or its error. On the event loop.
    func start(task index: Int, promise: EventLoopPromise<TaskDigest>) {
        guard let context, context.channel.isActive else {
            promise.fail(DownloadError.connection("the kept connection was closed by the server"))
            return
        }
        self.promise = promise
        task = index
        hasher = SHA256Hasher()
        hasher.update(UInt64(index))
        received = 0
        digest = nil
        var headers = HTTPHeaders([("Host", "127.0.0.1:\(port)"), ("User-Agent", "tvp")])
        if !workload.keepAlive { headers.add(name: "Connection", value: "close") }
        let head = HTTPRequestHead(version: .http1_1, method: .GET, uri: workload.path(forTask: index), headers: headers)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        generation += 1
        let armed = generation
        // As the blocking client's receive timeout: a server that stops answering fails the task.
        let timeout = TimeAmount.nanoseconds(Int64(clamping: workload.latencyNanoseconds)) + .seconds(Int64(DownloadClient.idleTimeoutSeconds))
        deadline = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) {
            if self.generation == armed, self.promise != nil {
                self.fail(.connection("no complete response within \(DownloadClient.idleTimeoutSeconds) s after the server's latency"), context: context)
            }
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard promise != nil else { return }
        switch unwrapInboundIn(data) {
        case .head(let head):
            let length = head.headers["Content-Length"].first.flatMap { Int($0) }
            if head.status != .ok {
                fail(.response("GET \(workload.path(forTask: task)) answered \(head.status.code), expected 200"), context: context)
            } else if length != workload.fileSize {
                fail(.response("Content-Length \(length.map(String.init) ?? "missing") for \(workload.path(forTask: task)), expected the file size \(workload.fileSize)"), context: context)
            }
        case .body(let buffer):
            received += buffer.readableBytes
            hasher.update(buffer.readableBytesSpan)
        case .end:
            guard received == workload.fileSize else {
                fail(.response("\(received) body bytes for \(workload.path(forTask: task)), expected \(workload.fileSize)"), context: context)
                return
            }
            var finished = SHA256Hasher()
            swap(&finished, &hasher)
            let digest = finished.finish()
            if workload.keepAlive {
                succeed(digest)
            } else {
                // The server closes after its answer: the task ends with the close.
                self.digest = digest
            }
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        if let digest {
            succeed(digest)
        } else if promise != nil {
            fail(.connection("connection closed after \(received) of \(workload.fileSize) body bytes (truncated response)"), context: context)
        }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        if let parserError = error as? HTTPParserError {
            if digest != nil {
                fail(.response("bytes arrived after the end of the response (\(parserError))"), context: context)
            } else if parserError == .invalidEOFState {
                fail(.connection("connection closed after \(received) of \(workload.fileSize) body bytes (truncated response)"), context: context)
            } else {
                fail(.response("malformed response (\(parserError))"), context: context)
            }
        } else {
            fail(.connection("\(error)"), context: context)
        }
    }

    private func succeed(_ digest: TaskDigest) {
        deadline?.cancel()
        deadline = nil
        let promise = self.promise
        self.promise = nil
        self.digest = nil
        promise?.succeed(digest)
    }

    private func fail(_ error: DownloadError, context: ChannelHandlerContext) {
        deadline?.cancel()
        deadline = nil
        let promise = self.promise
        self.promise = nil
        self.digest = nil
        promise?.fail(error)
        context.close(promise: nil)
    }
}
