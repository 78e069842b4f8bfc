import Glibc
import SystemPackage

/// File operations tvp needs beyond swift-system: private directories, cache control, whole files.
public enum Files {
    /// Creates a private directory (mode 0700) under `parent` named `prefix` plus random characters
    /// (`mkdtemp`).
    public static func makePrivateDirectory(in parent: String, prefix: String) throws -> String {
        var template = Array("\(parent)/\(prefix)XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        guard made != nil else { throw SystemCallError("mkdtemp in \(parent)", Errno(rawValue: errno)) }
        return String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// `path` made absolute against the current working directory (`getcwd`), unchanged when it
    /// is absolute already: resolved once, before code tvp does not control can `chdir`.
    public static func absolutePath(_ path: String) -> String {
        if path.hasPrefix("/") { return path }
        var buffer = [CChar](repeating: 0, count: 4096)
        guard getcwd(&buffer, buffer.count) != nil else { return path }
        let directory = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let rest = path == "." ? "" : path.hasPrefix("./") ? String(path.dropFirst(2)) : path
        return rest.isEmpty ? directory : (directory == "/" ? "/" : directory + "/") + rest
    }

    /// The directory for temporary files: `$TMPDIR` when set, else `/tmp`.
    public static var temporaryDirectory: String {
        if let value = getenv("TMPDIR"), value.pointee != 0 { return String(cString: value) }
        return "/tmp"
    }

    /// Writes `bytes` to a new file at `path` (mode 0600) and flushes it to disk (`fsync`), so its
    /// pages can later be dropped from the page cache.
    public static func writeDurably(_ bytes: [UInt8], to path: String) throws {
        let fd = try attempt("create \(path)") { () throws in
            try FileDescriptor.open(
                FilePath(path), .writeOnly, options: [.create, .truncate, .closeOnExec],
                permissions: [.ownerReadWrite])
        }
        defer { fd.closeQuietly() }
        do {
            try fd.writeAll(bytes)
        } catch let error as SystemCallError {
            // Name the file, not the descriptor number.
            throw SystemCallError("write \(path)", error.errno)
        }
        _ = try attempt("fsync \(path)") { () throws in try valueOrErrno { fsync(fd.rawValue) } }
    }

    /// Writes `bytes` to a new file at `path` (mode 0600), leaving them in the page cache: for
    /// temporary data read back soon and deleted, which need not reach the disk.
    public static func write(_ span: RawSpan, to path: String) throws {
        let fd = try attempt("create \(path)") { () throws in
            try FileDescriptor.open(
                FilePath(path), .writeOnly, options: [.create, .exclusiveCreate, .closeOnExec],
                permissions: [.ownerReadWrite])
        }
        defer { fd.closeQuietly() }
        try span.withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                offset += try attempt("write \(path)") { () throws in
                    try valueOrErrno { Glibc.write(fd.rawValue, bytes.baseAddress! + offset, bytes.count - offset) }
                }
            }
        }
    }

    /// Reads the whole file at `path`.
    public static func readAll(_ path: String, limit: Int = 64 << 20) throws -> [UInt8] {
        let fd = try openForReading(path)
        defer { fd.closeQuietly() }
        return try fd.readToEnd(limit: limit)
    }

    /// Reads the file at `path` in chunks of `buffer.count` bytes with plain `read()` calls,
    /// handing each chunk to `consume`. Returns the number of bytes read.
    @discardableResult
    public static func streamRead(
        _ path: String, buffer: inout [UInt8], _ consume: (RawSpan) -> Void
    ) throws -> Int {
        try streamRead(path, buffer: &buffer, willBlock: {}, didBlock: {}, consume)
    }

    /// Like `streamRead(_:buffer:_:)`, calling `willBlock` before and `didBlock` after the `open()` and
    /// each `read()` (in pairs, even when the call fails): a caller modelling an interpreter lock
    /// releases it around the calls that may block, as CPython's file objects do.
    @discardableResult
    public static func streamRead(
        _ path: String, buffer: inout [UInt8], willBlock: () -> Void, didBlock: () -> Void,
        _ consume: (RawSpan) -> Void
    ) throws -> Int {
        willBlock()
        let opened = Result { () throws in
            try openForReading(path)
        }
        didBlock()
        let fd = try opened.get()
        defer { fd.closeQuietly() }
        var total = 0
        while true {
            willBlock()
            let read = Result { () throws in
                try attempt("read \(path)") { () throws in
                    try buffer.withUnsafeMutableBytes { raw throws in
                        try valueOrErrno { Glibc.read(fd.rawValue, raw.baseAddress, raw.count) }
                    }
                }
            }
            didBlock()
            let n = try read.get()
            if n == 0 { break }
            consume(buffer.span.bytes.extracting(0..<n))
            total += n
        }
        return total
    }

    /// Fills the first `count` bytes of `array` with the bytes of the file at `path` from `offset` on
    /// (`pread`, retried on short reads); a file that ends first is an error.
    public static func read(_ path: String, offset: Int, into array: inout [UInt8], count: Int) throws {
        precondition(count <= array.count, "reading \(count) bytes into an array of \(array.count)")
        try array.withUnsafeMutableBytes { try read(path, offset: offset, into: UnsafeMutableRawBufferPointer(rebasing: $0[0..<count])) }
    }

    private static func read(_ path: String, offset: Int, into buffer: UnsafeMutableRawBufferPointer) throws {
        let fd = try openForReading(path)
        defer { fd.closeQuietly() }
        var filled = 0
        while filled < buffer.count {
            let n = try attempt("pread \(path) at \(offset + filled)") { () throws in
                try valueOrErrno { pread(fd.rawValue, buffer.baseAddress! + filled, buffer.count - filled, off_t(offset + filled)) }
            }
            if n == 0 {
                throw SystemCallError("pread \(path): the file ends at \(offset + filled), \(buffer.count - filled) bytes short", .ioError)
            }
            filled += n
        }
    }

    /// Opens `path` read-only and close-on-exec (`open`).
    private static func openForReading(_ path: String) throws -> FileDescriptor {
        try attempt("open \(path)") { try FileDescriptor.open(FilePath(path), .readOnly, options: [.closeOnExec]) }
    }

    /// Tells the kernel to drop the file's pages from the page cache
    /// (`posix_fadvise(POSIX_FADV_DONTNEED)`), so the next read comes from the disk.
    public static func dropFromPageCache(_ path: String) throws {
        let fd = try openForReading(path)
        defer { fd.closeQuietly() }
        try attempt("posix_fadvise(DONTNEED) \(path)") { () throws in
            try checkReturnCode(posix_fadvise(fd.rawValue, 0, 0, POSIX_FADV_DONTNEED))
        }
    }

    /// Removes `path` and everything under it (`unlink`/`rmdir`); missing entries are ignored.
    public static func removeTree(_ path: String) {
        var info = stat()
        guard lstat(path, &info) == 0 else { return }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            for name in directoryEntries(path) { removeTree("\(path)/\(name)") }
            rmdir(path)
        } else {
            unlink(path)
        }
    }

    /// Creates the directory `path` and any missing parents (mode 0755, `mkdir`); an existing
    /// directory is fine.
    public static func makeDirectories(_ path: String) throws {
        var prefix = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            prefix += "/" + component
            if mkdir(prefix, 0o755) != 0 && errno != EEXIST {
                throw SystemCallError("mkdir \(prefix)", Errno(rawValue: errno))
            }
        }
    }

    /// Creates the directory `path` (mode 0755, `mkdir`); false when it already exists.
    public static func makeNewDirectory(_ path: String) throws -> Bool {
        if mkdir(path, 0o755) == 0 { return true }
        if errno == EEXIST { return false }
        throw SystemCallError("mkdir \(path)", Errno(rawValue: errno))
    }

    /// Moves `source` to `destination` in one step, replacing it (`rename`).
    public static func rename(_ source: String, to destination: String) throws {
        _ = try attempt("rename \(source) to \(destination)") { try valueOrErrno { Glibc.rename(source, destination) } }
    }

    /// Sets the permission bits of `path`, e.g. 0o755 (`chmod`).
    public static func setMode(_ path: String, _ mode: UInt32) throws {
        _ = try attempt("chmod \(path)") { try valueOrErrno { chmod(path, mode_t(mode)) } }
    }

    /// Whether something exists at `path` (`access(F_OK)`).
    public static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    /// Whether `path` is a file the caller may execute (`access(X_OK)`).
    public static func isExecutable(_ path: String) -> Bool { access(path, X_OK) == 0 }

    /// The absolute path of the running executable (`readlink /proc/self/exe`).
    public static func currentExecutablePath() -> String? {
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard n > 0 else { return nil }
        return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The entries of directory `path`, "." and ".." excluded; empty when it cannot be read.
    public static func directoryEntries(_ path: String) -> [String] {
        guard let dir = opendir(path) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.baseAddress!.assumingMemoryBound(to: CChar.self))
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }
}
