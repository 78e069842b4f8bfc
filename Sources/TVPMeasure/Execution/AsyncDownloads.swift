import NIOCore
import NIOHTTP1
import NIOPosix
import TVPSystem
import TVPWorkloads

/// `download` tasks under `async`: at most `workers` downloads in flight, each a Swift child task
/// that awaits its connection and its response without holding a thread. The sockets are
/// non-blocking, watched by SwiftNIO's event loops (epoll, one thread per CPU), which also hash the
/// body as it arrives; no cooperative-pool thread ever blocks on the network.
///
/// Each of the `workers` child tasks runs tasks one after another, taking the next index from a
/// shared counter: with `keep_alive` it keeps its connection, as a pool of kept connections would.
package enum AsyncDownloads {
    /// The client's event loops, made once per process: they are the `async` mode's threads, like
    /// the cooperative pool, not a cost of one trial (`prepare()` makes them before any clock).
    static let group = MultiThreadedEventLoopGroup(numberOfThreads: ProcFS.usableCPUs())

    /// Starts the client's event loops now, outside every trial.
    package static func prepare() { _ = group.next() }

    /// Runs every task of `request` and returns the outcomes in task order.
    static func run(_ request: ExecutionRequest, threadCount: ThreadCountSampler) async -> [TaskOutcome] {
        guard let workload = request.workload.as(DownloadWorkload.self), let port = request.input.serverPort else {
            return Array(repeating: .failure("download tasks need the server's port as their input"), count: request.tasks)
        }
        let queue = TaskQueue(count: request.tasks)
        let lanes = min(request.workers, request.tasks)
        return await withTaskGroup(of: [(Int, TaskOutcome)].self, returning: [TaskOutcome].self) { group in
            for _ in 0..<lanes {
                group.addTask { await lane(workload: workload, port: Int(port), queue: queue, threadCount: threadCount) }
            }
            var outcomes = [TaskOutcome](repeating: .notRun, count: request.tasks)
            for await finished in group {
                for (index, outcome) in finished { outcomes[index] = outcome }
            }
            return outcomes
        }
    }

    /// One download in flight at a time: takes tasks until there are none left.
    private static func lane(workload: DownloadWorkload, port: Int, queue: TaskQueue,
                             threadCount: ThreadCountSampler) async -> [(Int, TaskOutcome)] {
        var results: [(Int, TaskOutcome)] = []
        var connection: Connection?
        while let index = queue.next() {
            if Task.isCancelled {
                results.append((index, .failure("not run: the trial was cancelled after the task timeout")))
                continue
            }
            let start = MonotonicInstant.now()
            do {
                let digest: TaskDigest
                if let kept = connection {
                    digest = try await kept.download(task: index)
                } else {
                    // A new connection and its first request in one chain of futures on the event
                    // loop: the task waits once, not once for the connect and again for the answer.
                    let opened = try await connectAndDownload(task: index, workload: workload, port: port)
                    digest = opened.digest
                    if workload.keepAlive { connection = opened.connection }
                }
                results.append((index, .success(digest, duration: MonotonicInstant.now().nanoseconds &- start.nanoseconds)))
            } catch {
                connection?.close()
                connection = nil
                let message = error is DownloadError ? "\(error)" : DownloadError.connection("\(error)").description
                results.append((index, .failure(message, duration: MonotonicInstant.now().nanoseconds &- start.nanoseconds)))
            }
            threadCount.sampleIfDue()
        }
        connection?.close()
        return results
    }

    /// A connection and its handler, on the connection's event loop.
    private struct Connection: Sendable {
        let channel: any Channel
        let handler: NIOLoopBound<DownloadResponseHandler>

        /// Sends task `index`'s request on this kept connection and awaits its digest.
        func download(task index: Int) async throws -> TaskDigest {
            let handler = self.handler
            return try await channel.eventLoop.flatSubmit {
                let promise = handler.eventLoop.makePromise(of: TaskDigest.self)
                handler.value.start(task: index, promise: promise)
                return promise.futureResult
            }.get()
        }

        func close() { channel.close(promise: nil) }
    }

    /// What a new connection's first download gives: the digest, and the connection to keep.
    private struct Opened: Sendable {
        let digest: TaskDigest
        let connection: Connection
    }

    /// Connects to the server (no name resolution: the address is numeric), sets up HTTP/1.1 and
    /// sends task `index`'s request as soon as the connection is up; awaits the digest.
    private static func connectAndDownload(task index: Int, workload: DownloadWorkload, port: Int) async throws -> Opened {
        let address: SocketAddress
        do {
            address = try SocketAddress(ipAddress: "127.0.0.1", port: port)
        } catch {
            throw DownloadError.connection("127.0.0.1:\(port): \(error)")
        }
        let timeout = TimeAmount.nanoseconds(Int64(clamping: workload.latencyNanoseconds)) + .seconds(Int64(DownloadClient.idleTimeoutSeconds))
        let opened = ClientBootstrap(group: group)
            .channelOption(.tcpOption(.tcp_nodelay), value: 1)
            .connectTimeout(timeout)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(DownloadResponseHandler(workload: workload, port: port))
                }
            }
            .connect(to: address)
            .flatMapErrorThrowing { error in throw DownloadError.connection("connect to 127.0.0.1:\(port): \(error)") }
            .flatMap { channel -> EventLoopFuture<Opened> in
                let loop = channel.eventLoop.assumeIsolated()
                do {
                    let handler = try channel.pipeline.syncOperations.handler(type: DownloadResponseHandler.self)
                    let promise = loop.nonisolated().makePromise(of: TaskDigest.self)
                    handler.start(task: index, promise: promise)
                    let connection = Connection(channel: channel, handler: NIOLoopBound(handler, eventLoop: channel.eventLoop))
                    return promise.futureResult.map { Opened(digest: $0, connection: connection) }
                } catch {
                    channel.close(promise: nil)
                    return loop.nonisolated().makeFailedFuture(error)
                }
            }
        return try await opened.get()
    }
}
