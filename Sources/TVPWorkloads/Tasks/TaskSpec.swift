/// A task as it travels to a worker process: text that fits in argv, no shell, no Foundation.
///
/// Encoding: `cpu;bytes=N`, `io;sleep_ns=N;files=N;size=N;cache=warm|cold`, `null`; the fixture as
/// `dir=PATH;count=N;size=N` or `-` when there is none.
public enum TaskSpec {
    /// The encoding of `workload`.
    public static func encode(_ workload: Workload) -> String {
        switch workload {
        case .null: "null"
        case .cpu(let cpu): "cpu;bytes=\(cpu.bytesPerTask)"
        case .io(let io):
            "io;sleep_ns=\(io.sleepNanoseconds);files=\(io.filesPerTask);size=\(io.fileSize);cache=\(io.cache.rawValue)"
        }
    }

    /// The encoding of `fixture` (`-` for none).
    public static func encode(_ fixture: IOFixture?) -> String {
        guard let fixture else { return "-" }
        return "dir=\(fixture.directory);count=\(fixture.fileCount);size=\(fixture.fileSize)"
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
        default:
            throw DecodingError(description: "unknown workload in task spec '\(text)'")
        }
    }

    /// Decodes a fixture encoded by `encode(_:)`.
    public static func decodeFixture(_ text: String) throws -> IOFixture? {
        if text == "-" { return nil }
        let fields = try keyValues(text.split(separator: ";")[...])
        guard let directory = fields["dir"], !directory.isEmpty else {
            throw DecodingError(description: "fixture spec without dir= in '\(text)'")
        }
        return IOFixture(directory: directory, fileCount: try integer(fields, "count"), fileSize: try integer(fields, "size"))
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
