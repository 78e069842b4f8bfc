import Glibc
import SystemPackage

/// A file that only grows, one whole line per `write` call (`O_APPEND`), so a process killed
/// between two lines leaves no half line behind.
public final class AppendOnlyFile: @unchecked Sendable {
    private let descriptor: FileDescriptor
    /// The file's path.
    public let path: String

    /// Opens (creating with mode 0644 when missing) the file at `path` for appending.
    public init(path: String) throws {
        self.path = path
        descriptor = try attempt("open \(path) for appending") {
            try FileDescriptor.open(
                FilePath(path), .writeOnly, options: [.append, .create, .closeOnExec],
                permissions: [.ownerReadWrite, .groupRead, .otherRead])
        }
    }

    deinit { descriptor.closeQuietly() }

    /// Appends `text` with a single `write` when the kernel takes it whole (it does for regular
    /// files short of a full disk), retrying the rest otherwise.
    public func append(_ text: String) throws {
        try attempt("write \(path)") { try descriptor.writeAll(Array(text.utf8)) }
    }
}
