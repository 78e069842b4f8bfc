import TVPSystem

/// The files `io` tasks read: generated once per run, before any clock starts, with content that
/// depends only on the file's index and size.
public struct IOFixture: Hashable, Sendable {
    /// The private directory holding the files.
    public let directory: String
    /// How many files there are; task `i` reads files `i * filesPerTask + k` modulo this count.
    public let fileCount: Int
    /// Size of every file in bytes.
    public let fileSize: Int

    /// Describes an existing fixture.
    public init(directory: String, fileCount: Int, fileSize: Int) {
        self.directory = directory
        self.fileCount = fileCount
        self.fileSize = fileSize
    }

    /// Most files a fixture creates; tasks beyond them reuse files.
    public static let maximumFileCount = 4096

    /// Writes the fixture for `workload` with `tasks` tasks into `directory` and returns it;
    /// `checkpoint` runs before each file and may throw to stop (a run that was interrupted).
    public static func create(
        for workload: IOWorkload, tasks: Int, in directory: String, checkpoint: () throws -> Void = {}
    ) throws -> IOFixture {
        try create(filesPerTask: workload.filesPerTask, fileSize: workload.fileSize, tasks: tasks, in: directory, checkpoint: checkpoint)
    }

    /// Writes the files `tasks` tasks of `filesPerTask` files of `fileSize` bytes read into
    /// `directory` (at most `maximumFileCount`) and returns the fixture.
    public static func create(
        filesPerTask: Int, fileSize: Int, tasks: Int, in directory: String, checkpoint: () throws -> Void = {}
    ) throws -> IOFixture {
        let count = max(1, min(tasks * filesPerTask, maximumFileCount))
        let fixture = IOFixture(directory: directory, fileCount: count, fileSize: fileSize)
        for file in 0..<count where !Files.exists(fixture.path(ofFile: file)) {
            try checkpoint()
            var stream = PatternStream(seed: 0xF11E_0000_0000_0000 ^ UInt64(fileSize) << 20 ^ UInt64(file))
            try Files.writeDurably(stream.bytes(fileSize), to: fixture.path(ofFile: file))
        }
        return fixture
    }

    /// The path of file number `file`.
    public func path(ofFile file: Int) -> String {
        "\(directory)/io-\(fileSize)-\(file).dat"
    }

    /// The file numbers task `index` reads, in order.
    public func files(forTask index: Int, filesPerTask: Int) -> [Int] {
        (0..<filesPerTask).map { (index * filesPerTask + $0) % fileCount }
    }

    /// Every file path of the fixture.
    public var allPaths: [String] { (0..<fileCount).map(path(ofFile:)) }
}
