import Glibc
import SystemPackage

/// A mapped range of memory (`mmap`), unmapped when `release()` is called: the `shared` workload's
/// input buffer (anonymous, private to tvp) or a worker's view of a POSIX shared-memory object.
///
/// Read access goes through `withBytes`, which lends a bounds-checked `RawSpan`: raw pointers stay
/// in this module.
public final class MemoryRegion: @unchecked Sendable {
    // Sendable: the mapping is written only by the creating thread before it is shared (`fill`),
    // then only read; `release()` is called once no reader is left.
    private var base: UnsafeMutableRawPointer?
    private let mappedLength: Int
    /// Bytes from the mapping's start (page-aligned) to the first byte the caller asked for.
    private let leading: Int
    /// The bytes the caller asked for.
    public let count: Int

    private init(base: UnsafeMutableRawPointer, mappedLength: Int, leading: Int, count: Int) {
        self.base = base
        self.mappedLength = mappedLength
        self.leading = leading
        self.count = count
    }

    deinit { release() }

    /// The size of a memory page.
    public static let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))

    /// A new zero-filled private region of `count` bytes (`mmap(MAP_PRIVATE | MAP_ANONYMOUS)`).
    public static func anonymous(count: Int) throws -> MemoryRegion {
        let length = max(count, 1)
        let pointer = mmap(nil, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
        guard let pointer, pointer != MAP_FAILED else {
            throw SystemCallError("mmap \(length) anonymous bytes", Errno(rawValue: errno))
        }
        return MemoryRegion(base: pointer, mappedLength: length, leading: 0, count: count)
    }

    /// Maps `count` bytes at `offset` of the shared-memory object `name` read-only, with its pages
    /// faulted in now (`shm_open` + `mmap(MAP_SHARED | MAP_POPULATE)`), so later reads cost no faults.
    public static func mapSharedObject(_ name: String, offset: Int, count: Int) throws -> MemoryRegion {
        let fd = try attempt("shm_open \(name)") { () throws in
            try valueOrErrno { shm_open(name, O_RDONLY | O_CLOEXEC, 0) }
        }
        defer { _ = close(fd) }
        let leading = offset % pageSize
        let length = max(leading + count, 1)
        let pointer = mmap(nil, length, PROT_READ, MAP_SHARED | MAP_POPULATE, fd, off_t(offset - leading))
        guard let pointer, pointer != MAP_FAILED else {
            throw SystemCallError("mmap \(count) bytes at \(offset) of \(name)", Errno(rawValue: errno))
        }
        return MemoryRegion(base: pointer, mappedLength: length, leading: leading, count: count)
    }

    /// Calls `body` with the bytes in `range` (relative to the region's start).
    @inline(__always)
    public func withBytes<R>(_ range: Range<Int>, _ body: (RawSpan) throws -> R) rethrows -> R {
        try withRawBytes(range) { try body(RawSpan(_unsafeBytes: $0)) }
    }

    /// A copy of the bytes in `range`.
    public func copyBytes(_ range: Range<Int>) -> [UInt8] {
        withRawBytes(range) { Array($0) }
    }

    /// Calls `body` with a raw view of the bytes in `range`, for this module's system calls.
    @inline(__always)
    func withRawBytes<R>(_ range: Range<Int>, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        precondition(range.lowerBound >= 0 && range.upperBound <= count, "range \(range) outside a region of \(count) bytes")
        guard let base else { preconditionFailure("the region was released") }
        return try body(UnsafeRawBufferPointer(start: base + leading + range.lowerBound, count: range.count))
    }

    /// Fills the whole region by calling `produce` with consecutive writable chunks of at most
    /// `chunk` bytes; only the creator calls it, before sharing the region. An error `produce`
    /// throws stops the filling.
    public func fill(chunk: Int, _ produce: (inout MutableRawSpan) throws -> Void) rethrows {
        guard let base else { preconditionFailure("the region was released") }
        var offset = 0
        while offset < count {
            let n = min(chunk, count - offset)
            var span = MutableRawSpan(_unsafeBytes: UnsafeMutableRawBufferPointer(start: base + leading + offset, count: n))
            try produce(&span)
            offset += n
        }
    }

    /// Unmaps the region (`munmap`); later access is a programming error.
    public func release() {
        guard let pointer = base else { return }
        munmap(pointer, mappedLength)
        base = nil
    }
}

/// A POSIX shared-memory object (`/dev/shm/NAME` on Linux) holding a copy of some bytes, so other
/// processes can map them: created with `create`, removed with `remove` (`shm_unlink`).
public struct SharedMemoryObject: Sendable {
    /// The object's name, beginning with a slash.
    public let name: String

    /// Creates a new object (mode 0600; fails if `name` exists) holding the bytes of `source`. Its
    /// memory is allocated before it is mapped (`posix_fallocate`): on a /dev/shm too small for it
    /// that is a clear `ENOSPC` here, where a copy into a mapping of unallocated pages would die of
    /// SIGBUS. Nothing is left behind on failure.
    public static func create(_ name: String, copying source: MemoryRegion) throws -> SharedMemoryObject {
        let fd = try attempt("shm_open \(name)") { () throws in
            try valueOrErrno { shm_open(name, O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC, 0o600) }
        }
        defer { _ = close(fd) }
        let object = SharedMemoryObject(name: name)
        do {
            guard source.count > 0 else { return object }
            try attempt("posix_fallocate \(source.count) bytes for /dev/shm\(name)") { () throws in
                try checkReturnCode(posix_fallocate(fd, 0, off_t(source.count)))
            }
            let pointer = mmap(nil, source.count, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)
            guard let pointer, pointer != MAP_FAILED else {
                throw SystemCallError("mmap \(name)", Errno(rawValue: errno))
            }
            defer { munmap(pointer, source.count) }
            source.withRawBytes(0..<source.count) { pointer.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
        } catch {
            object.remove()
            throw error
        }
        return object
    }

    /// Removes the object's name (`shm_unlink`); its memory is freed when the last mapping goes.
    public func remove() { Self.remove(name) }

    /// Removes the object called `name`, if there is one.
    public static func remove(_ name: String) { _ = shm_unlink(name) }

    /// Whether an object called `name` exists.
    public static func exists(_ name: String) -> Bool { Files.exists("/dev/shm" + name) }
}
