import SystemPackage
import TVPSystem

/// A task as it travels to a worker process: text that fits in argv, no shell, no Foundation.
///
/// Encoding: the workload's name, then `PARAMETER=VALUE` for each of its parameters as its
/// declarations write them (`cpu;bytes_per_task=8388608`, `null`). The input as `-` when there is none, `tasks=N` for a task count
/// alone, `dir=PATH;count=N;size=N` for fixture files, for the `shared` input `slices=N;from=stdin`,
/// `slices=N;file=PATH` or `slices=N;shm=NAME`, for a tally table shared between processes
/// `table=NAME;bins=N`, `port=N` for the download server, and `conversation=CHANNEL;parties=N` for
/// a conversation whose ends the worker was handed as descriptors 3… (a `process-pool` worker: per
/// task, over the socket that is its descriptor 3), with `;shm=NAME;rings=N;slots=N;size=N` for
/// rings in a shared-memory object.
public enum TaskSpec {
    /// The encoding of `workload`: its name, then `column=value` for each of its spec values
    /// (`%` and `;` escaped).
    public static func encode(_ workload: Workload) -> String {
        var text = workload.name
        for entry in workload.kind.specValues.pairs {
            text += ";\(entry.name)=\(escape(entry.value.text))"
        }
        return text
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
        case .conversation(let conversation):
            "conversation=\(conversation.channel.rawValue);parties=\(conversation.parties)"
                + (conversation.rings?.sharedName.map { ";shm=\($0);rings=\(conversation.rings!.count);slots=\(conversation.slots);size=\(conversation.messageSize)" } ?? "")
        }
    }

    /// Why an encoded task could not be read.
    public struct DecodingError: Error, CustomStringConvertible, Sendable {
        /// What was wrong.
        public let description: String
    }

    /// Decodes a workload encoded by `encode(_:)`: each value checked against its declaration.
    public static func decodeWorkload(_ text: String) throws -> Workload {
        // A spec without fields needs no split and no dictionary: a fresh worker would instantiate
        // their generic metadata for nothing (docs/overhead.md, a worker's start-up).
        if text == "null" { return .null }
        let parts = text.split(separator: ";", omittingEmptySubsequences: false)
        guard let kind = Workload.kind(named: String(parts.first ?? "")) else {
            throw DecodingError(description: "unknown workload in task spec '\(text)'")
        }
        let fields = try keyValues(parts.dropFirst())
        var values = ParameterValues()
        for declaration in kind.parameters {
            guard let field = fields[declaration.name] else { continue }
            do {
                values[declaration.name] = try declaration.parse(unescape(field))
            } catch {
                throw DecodingError(description: "\(kind.name) task spec: \(error) in '\(text)'")
            }
        }
        for name in fields.keys where !kind.parameters.contains(where: { $0.name == name }) {
            throw DecodingError(description: "\(kind.name) task spec: unknown field \(name)= in '\(text)'")
        }
        // A spec carries every parameter that shapes what is measured (every one CSV files record):
        // a missing one is a damaged spec. The others take their defaults.
        for declaration in kind.parameters where declaration.inCSV && !declaration.isOptional && values[declaration.name] == nil {
            throw DecodingError(description: "\(kind.name) task spec without \(declaration.name)= in '\(text)'")
        }
        do {
            return try decode(kind, values.withDefaults(kind.parameters.filter { !$0.isOptional }))
        } catch {
            throw DecodingError(description: "\(kind.name) task spec: \(error) in '\(text)'")
        }
    }

    private static func decode<Kind: WorkloadKind>(_ kind: Kind.Type, _ values: ParameterValues) throws(ParameterProblem) -> Workload {
        Workload(try Kind(specValues: values))
    }

    /// Decodes an input encoded by `encode(_:)`, as the worker process that reads it: a `shared`
    /// slice that comes by pipe arrives on `standardInput`; a conversation's descriptors come over
    /// `handOffSocket` task by task when it is given (a `process-pool` worker), else as 3….
    public static func decodeInput(_ text: String, standardInput: FileDescriptor = .standardInput,
                                   handOffSocket: FileDescriptor? = nil) throws -> TaskInput {
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
        if let name = fields["conversation"] {
            guard let channel = MessageChannel(rawValue: name), channel.crossesProcesses else {
                throw DecodingError(description: "input spec names no channel between processes in '\(text)'")
            }
            let parties = try integer(fields, "parties")
            guard let name = fields["shm"] else { return .conversation(.inherited(channel: channel, parties: parties, handedThrough: handOffSocket)) }
            let rings = try MessageRings.open(name, count: try integer(fields, "rings"), slots: try integer(fields, "slots"), messageSize: try integer(fields, "size"))
            return .conversation(.inherited(channel: channel, parties: parties, rings: rings))
        }
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
