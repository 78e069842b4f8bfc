import CTVPSystem
import Glibc
import SystemPackage

/// A file that only grows, by whole lines: each `append` is written whole or not at all (a short
/// write or a full disk is cut back to the last whole line with `ftruncate`), and `O_APPEND` means
/// a process killed between two lines leaves no half line behind.
///
/// It can hold a reserve: disk blocks allocated past its end (`fallocate(FALLOC_FL_KEEP_SIZE)`,
/// invisible in its size) and topped up after every line. When topping up fails for want of space
/// the reserve is handed back to the file system and `isLowOnSpace` turns true: the space it
/// frees lets the caller write its last files (a summary) on a disk that has just filled up.
public final class AppendOnlyFile: @unchecked Sendable {
    // Sendable: used by one thread at a time (the run's), like the descriptor it wraps.
    private let descriptor: FileDescriptor
    /// The file's path.
    public let path: String
    /// Bytes of whole lines in the file.
    public private(set) var size = 0
    private let reserveBytes: Int
    /// Whether the reserve could not be topped up: the file system is (nearly) full.
    public private(set) var isLowOnSpace = false

    /// Opens (creating with mode 0644 when missing) the file at `path` for appending, with a
    /// reserve of `reserveBytes` past its end. A file system without `fallocate` holds no reserve;
    /// one without room for it is an error.
    public init(path: String, reserveBytes: Int = 0) throws {
        self.path = path
        self.reserveBytes = reserveBytes
        descriptor = try attempt("open \(path) for appending") {
            try FileDescriptor.open(
                FilePath(path), .writeOnly, options: [.append, .create, .closeOnExec],
                permissions: [.ownerReadWrite, .groupRead, .otherRead])
        }
        // Every property is set from here on: a throw runs deinit, which closes the descriptor.
        size = Int(try attempt("lseek \(path)") { try descriptor.seek(offset: 0, from: .end) })
        if !topUpReserve() {
            throw SystemCallError("fallocate \(reserveBytes) bytes for \(path) (the room tvp keeps to write its summary on a full disk)", .noSpace)
        }
    }

    deinit {
        releaseReserve()
        descriptor.closeQuietly()
    }

    /// Appends `text` whole: on a short write or an error (`ENOSPC`) the file is cut back to its
    /// last whole line and the error, naming the file, is thrown. Then tops up the reserve.
    public func append(_ text: String) throws {
        let bytes = Array(text.utf8)
        do {
            try descriptor.writeAll(bytes)
        } catch let error as SystemCallError {
            _ = ftruncate(descriptor.rawValue, off_t(size))
            throw SystemCallError("append \(bytes.count) bytes to \(path) (cut back to its last whole line, \(size) bytes)", error.errno)
        }
        size += bytes.count
        if !isLowOnSpace && !topUpReserve() {
            isLowOnSpace = true
            releaseReserve()
        }
    }

    /// Hands the reserve back to the file system (`ftruncate` to the file's size).
    public func releaseReserve() {
        guard reserveBytes > 0 else { return }
        _ = ftruncate(descriptor.rawValue, off_t(size))
    }

    /// Allocates the reserve past the end; false only when the file system is out of space.
    private func topUpReserve() -> Bool {
        guard reserveBytes > 0 else { return true }
        if tvp_reserve_file_space(descriptor.rawValue, off_t(size), off_t(reserveBytes)) == 0 { return true }
        // EOPNOTSUPP and the like: this file system keeps no reserve, and needs none to go on.
        return errno != ENOSPC && errno != EDQUOT
    }
}
