import Synchronization
import SystemPackage
#if canImport(Glibc)
import Glibc
#endif

/// Keeps an executable that tvp starts over and over in the page cache in the largest folios the
/// kernel gives, so that every spawn maps it with as few page faults as it can.
///
/// Every `processes` task maps and unmaps the worker's pages. How the file sits in the page cache
/// decides how many faults that takes (docs/overhead.md, row a):
/// - read back by exec's own faults after the kernel dropped it (memory pressure, or a virtual
///   machine's proactive reclaim of idle pages), in 4 KiB pages: each spawn maps and unmaps them one
///   by one, 14-17 % slower on the project's EPYC VM than a file just copied;
/// - copied or read with `read`, in folios of 64 KiB and up, which fault-around maps a window at a time;
/// - in 2 MiB folios: one fault maps a whole 2 MiB of the executable with one page-table entry
///   (`filemap_map_pages` maps a PMD-sized folio whole where the mapping is aligned to it). The
///   workers' first segment (headers, code, Swift metadata: 6 MB) starts at file offset 0 and address
///   0x400000, so three such entries cover it: 38 faults a spawn instead of 66. On a Xeon with SHA
///   instructions a spawn + `null` task then cost 1.12x a static C no-op, against 1.32-1.34x as
///   copied (benchmarks/limits.sh, two runs, 2026-12-07).
///
/// The kernel reads a file into 2 MiB folios when a mapping of it that asked for huge pages
/// (`madvise(MADV_HUGEPAGE)`) faults (mm/filemap.c, `do_sync_mmap_readahead`), where the file
/// system keeps large folios (ext4 and XFS on Linux 6.16 and later). So before the trials that start
/// workers tvp drops the file's clean pages and faults it back in through such a mapping (`reread`),
/// at most once per `interval`. Where the kernel cannot, the same call reads the file with `read`,
/// which leaves it as a sequential read does.
///
/// The cost is one read of the file (15 MB for tvp-worker), outside every clock. Pages that some
/// process has mapped are not dropped; a file that cannot be opened or read is left as it is.
/// A worker's resident set (`VmRSS`) counts the whole 6 MB then: those are the page cache's pages,
/// shared by every worker, not memory a worker allocated.
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

    /// The size of the page cache's largest folios on x86-64 and of a page-middle-directory entry.
    public static let hugePageSize = 2 << 20

    /// Writes `path`'s dirty pages back (`fdatasync`) and drops its unmapped pages from the page
    /// cache (`posix_fadvise(DONTNEED)`), then faults the whole file back in through a read-only
    /// mapping that asked for huge pages, so the kernel reads it in 2 MiB folios where it can
    /// (`MADV_HUGEPAGE`, then `MADV_POPULATE_READ`). A kernel without either gets the whole file read
    /// in 1 MiB reads instead.
    /// Returns false, changing nothing more, when the file cannot be opened or read, or is not a
    /// regular file of at most `largestFile` bytes (a FIFO or a device would block or never end).
    public static func reread(_ path: String) -> Bool {
        guard let (fd, size) = openRegularFile(path) else { return false }
        defer { fd.closeQuietly() }
        guard size <= largestFile else { return false }
        // Written back first: the kernel drops only clean pages, and a worker just built or copied
        // still has dirty ones, which would stay in the write path's smaller folios.
        _ = fdatasync(fd.rawValue)
        _ = posix_fadvise(fd.rawValue, 0, 0, POSIX_FADV_DONTNEED)
        if size > 0 && faultInThroughHugeMapping(fd.rawValue, count: size) { return true }
        return readWhole(fd.rawValue)
    }

    /// `path` opened for reading, with its size, when it is a regular file; nil otherwise. The open
    /// does not block: opening a FIFO for reading would wait for a writer.
    private static func openRegularFile(_ path: String) -> (FileDescriptor, Int)? {
        guard let fd = try? FileDescriptor.open(FilePath(path), .readOnly, options: [.closeOnExec, .nonBlocking]) else { return nil }
        var info = stat()
        guard fstat(fd.rawValue, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            fd.closeQuietly()
            return nil
        }
        return (fd, Int(info.st_size))
    }

    /// `madvise(MADV_POPULATE_READ)`: Linux 5.14 and later; Glibc's headers may not name it yet.
    private static let populateRead: Int32 = 22

    /// Maps `count` bytes of `fd` read-only, asks for huge pages and faults every page in. A fault
    /// in a mapping flagged `VM_HUGEPAGE` reads the file ahead in PMD-sized folios, aligned on the
    /// file's offset (not the mapping's address), so any later mapping of the file can use them.
    /// Returns false where the kernel refuses either request (no transparent huge pages, a kernel
    /// before 5.14), so the caller reads.
    /// Population reports a file cut short meanwhile as an error; touching its pages would be SIGBUS.
    private static func faultInThroughHugeMapping(_ fd: Int32, count: Int) -> Bool {
        guard let base = mmap(nil, count, PROT_READ, MAP_SHARED, fd, 0), base != MAP_FAILED else { return false }
        defer { munmap(base, count) }
        // Refused (EINVAL) where transparent huge pages are not built in: faults would then read
        // ahead in smaller folios than `read` does, so the caller reads instead.
        guard madvise(base, count, MADV_HUGEPAGE) == 0 else { return false }
        return madvise(base, count, populateRead) == 0
    }

    /// Reads the whole of `fd` in 1 MiB reads.
    private static func readWhole(_ fd: Int32) -> Bool {
        let chunk = 1 << 20
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: chunk, alignment: 4096)
        defer { buffer.deallocate() }
        var total = 0
        while total <= largestFile {
            let n = read(fd, buffer, chunk)
            if n > 0 { total += n; continue }
            if n < 0 && errno == EINTR { continue }
            return n == 0
        }
        return false
    }

    /// How many bytes of `path` a mapping of it gets mapped in huge pages: `path` is mapped read-only
    /// at an address aligned to `hugePageSize`, as the workers' first segment is, its pages faulted in,
    /// and the mapping's `FilePmdMapped` read from `/proc/self/smaps`. So it says how the page cache
    /// holds the file now, as every spawn of it will find it. Faulting in pages that are not cached
    /// reads them in small folios, as exec would. Nil when the file cannot be mapped or smaps read.
    public static func hugeMappedBytes(_ path: String) -> Int? {
        guard let (fd, count) = openRegularFile(path) else { return nil }
        defer { fd.closeQuietly() }
        guard count > 0 else { return nil }
        // Reserve room to slide the mapping up to the next aligned address, then map the file there.
        let reserved = count + hugePageSize
        guard let area = mmap(nil, reserved, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0), area != MAP_FAILED else { return nil }
        defer { munmap(area, reserved) }
        let address = (Int(bitPattern: area) + hugePageSize - 1) & ~(hugePageSize - 1)
        guard let base = mmap(UnsafeMutableRawPointer(bitPattern: address), count, PROT_READ, MAP_SHARED | MAP_FIXED, fd.rawValue, 0),
              base != MAP_FAILED else { return nil }
        guard madvise(base, count, populateRead) == 0 else { return nil }
        return pmdMappedKiB(at: address).map { $0 * 1024 }
    }

    /// `FilePmdMapped` of the mapping of this process that starts at `address`, in KiB.
    private static func pmdMappedKiB(at address: Int) -> Int? {
        guard let smaps = try? Files.readAll("/proc/self/smaps") else { return nil }
        // /proc prints addresses in hexadecimal, at least 8 digits.
        let hex = String(address, radix: 16)
        let start = String(repeating: "0", count: max(0, 8 - hex.count)) + hex + "-"
        var inside = false
        for line in String(decoding: smaps, as: UTF8.self).split(separator: "\n") {
            let token = line.prefix { $0 != " " }
            if token.contains("-") && token.allSatisfy({ $0.isHexDigit || $0 == "-" }) {
                // A mapping's header line: "start-end perms offset dev inode path".
                if inside { return nil }
                inside = line.hasPrefix(start)
            } else if inside, line.hasPrefix("FilePmdMapped:") {
                return line.split(separator: " ").dropFirst().first.flatMap { Int($0) }
            }
        }
        return nil
    }
}
