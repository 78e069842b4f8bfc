import NIOCore
import NIOHTTP1
import NIOPosix
import TVPSystem
import TVPWorkloads

/// The `download` workload's HTTP/1.1 server on 127.0.0.1: SwiftNIO's event loops (epoll,
/// non-blocking sockets, one thread per CPU), holding `files` files of `fileSize` bytes in memory
/// and answering `GET /files/<index>` after `latency`. tvp runs it as a process of its own
/// (`tvp serve`) so that its CPU time is not the mode's; tests may run it in their process.
public final class DownloadServer: Sendable {
    /// What it serves.
    public let configuration: DownloadServerConfiguration
    /// The port it listens on.
    public let port: Int
    private let group: MultiThreadedEventLoopGroup
    private let channel: any Channel

    /// Event loops when none are asked for: one per CPU tvp may use.
    public static var defaultThreads: Int { ProcFS.usableCPUs() }

    /// Accept queue asked of the kernel; it grants at most `net.core.somaxconn`.
    public static let backlog: Int32 = 16_384

    private init(configuration: DownloadServerConfiguration, port: Int, group: MultiThreadedEventLoopGroup, channel: any Channel) {
        self.configuration = configuration
        self.port = port
        self.group = group
        self.channel = channel
    }

    /// Builds the files and starts listening on `127.0.0.1:port` (0: a free port) with `threads`
    /// event loops.
    public static func start(_ configuration: DownloadServerConfiguration, port: Int = 0, threads: Int) throws -> DownloadServer {
        let workload = DownloadWorkload(files: configuration.files, fileSize: configuration.fileSize,
                                        latencyNanoseconds: configuration.latencyNanoseconds, keepAlive: true)
        let files = (0..<configuration.files).map { ByteBuffer(bytes: workload.content(ofFile: $0)) }
        let latency = TimeAmount.nanoseconds(Int64(clamping: configuration.latencyNanoseconds))
        let group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, threads))
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: backlog)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            // Accept up to 256 connections per wake-up: a burst of thousands drains in a few rounds.
            .serverChannelOption(.maxMessagesPerRead, value: 256)
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(DownloadRequestHandler(files: files, latency: latency))
                }
            }
        do {
            let channel = try bootstrap.bind(host: "127.0.0.1", port: port).wait()
            let bound = channel.localAddress?.port ?? port
            return DownloadServer(configuration: configuration, port: bound, group: group, channel: channel)
        } catch {
            try? group.syncShutdownGracefully()
            if let io = error as? IOError, io.errnoCode == SystemErrorNumbers.addressInUse {
                throw DownloadServerError(message: "cannot listen on 127.0.0.1:\(port): port \(port) is already in use by another program; choose another with --port, or --port 0 for a free one (printed when listening)")
            }
            throw DownloadServerError(message: "cannot listen on 127.0.0.1:\(port): \(error)")
        }
    }

    /// Prepares the process that runs a server: it ends when the tvp that started it does
    /// (`ParentDeath.arm`; nothing for a server started by hand), ends on SIGTERM and SIGINT even when
    /// started with them blocked, may open as many connections as
    /// the kernel allows it (the soft descriptor limit raised to the hard one), and with `realtime`
    /// runs its event loops at real-time priority (`RealtimePriority`). Returns why real-time
    /// priority was refused, nil when it was granted or not asked for.
    public static func prepareProcess(realtime: Bool) -> String? {
        ParentDeath.arm()
        SignalDefaults.restore()
        DescriptorLimit.raiseToHard()
        return realtime ? RealtimePriority.enterRoundRobin() : nil
    }

    /// Blocks until the server stops.
    public func wait() throws {
        try channel.closeFuture.wait()
    }

    /// Stops listening, closes every connection and ends the event loops.
    public func stop() {
        try? channel.close().wait()
        try? group.syncShutdownGracefully()
    }

    /// The line `tvp serve` prints once it listens: tvp reads the port from it.
    public var readyLine: String { "tvp serve: listening on http://127.0.0.1:\(port)/files/<0..\(configuration.files - 1)>\n" }

    /// The port in a `readyLine`; nil when `line` is not one.
    public static func port(inReadyLine line: String) -> Int? {
        guard line.hasPrefix("tvp serve: listening on http://127.0.0.1:"),
              let portText = line.dropFirst("tvp serve: listening on http://127.0.0.1:".count).split(separator: "/").first
        else { return nil }
        return Int(portText)
    }
}

/// The server could not start.
public struct DownloadServerError: Error, CustomStringConvertible, Sendable {
    /// What went wrong, and what to do.
    public var message: String
    public var description: String { message }

    /// Creates the value from its parts.
    public init(message: String) {
        self.message = message
    }
}
