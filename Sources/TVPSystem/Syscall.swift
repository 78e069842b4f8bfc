import Glibc
import SystemPackage

/// Calls a C function that returns -1 and sets `errno` on failure, retrying on `EINTR`.
@inline(__always)
func valueOrErrno<T: FixedWidthInteger>(retryOnInterrupt: Bool = true, _ body: () -> T) throws -> T {
    while true {
        let value = body()
        if value != -1 { return value }
        let code = Errno(rawValue: errno)
        if retryOnInterrupt && code == .interrupted { continue }
        throw code
    }
}

/// Turns a `posix_spawn*`-style return code (the error itself, not -1) into a thrown `Errno`.
@inline(__always)
func checkReturnCode(_ code: CInt) throws {
    if code != 0 { throw Errno(rawValue: code) }
}

/// An operating-system call that failed, with what was being done.
public struct SystemCallError: Error, CustomStringConvertible, Sendable {
    /// What tvp was doing, e.g. "open /tmp/x".
    public let operation: String
    /// The C error.
    public let errno: Errno

    /// Creates an error for `operation` failing with `errno`.
    public init(_ operation: String, _ errno: Errno) {
        self.operation = operation
        self.errno = errno
    }

    public var description: String { summary + (hint.map { "; \($0)" } ?? "") }

    /// The operation and the error, without advice: for a caller that gives its own.
    public var summary: String { "\(operation): \(errno) (errno \(errno.rawValue))" }

    /// What to do about the errors a user can fix.
    private var hint: String? {
        switch errno {
        case .tooManyOpenFiles:
            var limit = rlimit()
            getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
            return "tvp reached its limit of \(limit.rlim_cur) open descriptors (ulimit -n): raise it (`ulimit -n 4096`) or run fewer workers"
        case .tooManyOpenFilesInSystem:
            return "the system's table of open files is full (/proc/sys/fs/file-max): close programs or raise it"
        case .noSpace:
            return "the file system is full: free space on it, or point tvp elsewhere (--out, TMPDIR)"
        case .resourceTemporarilyUnavailable where operation.hasPrefix("posix_spawn"):
            return "no process could be created: the process limit (`ulimit -u`) or memory is exhausted"
        default:
            return nil
        }
    }
}

/// Runs `body`, turning an `Errno` into a `SystemCallError` that names `operation`.
@inline(__always)
func attempt<T>(_ operation: @autoclosure () -> String, _ body: () throws -> T) throws -> T {
    do { return try body() } catch let error as Errno { throw SystemCallError(operation(), error) }
}

/// Error numbers other targets compare with, without importing Glibc.
public enum SystemErrorNumbers {
    /// `EADDRINUSE`: the address (a port) is taken.
    public static let addressInUse: Int32 = EADDRINUSE
}
