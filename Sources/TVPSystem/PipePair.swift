import Glibc
import SystemPackage

/// The two ends of a pipe, both opened with `O_CLOEXEC` so no child inherits them by accident.
public struct PipePair: Sendable {
    /// The end to read from.
    public let readEnd: FileDescriptor
    /// The end to write to.
    public let writeEnd: FileDescriptor

    /// Opens a pipe (`pipe2(O_CLOEXEC)`).
    public init() throws {
        (readEnd, writeEnd) = try attempt("pipe2") { try FileDescriptor.pipe(options: .closeOnExec) }
    }

    /// Sets the pipe's capacity (`fcntl(F_SETPIPE_SZ)`) and returns the capacity the kernel granted.
    @discardableResult
    public func setCapacity(_ bytes: Int) throws -> Int {
        let granted = try attempt("fcntl(F_SETPIPE_SZ, \(bytes))") { () throws in
            try valueOrErrno { fcntl(writeEnd.rawValue, linuxSetPipeSize, CInt(bytes)) }
        }
        return Int(granted)
    }
}

// Linux's F_SETPIPE_SZ (fcntl.h), which Glibc's Swift module hides behind _GNU_SOURCE.
private let linuxSetPipeSize: CInt = 1031
