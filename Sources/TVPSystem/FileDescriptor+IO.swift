import Glibc
import SystemPackage

extension FileDescriptor {
    /// Reads until end of file or until `limit` bytes were read (`read`, retried on `EINTR`).
    public func readToEnd(limit: Int = 1 << 20) throws -> [UInt8] {
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while result.count < limit {
            let n = try attempt("read fd \(rawValue)") { () throws in
                try chunk.withUnsafeMutableBytes { buffer throws in
                    try valueOrErrno { Glibc.read(rawValue, buffer.baseAddress, buffer.count) }
                }
            }
            if n == 0 { break }
            result.append(contentsOf: chunk[0..<n])
        }
        return result
    }

    /// Writes every byte of `bytes` (`write`, retried on `EINTR` and short writes).
    public func writeAll(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let n = try attempt("write fd \(rawValue)") { () throws in
                try bytes.withUnsafeBytes { buffer throws in
                    try valueOrErrno { Glibc.write(rawValue, buffer.baseAddress! + offset, buffer.count - offset) }
                }
            }
            offset += n
        }
    }

    /// Closes the descriptor, ignoring errors (`close`): for clean-up paths where nothing can be done.
    public func closeQuietly() {
        _ = Glibc.close(rawValue)
    }
}

extension FileDescriptor {
    /// Reads into `buffer` what is available now, at most its size (one `read`, retried on `EINTR`),
    /// and returns how many bytes that was; 0 means end of file. The buffer is reused across calls.
    public func readAvailable(into buffer: inout [UInt8]) throws -> Int {
        while true {
            if let count = try readInterruptibly(into: &buffer) { return count }
        }
    }

    /// Reads what arrives into `buffer` (one blocking `read`), as `readAvailable(into:)` does, but
    /// returns nil when a signal interrupts the wait instead of waiting again (a `ThreadTick`, or
    /// SIGINT: the caller looks at its deadlines and signals, then reads again).
    public func readInterruptibly(into buffer: inout [UInt8]) throws -> Int? {
        do {
            return try buffer.withUnsafeMutableBytes { raw in
                try valueOrErrno(retryOnInterrupt: false) { Glibc.read(rawValue, raw.baseAddress, raw.count) }
            }
        } catch Errno.interrupted {
            return nil
        } catch let error as Errno {
            throw SystemCallError("read fd \(rawValue)", error)
        }
    }

    /// Reads at most `maximum` bytes that are available now (one `read`, retried on `EINTR`);
    /// an empty result means end of file.
    public func readAvailable(maximum: Int = 4096) throws -> [UInt8] {
        var chunk = [UInt8](repeating: 0, count: maximum)
        let n = try attempt("read fd \(rawValue)") {
            try chunk.withUnsafeMutableBytes { buffer in
                try valueOrErrno { Glibc.read(rawValue, buffer.baseAddress, buffer.count) }
            }
        }
        chunk.removeSubrange(n...)
        return chunk
    }
}

/// Whether `descriptor` is a terminal (`isatty`).
public func isTerminal(_ descriptor: FileDescriptor) -> Bool { isatty(descriptor.rawValue) == 1 }

extension FileDescriptor {
    /// Makes reads and writes on this descriptor return at once instead of blocking
    /// (`fcntl(F_SETFL, O_NONBLOCK)`); a pipe's two ends are set apart.
    public func setNonBlocking() throws {
        let flags = try attempt("fcntl(F_GETFL) fd \(rawValue)") { () throws in try valueOrErrno { fcntl(rawValue, F_GETFL) } }
        _ = try attempt("fcntl(F_SETFL, O_NONBLOCK) fd \(rawValue)") { () throws in
            try valueOrErrno { fcntl(rawValue, F_SETFL, flags | O_NONBLOCK) }
        }
    }

    /// Writes as much of `bytes` as the descriptor takes now (one `write`, retried on `EINTR`) and
    /// returns how many bytes that was: 0 when a non-blocking descriptor is full.
    public func writeSome(_ bytes: RawSpan) throws -> Int {
        try bytes.withUnsafeBytes { try writeSome($0) }
    }

    /// `writeSome` of bytes tvp holds outside an array (a frame's header on the stack).
    func writeSome(_ bytes: UnsafeRawBufferPointer) throws -> Int {
        guard !bytes.isEmpty else { return 0 }
        do {
            return try valueOrErrno { Glibc.write(rawValue, bytes.baseAddress, bytes.count) }
        } catch Errno.wouldBlock {
            return 0
        } catch let error as Errno {
            throw SystemCallError("write fd \(rawValue)", error)
        }
    }

    /// Fills the first `count` bytes of `array` (all of it by default) from the descriptor (`read`,
    /// retried on `EINTR` and short reads); returns fewer than `count` only when the file ends first.
    public func readExactly(into array: inout [UInt8], count: Int? = nil) throws -> Int {
        let wanted = count ?? array.count
        precondition(wanted <= array.count, "reading \(wanted) bytes into an array of \(array.count)")
        return try array.withUnsafeMutableBytes { try readExactly(into: UnsafeMutableRawBufferPointer(rebasing: $0[0..<wanted])) }
    }

    /// `readExactly` into memory tvp holds outside an array (a frame's header on the stack).
    func readExactly(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        var filled = 0
        while filled < buffer.count {
            let n = try attempt("read fd \(rawValue)") { () throws in
                try valueOrErrno { Glibc.read(rawValue, buffer.baseAddress! + filled, buffer.count - filled) }
            }
            if n == 0 { break }
            filled += n
        }
        return filled
    }
}
