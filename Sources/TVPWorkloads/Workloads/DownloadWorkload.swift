/// Parameters of the `download` workload: each task fetches one of `files` files of `fileSize`
/// bytes over HTTP/1.1 from tvp's loopback server, which answers each request after
/// `latencyNanoseconds` (the network round trip being simulated).
///
/// Task `index` fetches file `index % files`; its digest is SHA-256 of the task index and the
/// body, so every mode that received the right bytes gives the same digest.
public struct DownloadWorkload: WorkloadKind, Hashable {
    /// Distinct files the server holds.
    public var files: Int
    /// Size of each file, bytes.
    public var fileSize: Int
    /// How long the server waits before answering each request, nanoseconds.
    public var latencyNanoseconds: UInt64
    /// Whether a worker keeps its connection for its next download (HTTP keep-alive) instead of
    /// connecting for each (`Connection: close`).
    public var keepAlive: Bool

    /// The defaults of the workload and of `tvp serve`.
    public static let defaultFiles = 100, defaultFileSize = 16 << 10, defaultLatencyMilliseconds = 50.0

    /// Files a server may hold.
    public static let filesRange = 1...100_000
    /// Bytes a file may have.
    public static let fileSizeRange = 0...(64 << 20)
    /// Most bytes all files together may have: the server holds them in memory.
    public static let maximumTotalBytes = 1 << 30
    /// Latencies a server may be asked for, milliseconds.
    public static let latencyMillisecondsRange = 0.0...600_000.0

    /// Creates the parameters.
    public init(files: Int, fileSize: Int, latencyNanoseconds: UInt64, keepAlive: Bool) {
        self.files = files
        self.fileSize = fileSize
        self.latencyNanoseconds = latencyNanoseconds
        self.keepAlive = keepAlive
    }

    public static let name = "download"
    public static let summary = "an HTTP download from tvp's loopback server, which answers after a latency: real sockets"
    public static let parameters = [
        WorkloadParameter("files", .count(filesRange), default: .integer(defaultFiles), summary: "distinct files the server holds; task i fetches file i mod files"),
        WorkloadParameter("file_size", .bytes(fileSizeRange), default: .integer(defaultFileSize), unit: "bytes", summary: "size of each file"),
        WorkloadParameter("latency_ms", .milliseconds(latencyMillisecondsRange), default: .number(defaultLatencyMilliseconds), unit: "ms",
                          summary: "how long the server waits before each answer"),
        WorkloadParameter("keep_alive", .flag, default: .flag(false), summary: "`true`: a worker keeps its connection between downloads"),
    ]

    public init(parameters values: ParameterValues) throws(ParameterProblem) {
        self.init(files: values.integer("files"), fileSize: values.integer("file_size"),
                  latencyNanoseconds: nanoseconds(milliseconds: values.number("latency_ms")), keepAlive: values.flag("keep_alive"))
        guard files * fileSize <= Self.maximumTotalBytes else {
            throw ParameterProblem(parameter: "file_size", message: "files × file_size must stay within 1GiB: the server holds every file in memory")
        }
    }
    public var parameterValues: ParameterValues {
        ParameterValues([("files", .integer(files)), ("file_size", .integer(fileSize)),
                         ("latency_ms", .number(Double(latencyNanoseconds) / 1e6)), ("keep_alive", .flag(keepAlive))])
    }
    public var label: String {
        "download[\(ParameterValue.number(Double(latencyNanoseconds) / 1e6).text)ms \(files)x\(SizeSyntax.format(fileSize)) \(keepAlive ? "keep-alive" : "close")]"
    }

    public func makeTask(input: TaskInput, taskTimeoutSeconds: Double?) -> any WorkloadTask {
        DownloadTask(client: input.serverPort.map { DownloadClient(workload: self, port: $0, taskTimeoutSeconds: taskTimeoutSeconds) })
    }
    public var needs: TaskNeeds { .server }
    public func referenceDigest(tasks: Int, input: TaskInput) throws -> TaskDigest? { referenceDigest(tasks: tasks) }
    public func bytesPerTrial(tasks: Int) -> Int { fileSize * tasks }
    public var onlyComputes: Bool { false }
    public func estimatedTaskSeconds(tasks: Int) -> (compute: Double, wait: Double) {
        // The server's latency, then a connection, a request and the body hashed on both sides.
        (0.0002 + Double(fileSize) / 300e6, Double(latencyNanoseconds) / 1e9)
    }

    /// The file task `index` downloads.
    public func file(forTask index: Int) -> Int { index % max(1, files) }

    /// The path task `index` requests: `/files/<file>`.
    public func path(forTask index: Int) -> String { "/files/\(file(forTask: index))" }

    /// The content of file `file`: `fileSize` bytes of the pattern stream seeded by the file's
    /// number. The server serves exactly these bytes; tvp's reference digests are computed from them.
    public func content(ofFile file: Int) -> [UInt8] {
        var stream = PatternStream(seed: 0xD0A1_0AD0_0000_0000 ^ UInt64(file))
        return stream.bytes(fileSize)
    }

    /// What a server with these files needs to know: the parameters that shape its answers.
    public var server: DownloadServerConfiguration {
        DownloadServerConfiguration(files: files, fileSize: fileSize, latencyNanoseconds: latencyNanoseconds)
    }

    /// The digest of task `index` given its file's content: SHA-256 of the index, then the body.
    public static func digest(task index: Int, body: [UInt8]) -> TaskDigest {
        var hasher = SHA256Hasher()
        hasher.update(UInt64(index))
        hasher.update(body)
        return hasher.finish()
    }

    /// The combined digest of tasks `0..<tasks` computed from the files themselves, without a
    /// server: the reference every mode's downloads must match.
    public func referenceDigest(tasks: Int) -> TaskDigest {
        let contents = (0..<min(files, tasks)).map { content(ofFile: $0) }
        return TaskDigest.combining((0..<tasks).map { Self.digest(task: $0, body: contents[file(forTask: $0)]) })
    }
}

/// What a download server serves: `files` files of `fileSize` bytes, each answer after `latencyNanoseconds`.
public struct DownloadServerConfiguration: Hashable, Sendable {
    /// Distinct files.
    public var files: Int
    /// Bytes per file.
    public var fileSize: Int
    /// Wait before each answer, nanoseconds.
    public var latencyNanoseconds: UInt64

    /// Creates a configuration.
    public init(files: Int, fileSize: Int, latencyNanoseconds: UInt64) {
        self.files = files
        self.fileSize = fileSize
        self.latencyNanoseconds = latencyNanoseconds
    }
}

extension Workload {
    /// A `download` workload.
    public static func download(_ download: DownloadWorkload) -> Workload { Workload(download) }
}

/// A `download` task: one file fetched from the server with the runner's client.
final class DownloadTask: WorkloadTask {
    private var client: DownloadClient?
    init(client: consuming DownloadClient?) { self.client = client }
    func run<Hooks: TaskHooks>(task index: Int, hooks: Hooks) throws -> TaskDigest {
        guard client != nil else { throw TaskInputError(description: "download tasks need the server's port as their input") }
        return try client!.download(task: index, hooks: hooks)
    }
}
