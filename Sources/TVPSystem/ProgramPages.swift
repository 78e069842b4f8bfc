import Synchronization
import SystemPackage
#if canImport(Glibc)
import Glibc
#endif

/// Keeps an executable that tvp starts over and over cached the way a file just written is.
///
/// Every `processes` task maps and unmaps the worker's pages. A file just written, or read with
/// `read`, sits in the page cache in large folios (64 KiB and up), and a spawn maps those a folio
/// at a time. Once the kernel has dropped the pages (memory pressure, or a virtual machine's
/// proactive reclaim of pages idle for a minute, as on the project's VMs), exec's page faults read
/// them back in 4 KiB pages, mapped and unmapped one by one at every spawn: on the project's EPYC
/// VM the worker then started 14-17 % slower (docs/overhead.md, row a). That is how tvp's own file
/// happens to sit, not what a process costs, so before the trials that start workers tvp drops the
/// file's clean pages and reads it back whole (`refresh`), at most once per `interval`.
///
/// The cost is one read of the file (15 MB for tvp-worker), outside every clock. Pages that some
/// process has mapped are not dropped; a file that cannot be opened or read is left as it is.
public final class ProgramPages: Sendable {
    /// Seconds between two refreshes of one file: a worker in use stays cached, and reclaim of
    /// idle pages takes a minute or more.
    public let interval: Double
    private let lastRefresh = Mutex<[String: UInt64]>([:])

    /// A refresher that re-reads each file at most once per `interval` seconds.
    public init(interval: Double = 30) {
        self.interval = interval
    }

    /// Re-reads `path` into the page cache (`reread`) unless it was re-read less than `interval`
    /// seconds ago. Returns whether it read the file now.
    @discardableResult
    public func refresh(_ path: String) -> Bool {
        let now = MonotonicInstant.now().nanoseconds
        let due = lastRefresh.withLock { last -> Bool in
            if let previous = last[path], Double(now &- previous) / 1e9 < interval { return false }
            last[path] = now
            return true
        }
        return due && Self.reread(path)
    }

    /// The largest file `reread` reads: an executable is tens of MB; anything far larger is not
    /// one tvp should spend a read on.
    public static let largestFile = 1 << 30

    /// Drops `path`'s clean, unmapped pages from the page cache (`posix_fadvise(DONTNEED)`), then
    /// reads the whole file in 1 MiB reads, so the cache holds it as a sequential read leaves it.
    /// Returns false, changing nothing more, when the file cannot be opened or read, or is not a
    /// regular file of at most `largestFile` bytes (a FIFO or a device would block or never end).
    public static func reread(_ path: String) -> Bool {
        // Non-blocking open: opening a FIFO for reading would wait for a writer.
        guard let fd = try? FileDescriptor.open(FilePath(path), .readOnly, options: [.closeOnExec, .nonBlocking]) else { return false }
        defer { fd.closeQuietly() }
        var info = stat()
        guard fstat(fd.rawValue, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG, info.st_size <= largestFile else { return false }
        _ = posix_fadvise(fd.rawValue, 0, 0, POSIX_FADV_DONTNEED)
        let chunk = 1 << 20
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: chunk, alignment: 4096)
        defer { buffer.deallocate() }
        var total = 0
        while total <= largestFile {
            let n = read(fd.rawValue, buffer, chunk)
            if n > 0 { total += n; continue }
            if n < 0 && errno == EINTR { continue }
            return n == 0
        }
        return false
    }
}
