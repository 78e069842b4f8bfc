import SystemPackage
import TVPSystem

/// A task as it travels to a worker process: text that fits in argv, no shell, no Foundation.
///
/// Encoding: `cpu;bytes=N`, `io;sleep_ns=N;files=N;size=N;cache=warm|cold`, `null`,
/// `shared;size=N;transfer=pipe|file|shm`, `mixed;task_ns=N;cpu_share=X;hash_bytes=N`,
/// `tally;updates=N;bins=N;sync=S;layout=L`, `alloc;updates=N;objects=N;size=N`,
/// `refs;updates=N;nodes=N;graph=shared|private`, `download;files=N;size=N;latency_ns=N;keep_alive=0|1`,
/// `plugin;…` (`TaskSpec+Plugin`). The input as `-` when there is none, `tasks=N` for a task count
/// alone, `dir=PATH;count=N;size=N` for fixture files, for the `shared` input `slices=N;from=stdin`,
/// `slices=N;file=PATH` or `slices=N;shm=NAME`, for a tally table shared between processes
/// `table=NAME;bins=N`, and `port=N` for the download server.
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
        case .tally(let tally):
            "tally;updates=\(tally.updates);bins=\(tally.bins);sync=\(tally.sync.rawValue);layout=\(tally.layout.rawValue)"
        case .alloc(let alloc): "alloc;updates=\(alloc.updates);objects=\(alloc.objects);size=\(alloc.objectSize)"
        case .refs(let refs): "refs;updates=\(refs.updates);nodes=\(refs.nodes);graph=\(refs.graph.rawValue)"
        case .plugin(let plugin): encode(plugin)
        case .download(let download):
            "download;files=\(download.files);size=\(download.fileSize);latency_ns=\(download.latencyNanoseconds);keep_alive=\(download.keepAlive ? 1 : 0)"
        }
    }

    /// The encoding of `input` as a worker process sees it. A `shared` input in memory cannot cross
    /// to another process: it is encoded as arriving on the worker's standard input (`pipe` transfer).
    /// Tally tables and graphs in tvp's memory stay there (`-`): the worker counts into a table of its
    /// own, or builds its own graph; a tally table in a shared-memory object is passed by name.
    public static func encode(_ input: TaskInput) -> String {
        switch input {
        case .none: "-"
        case .taskCount(let count): "tasks=\(count)"
        case .server(let port): "port=\(port)"
        case .files(let fixture): "dir=\(fixture.directory);count=\(fixture.fileCount);size=\(fixture.fileSize)"
        case .shared(let source):
            switch source.location {
            case .memory, .stream: "slices=\(source.slices);from=stdin"
            case .file(let path): "slices=\(source.slices);file=\(path)"
            case .sharedMemory(let name): "slices=\(source.slices);shm=\(name)"
            }
        case .tally(let table): table.sharedName.map { "table=\($0);bins=\(table.bins)" } ?? "-"
        case .graphs: "-"
        }
    }

    /// Why an encoded task could not be read.
    public struct DecodingError: Error, CustomStringConvertible, Sendable {
        /// What was wrong.
        public let description: String
    }

    /// Decodes a workload encoded by `encode(_:)`.
    public static func decodeWorkload(_ text: String) throws -> Workload {
        // A spec without fields needs no split and no dictionary: a fresh worker would instantiate
        // their generic metadata for nothing (docs/overhead.md, a worker's start-up).
        if text == "null" { return .null }
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
        case "tally":
            guard let sync = TallySync(rawValue: fields["sync"] ?? ""), let layout = TallyLayout(rawValue: fields["layout"] ?? "") else {
                throw DecodingError(description: "tally task without a valid sync= and layout= in '\(text)'")
            }
            let bins = try integer(fields, "bins")
            guard bins > 0 else { throw DecodingError(description: "tally task needs bins= of at least 1 in '\(text)'") }
            return .tally(TallyWorkload(updates: try integer(fields, "updates"), bins: bins, sync: sync, layout: layout))
        case "alloc":
            let objects = try integer(fields, "objects"), size = try integer(fields, "size")
            guard objects > 0, size >= 8 else {
                throw DecodingError(description: "alloc task needs objects= of at least 1 and size= of at least 8 in '\(text)'")
            }
            return .alloc(AllocWorkload(updates: try integer(fields, "updates"), objects: objects, objectSize: size))
        case "refs":
            guard let graph = GraphSharing(rawValue: fields["graph"] ?? "") else {
                throw DecodingError(description: "refs task without a valid graph= in '\(text)'")
            }
            return .refs(RefsWorkload(updates: try integer(fields, "updates"), nodes: max(1, try integer(fields, "nodes")), graph: graph))
        case "mixed":
            guard let share = Double(fields["cpu_share"] ?? ""), (0...1).contains(share) else {
                throw DecodingError(description: "mixed task without a cpu_share= between 0 and 1 in '\(text)'")
            }
            return .mixed(MixedWorkload(taskNanoseconds: UInt64(try integer(fields, "task_ns")), cpuShare: share,
                                        hashBytes: try integer(fields, "hash_bytes")))
        case "plugin":
            return .plugin(try decodePlugin(fields))
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
        if let name = fields["table"] {
            let bins = try integer(fields, "bins")
            guard !name.isEmpty, bins > 0 else { throw DecodingError(description: "input spec needs a table name and bins= of at least 1 in '\(text)'") }
            return .tally(try TallyTable.open(name, bins: bins))
        }
        if fields["tasks"] != nil { return .taskCount(try integer(fields, "tasks")) }
        let slices = try integer(fields, "slices")
        guard slices > 0 else { throw DecodingError(description: "input spec needs slices= of at least 1 in '\(text)'") }
        if fields["from"] == "stdin" { return .shared(SharedSource(slices: slices, location: .stream(standardInput))) }
        if let path = fields["file"], !path.isEmpty { return .shared(SharedSource(slices: slices, location: .file(path))) }
        if let name = fields["shm"], !name.isEmpty { return .shared(SharedSource(slices: slices, location: .sharedMemory(name))) }
        throw DecodingError(description: "input spec without dir=, table=, from=stdin, file= or shm= in '\(text)'")
    }

    static func keyValues(_ parts: ArraySlice<Substring>) throws -> [String: String] {
        var fields: [String: String] = [:]
        for part in parts {
            guard let eq = part.firstIndex(of: "=") else {
                throw DecodingError(description: "expected key=value, got '\(part)'")
            }
            fields[String(part[..<eq])] = String(part[part.index(after: eq)...])
        }
        return fields
    }

    static func integer(_ fields: [String: String], _ key: String) throws -> Int {
        guard let text = fields[key], let value = Int(text), value >= 0 else {
            throw DecodingError(description: "task spec needs a non-negative integer \(key)=")
        }
        return value
    }
}
