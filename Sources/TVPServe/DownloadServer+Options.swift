import TVPWorkloads

/// `tvp serve`'s options: the files a `download` workload asks for, by default and at most.
extension DownloadServer {
    /// Files served unless told otherwise (a `download` workload's default).
    public static let defaultFiles = DownloadWorkload.defaultFiles
    /// Bytes per file unless told otherwise.
    public static let defaultFileSize = DownloadWorkload.defaultFileSize
    /// The default file size as `--file-size` takes it: "16KiB".
    public static var defaultFileSizeText: String { SizeSyntax.format(defaultFileSize) }
    /// The bytes in a `--file-size` text (`16KiB`, `4096`); nil when it is not a size.
    public static func fileSize(parsing text: String) -> Int? { SizeSyntax.parse(text) }
    /// Milliseconds before each answer unless told otherwise.
    public static let defaultLatencyMilliseconds = DownloadWorkload.defaultLatencyMilliseconds

    /// What is wrong with serving `files` files of `fileSize` bytes (nil: `fileSizeText`, as given,
    /// is not a size) after `latencyMilliseconds`, in the words of `tvp serve`'s options; nil when
    /// nothing is.
    public static func optionProblem(files: Int, fileSize: Int?, fileSizeText: String, latencyMilliseconds: Double) -> String? {
        guard DownloadWorkload.filesRange.contains(files) else {
            return "--files must be between 1 and \(DownloadWorkload.filesRange.upperBound), got \(files)"
        }
        guard let fileSize, DownloadWorkload.fileSizeRange.contains(fileSize) else {
            return "--file-size must be a size from 0 to 64MiB such as 16KiB, got '\(fileSizeText)'"
        }
        guard files * fileSize <= DownloadWorkload.maximumTotalBytes else {
            return "--files × --file-size must stay within 1GiB (the server holds every file in memory)"
        }
        guard DownloadWorkload.latencyMillisecondsRange.contains(latencyMilliseconds) else {
            return "--latency-ms must be between 0 and 600000, got \(latencyMilliseconds)"
        }
        return nil
    }

    /// Starts serving `files` files of `fileSize` bytes, each answer after `latencyMilliseconds`,
    /// on 127.0.0.1:`port` with `threads` event-loop threads.
    public static func start(files: Int, fileSize: Int, latencyMilliseconds: Double, port: Int, threads: Int) throws -> DownloadServer {
        let configuration = DownloadServerConfiguration(
            files: files, fileSize: fileSize, latencyNanoseconds: UInt64((latencyMilliseconds * 1e6).rounded()))
        return try start(configuration, port: port, threads: threads)
    }
}
