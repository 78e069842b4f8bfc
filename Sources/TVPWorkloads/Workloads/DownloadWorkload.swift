/// Parameters of the `download` workload: each task fetches one of `files` files of `fileSize`
/// bytes over HTTP/1.1 from tvp's loopback server, which answers each request after
/// `latencyNanoseconds` (the network round trip being simulated).
///
/// Task `index` fetches file `index % files`; its digest is SHA-256 of the task index and the
/// body, so every mode that received the right bytes gives the same digest.
public struct DownloadWorkload: Hashable, Sendable {
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
