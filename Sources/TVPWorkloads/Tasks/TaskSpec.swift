import SystemPackage

/// A task as it travels to a worker process: text that fits in argv, no shell, no Foundation.
///
/// Encoding: `cpu;bytes=N`, `io;sleep_ns=N;files=N;size=N;cache=warm|cold`, `null`,
/// `shared;size=N;transfer=pipe|file|shm`, `mixed;task_ns=N;cpu_share=X;hash_bytes=N`,
/// `download;files=N;size=N;latency_ns=N;keep_alive=0|1`. The input as `-` when there is none,
/// `dir=PATH;count=N;size=N` for fixture files, for the `shared` input `slices=N;from=stdin`,
/// `slices=N;file=PATH` or `slices=N;shm=NAME`, and `port=N` for the download server.
public enum TaskSpec {
    /// The encoding of `workload`.
    public static func encode(_ workload: Workload) -> String {
        switch workload {
        case .null: "null"
        case .cpu(let cpu): "cpu;bytes=\(cpu.bytesPerTask)"
        case .io(let io):
            "io;sleep_ns=\(io.sleepNanoseconds);files=\(io.filesPerTask);size=\(io.fileSize);cache=\(io.cache.rawValue)"
        case .shared(let shared): "shared;size=\(shared.inputSize);transfer=\(shared.transfer.rawValue)"
        case .mixed(let mixed): "mixed;task_ns=\(mixed.taskNanoseconds);cpu_share=\(mixed.cpuShare);hash_bytes=\(mixed.hashBytes)"
        case .download(let download):
            "download;files=\(download.files);size=\(download.fileSize);latency_ns=\(download.latencyNanoseconds);keep_alive=\(download.keepAlive ? 1 : 0)"
        }
    }

    /// The encoding of `input` as a worker process sees it. A `shared` input in memory cannot cross
    /// to another process: it is encoded as arriving on the worker's standard input (`pipe` transfer).
    public static func encode(_ input: TaskInput) -> String {
        switch input {
        case .none: "-"
        case .server(let port): "port=\(port)"
        case .files(let fixture): "dir=\(fixture.directory);count=\(fixture.fileCount);size=\(fixture.fileSize)"
        case .shared(let source):
            switch source.location {
            case .memory, .stream: "slices=\(source.slices);from=stdin"
            case .file(let path): "slices=\(source.slices);file=\(path)"
            case .sharedMemory(let name): "slices=\(source.slices);shm=\(name)"
            }
        }
    }

    /// Why an encoded task could not be read.
    public struct DecodingError: Error, CustomStringConvertible, Sendable {
        /// What was wrong.
        public let description: String
    }

    /// Decodes a workload encoded by `encode(_:)`.
    public static func decodeWorkload(_ text: String) throws -> Workload {
        let parts = text.split(separator: ";", omittingEmptySubsequences: false)
        let fields = try keyValues(parts.dropFirst())
        switch parts.first {
        case "null":
            return .null
        case "cpu":
            return .cpu(CPUWorkload(bytesPerTask: try integer(fields, "bytes")))
        case "io":
            guard let cache = CacheState(rawValue: fields["cache"] ?? "") else {
                throw DecodingError(description: "io task without a valid cache= field in '\(text)'")
            }
            return .io(IOWorkload(
                sleepNanoseconds: UInt64(try integer(fields, "sleep_ns")),
                filesPerTask: try integer(fields, "files"), fileSize: try integer(fields, "size"), cache: cache))
        case "shared":
            guard let transfer = Transfer(rawValue: fields["transfer"] ?? "") else {
                throw DecodingError(description: "shared task without a valid transfer= field in '\(text)'")
            }
            return .shared(SharedWorkload(inputSize: try integer(fields, "size"), transfer: transfer))
        case "mixed":
            guard let share = Double(fields["cpu_share"] ?? ""), (0...1).contains(share) else {
                throw DecodingError(description: "mixed task without a cpu_share= between 0 and 1 in '\(text)'")
            }
            return .mixed(MixedWorkload(taskNanoseconds: UInt64(try integer(fields, "task_ns")), cpuShare: share,
                                        hashBytes: try integer(fields, "hash_bytes")))
        case "download":
            guard let keepAlive = ["0": false, "1": true][fields["keep_alive"] ?? ""] else {
                throw DecodingError(description: "download task without keep_alive=0 or 1 in '\(text)'")
            }
            let files = try integer(fields, "files")
            guard files > 0 else { throw DecodingError(description: "download task needs files= of at least 1 in '\(text)'") }
            return .download(DownloadWorkload(files: files, fileSize: try integer(fields, "size"),
                                              latencyNanoseconds: UInt64(try integer(fields, "latency_ns")), keepAlive: keepAlive))
        default:
            throw DecodingError(description: "unknown workload in task spec '\(text)'")
        }
    }

    /// Decodes an input encoded by `encode(_:)`, as the worker process that reads it: a `shared`
    /// slice that comes by pipe arrives on `standardInput`.
    public static func decodeInput(_ text: String, standardInput: FileDescriptor = .standardInput) throws -> TaskInput {
        if text == "-" { return .none }
        let fields = try keyValues(text.split(separator: ";")[...])
        if fields["port"] != nil {
            guard let port = UInt16(fields["port"] ?? ""), port > 0 else {
                throw DecodingError(description: "input spec needs port= between 1 and 65535 in '\(text)'")
            }
            return .server(port: port)
        }
        if let directory = fields["dir"] {
            guard !directory.isEmpty else { throw DecodingError(description: "input spec with an empty dir= in '\(text)'") }
            return .files(IOFixture(directory: directory, fileCount: try integer(fields, "count"), fileSize: try integer(fields, "size")))
        }
        let slices = try integer(fields, "slices")
        guard slices > 0 else { throw DecodingError(description: "input spec needs slices= of at least 1 in '\(text)'") }
        if fields["from"] == "stdin" { return .shared(SharedSource(slices: slices, location: .stream(standardInput))) }
        if let path = fields["file"], !path.isEmpty { return .shared(SharedSource(slices: slices, location: .file(path))) }
        if let name = fields["shm"], !name.isEmpty { return .shared(SharedSource(slices: slices, location: .sharedMemory(name))) }
        throw DecodingError(description: "input spec without dir=, from=stdin, file= or shm= in '\(text)'")
    }

    private static func keyValues(_ parts: ArraySlice<Substring>) throws -> [String: String] {
        var fields: [String: String] = [:]
        for part in parts {
            guard let eq = part.firstIndex(of: "=") else {
                throw DecodingError(description: "expected key=value, got '\(part)'")
            }
            fields[String(part[..<eq])] = String(part[part.index(after: eq)...])
        }
        return fields
    }

    private static func integer(_ fields: [String: String], _ key: String) throws -> Int {
        guard let text = fields[key], let value = Int(text), value >= 0 else {
            throw DecodingError(description: "task spec needs a non-negative integer \(key)=")
        }
        return value
    }
}
