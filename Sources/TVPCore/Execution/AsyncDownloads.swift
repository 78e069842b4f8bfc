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
enum AsyncDownloads {
    /// The client's event loops, made once per process: they are the `async` mode's threads, like
    /// the cooperative pool, not a cost of one trial (`prepare()` makes them before any clock).
    static let group = MultiThreadedEventLoopGroup(numberOfThreads: ProcFS.usableCPUs())

    /// Starts the client's event loops now, outside every trial.
    static func prepare() { _ = group.next() }

    /// Runs every task of `request` and returns the outcomes in task order.
    static func run(_ request: ExecutionRequest, threadCount: ThreadCountSampler) async -> [TaskOutcome] {
        guard case .download(let workload) = request.workload, let port = request.input.serverPort else {
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
                if connection == nil || !workload.keepAlive { connection = try await connect(workload: workload, port: port) }
                let digest = try await connection!.download(task: index)
                if !workload.keepAlive { connection = nil }
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

        /// Sends task `index`'s request and awaits its digest.
        func download(task index: Int) async throws -> TaskDigest {
            let promise = channel.eventLoop.makePromise(of: TaskDigest.self)
            let handler = self.handler
            channel.eventLoop.execute { handler.value.start(task: index, promise: promise) }
            return try await promise.futureResult.get()
        }

        func close() { channel.close(promise: nil) }
    }

    /// Connects to the server (no name resolution: the address is numeric) and sets up HTTP/1.1.
    private static func connect(workload: DownloadWorkload, port: Int) async throws -> Connection {
        let address: SocketAddress
        do {
            address = try SocketAddress(ipAddress: "127.0.0.1", port: port)
        } catch {
            throw DownloadError.connection("127.0.0.1:\(port): \(error)")
        }
        let timeout = TimeAmount.nanoseconds(Int64(clamping: workload.latencyNanoseconds)) + .seconds(Int64(DownloadClient.idleTimeoutSeconds))
        do {
            return try await ClientBootstrap(group: group)
                .channelOption(.tcpOption(.tcp_nodelay), value: 1)
                .connectTimeout(timeout)
                .connect(to: address) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        let handler = DownloadResponseHandler(workload: workload, port: port)
                        try channel.pipeline.syncOperations.addHTTPClientHandlers()
                        try channel.pipeline.syncOperations.addHandler(handler)
                        return Connection(channel: channel, handler: NIOLoopBound(handler, eventLoop: channel.eventLoop))
                    }
                }
        } catch {
            throw DownloadError.connection("connect to 127.0.0.1:\(port): \(error)")
        }
    }
}
