import NIOCore
import NIOHTTP1

/// Answers the requests of one connection of the download server: each complete request is
/// answered after the server's latency, as a timer on the connection's event loop (no thread
/// waits), with the file's bytes and its `Content-Length`. `Connection: close` (or HTTP/1.0
/// without keep-alive) closes the connection after the answer; otherwise it stays open.
final class DownloadRequestHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let files: [ByteBuffer]
    private let latency: TimeAmount
    private var request: HTTPRequestHead?

    /// A handler serving `files` after `latency`.
    init(files: [ByteBuffer], latency: TimeAmount) {
        self.files = files
        self.latency = latency
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            request = head
        case .body:
            break
        case .end:
            guard let head = request else { return }
            request = nil
            let route = FileRoute.resolve(method: head.method.rawValue, uri: head.uri, files: files.count)
            let keepAlive = head.isKeepAlive
            let includeBody = head.method != .HEAD
            if latency > .zero {
                context.eventLoop.assumeIsolated().scheduleTask(in: latency) {
                    self.answer(route, keepAlive: keepAlive, includeBody: includeBody, context: context)
                }
            } else {
                answer(route, keepAlive: keepAlive, includeBody: includeBody, context: context)
            }
        }
    }

    private func answer(_ route: FileRoute, keepAlive: Bool, includeBody: Bool, context: ChannelHandlerContext) {
        let status: HTTPResponseStatus
        let body: ByteBuffer
        switch route {
        case .file(let index):
            status = .ok
            body = files[index]
        case .error(let code, let reason):
            status = HTTPResponseStatus(statusCode: code)
            body = ByteBuffer(string: reason + "\n")
        }
        var headers = HTTPHeaders()
        headers.add(name: "Content-Length", value: String(body.readableBytes))
        headers.add(name: "Content-Type", value: status == .ok ? "application/octet-stream" : "text/plain")
        if !keepAlive { headers.add(name: "Connection", value: "close") }
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))), promise: nil)
        if includeBody { context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil) }
        let written = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if !keepAlive {
            written.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        // A client that resets its connection is its own business: the server carries on.
        context.close(promise: nil)
    }
}
