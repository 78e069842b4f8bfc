import Glibc
import SystemPackage

/// Read-write memory for tvp's own shared structures (the tally table, the message rings), faulted
/// in when mapped (`MAP_POPULATE`) so that no trial pays the faults: private anonymous memory for
/// threads, or a POSIX shared-memory object that worker processes map by name.
enum WritableMapping {
    /// `length` zeroed bytes: with `sharedName`, a new shared-memory object (mode 0600, `O_EXCL`;
    /// its name is unlinked again when sizing or mapping it fails), else a private anonymous
    /// mapping. `what` names it in errors.
    static func create(length: Int, sharedName: String?, what: String) throws -> UnsafeMutableRawPointer {
        guard let sharedName else { return try map(length, fd: -1, what: what) }
        let fd = try attempt("shm_open \(sharedName)") { () throws in
            try valueOrErrno { shm_open(sharedName, O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC, 0o600) }
        }
        defer { _ = close(fd) }
        do {
            _ = try attempt("ftruncate \(sharedName) to \(length) bytes") { () throws in
                try valueOrErrno { ftruncate(fd, off_t(length)) }
            }
            return try map(length, fd: fd, what: sharedName)
        } catch {
            _ = shm_unlink(sharedName)
            throw error
        }
    }

    /// Maps the existing shared-memory object `name`: `length` is given the object's size in bytes
    /// and returns how many to map (or throws when the object cannot be what the caller expects).
    static func openShared(_ name: String, length: (Int) throws -> Int) throws -> (pointer: UnsafeMutableRawPointer, length: Int) {
        let fd = try attempt("shm_open \(name)") { () throws in
            try valueOrErrno { shm_open(name, O_RDWR | O_CLOEXEC, 0) }
        }
        defer { _ = close(fd) }
        var status = stat()
        _ = try attempt("fstat \(name)") { () throws in try valueOrErrno { fstat(fd, &status) } }
        let mapped = try length(Int(status.st_size))
        return (try map(mapped, fd: fd, what: name), mapped)
    }

    private static func map(_ length: Int, fd: Int32, what: String) throws -> UnsafeMutableRawPointer {
        let flags = (fd < 0 ? MAP_PRIVATE | MAP_ANONYMOUS : MAP_SHARED) | MAP_POPULATE
        let pointer = mmap(nil, length, PROT_READ | PROT_WRITE, flags, fd, 0)
        guard let pointer, pointer != MAP_FAILED else {
            throw SystemCallError("mmap \(length) bytes of \(what)", Errno(rawValue: errno))
        }
        return pointer
    }
}
