import Glibc
import SystemPackage

/// A TCP socket on the loopback interface (127.0.0.1): the `download` workload's blocking client
/// side, and the listening side of tests that script a server's bytes. Blocking, close-on-exec,
/// `TCP_NODELAY`; every call retries `EINTR` and throws a `SystemCallError` naming the port.
public struct LoopbackSocket: Sendable {
    /// The socket's descriptor.
    public let descriptor: FileDescriptor

    private init(_ descriptor: FileDescriptor) { self.descriptor = descriptor }

    /// Connects to `127.0.0.1:port` (`socket`, `connect`). With `timeoutSeconds`, sends, receives
    /// and the connect itself fail with `EAGAIN`/`ETIMEDOUT` after that long without progress
    /// (`SO_SNDTIMEO`, `SO_RCVTIMEO`).
    public static func connect(port: UInt16, timeoutSeconds: Double? = nil) throws -> LoopbackSocket {
        let socket = try make("connect to 127.0.0.1:\(port)")
        do {
            if let timeoutSeconds { try socket.setTimeouts(seconds: timeoutSeconds) }
            var address = loopbackAddress(port: port)
            let code = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    Glibc.connect(socket.descriptor.rawValue, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            if code != 0 {
                let error = Errno(rawValue: errno)
                // A connect interrupted by a signal goes on in the kernel: wait for its outcome.
                guard error == .interrupted || error == .nowInProgress else {
                    throw SystemCallError("connect to 127.0.0.1:\(port)", error)
                }
                try socket.awaitConnection(port: port)
            }
            try socket.setOption(Int32(IPPROTO_TCP), TCP_NODELAY, 1, "TCP_NODELAY")
            return socket
        } catch {
            socket.close()
            throw error
        }
    }

    /// A socket listening on `127.0.0.1:port` (0: a free port the kernel picks), `SO_REUSEADDR` set.
    public static func listen(port: UInt16 = 0, backlog: Int32 = 128) throws -> LoopbackSocket {
        let socket = try make("listen on 127.0.0.1:\(port)")
        do {
            try socket.setOption(SOL_SOCKET, SO_REUSEADDR, 1, "SO_REUSEADDR")
            var address = loopbackAddress(port: port)
            _ = try attempt("bind 127.0.0.1:\(port)") { () throws in
                try valueOrErrno {
                    withUnsafePointer(to: &address) {
                        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                            bind(socket.descriptor.rawValue, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                        }
                    }
                }
            }
            _ = try attempt("listen on 127.0.0.1:\(port)") { () throws in
                try valueOrErrno { Glibc.listen(socket.descriptor.rawValue, backlog) }
            }
            return socket
        } catch {
            socket.close()
            throw error
        }
    }

    /// The port this socket is bound to (`getsockname`).
    public func localPort() throws -> UInt16 {
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = try attempt("getsockname fd \(descriptor.rawValue)") { () throws in
            try valueOrErrno {
                withUnsafeMutablePointer(to: &address) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor.rawValue, $0, &length) }
                }
            }
        }
        return UInt16(bigEndian: address.sin_port)
    }

    /// Takes the next connection of a listening socket (`accept`, then close-on-exec).
    public func accept() throws -> LoopbackSocket {
        let fd = try attempt("accept on fd \(descriptor.rawValue)") { () throws in
            try valueOrErrno { Glibc.accept(descriptor.rawValue, nil, nil) }
        }
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        return LoopbackSocket(FileDescriptor(rawValue: fd))
    }

    /// Sends every byte of `bytes` (`send` with `MSG_NOSIGNAL`: a closed peer is an `EPIPE` error,
    /// never a signal).
    public func sendAll(_ bytes: RawSpan) throws {
        var offset = 0
        while offset < bytes.byteCount {
            let n = try attempt("send on 127.0.0.1 fd \(descriptor.rawValue)") { () throws in
                try bytes.extracting(offset..<bytes.byteCount).withUnsafeBytes { raw throws in
                    try valueOrErrno { send(descriptor.rawValue, raw.baseAddress, raw.count, Int32(MSG_NOSIGNAL)) }
                }
            }
            offset += n
        }
    }

    /// Receives what has arrived into `buffer`, at most its size, blocking until something has
    /// (`recv`); returns the byte count, 0 when the peer closed. A reset connection throws
    /// `ECONNRESET`, a receive timeout `EAGAIN`.
    public func receive(into buffer: inout [UInt8]) throws -> Int {
        try attempt("recv on 127.0.0.1 fd \(descriptor.rawValue)") { () throws in
            try buffer.withUnsafeMutableBytes { raw throws in
                try valueOrErrno { recv(descriptor.rawValue, raw.baseAddress, raw.count, 0) }
            }
        }
    }

    /// Closes the socket (`close`).
    public func close() { descriptor.closeQuietly() }

    /// Closes the socket so that the peer sees a reset instead of an orderly end: `SO_LINGER` of
    /// zero seconds, then `close`.
    public func closeWithReset() {
        var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
        _ = setsockopt(descriptor.rawValue, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
        close()
    }

    private static func make(_ purpose: String) throws -> LoopbackSocket {
        let type = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        let fd = try attempt("socket for \(purpose)") { () throws in try valueOrErrno { socket(AF_INET, type, 0) } }
        return LoopbackSocket(FileDescriptor(rawValue: fd))
    }

    private static func loopbackAddress(port: UInt16) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        return address
    }

    private func setOption(_ level: Int32, _ name: Int32, _ value: Int32, _ label: String) throws {
        var value = value
        _ = try attempt("setsockopt \(label) fd \(descriptor.rawValue)") { () throws in
            try valueOrErrno { setsockopt(descriptor.rawValue, level, name, &value, socklen_t(MemoryLayout<Int32>.size)) }
        }
    }

    private func setTimeouts(seconds: Double) throws {
        let whole = seconds.rounded(.down)
        var time = timeval(tv_sec: Int(whole), tv_usec: Int((seconds - whole) * 1e6))
        for (name, label) in [(SO_RCVTIMEO, "SO_RCVTIMEO"), (SO_SNDTIMEO, "SO_SNDTIMEO")] {
            _ = try attempt("setsockopt \(label) fd \(descriptor.rawValue)") { () throws in
                try valueOrErrno { setsockopt(descriptor.rawValue, SOL_SOCKET, name, &time, socklen_t(MemoryLayout<timeval>.size)) }
            }
        }
    }

    /// Waits for a connect the kernel carries on after `EINTR` and reports its outcome (`SO_ERROR`).
    private func awaitConnection(port: UInt16) throws {
        while try waitForEvents([PollInterest(descriptor, read: false, write: true)], timeoutMilliseconds: -1).isEmpty {}
        var code: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        _ = try attempt("getsockopt SO_ERROR fd \(descriptor.rawValue)") { () throws in
            try valueOrErrno { getsockopt(descriptor.rawValue, SOL_SOCKET, SO_ERROR, &code, &length) }
        }
        if code != 0 { throw SystemCallError("connect to 127.0.0.1:\(port)", Errno(rawValue: code)) }
    }
}
