import Glibc
import Testing
@testable import TVPSystem

/// The share of `path`'s pages in the page cache (`mincore` of a mapping of it).
private func residentShare(_ path: String) throws -> Double {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    #expect(fd >= 0)
    defer { close(fd) }
    var info = stat()
    #expect(fstat(fd, &info) == 0)
    let size = Int(info.st_size), page = Int(sysconf(Int32(_SC_PAGESIZE)))
    let mapping = mmap(nil, size, PROT_READ, MAP_SHARED, fd, 0)
    #expect(mapping != MAP_FAILED)
    defer { munmap(mapping, size) }
    var vector = [UInt8](repeating: 0, count: (size + page - 1) / page)
    #expect(mincore(mapping, size, &vector) == 0)
    return Double(vector.filter { $0 & 1 == 1 }.count) / Double(vector.count)
}

@Suite("Program pages")
struct ProgramPagesTests {
    /// A folder on the disk the build is on (not /tmp, which may be a tmpfs whose pages cannot be dropped).
    static func scratch() throws -> String {
        var template = Array("\(Files.currentExecutablePath()!).pages.XXXXXX".utf8CString)
        #expect(mkdtemp(&template) != nil)
        return String(cString: template)
    }

    @Test("reread drops a file's cached pages and reads the whole of it back, past its first MiB")
    func rereadWholeFile() throws {
        let folder = try Self.scratch()
        defer { Files.removeTree(folder) }
        let path = "\(folder)/program"
        let bytes = (0..<(3 << 20) + 123).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 7) }
        try Files.writeDurably(bytes, to: path)
        try Files.dropFromPageCache(path)
        let dropped = try residentShare(path)
        #expect(ProgramPages.reread(path))
        // Where the kernel dropped the pages (a disk file system), the read must have brought back all.
        #expect(try residentShare(path) == 1, "after dropping: \(dropped)")
        #expect(try Files.readAll(path) == bytes)
        #expect(!ProgramPages.reread("\(folder)/absent"))
    }

    /// Whether this kernel and the file system under the build keep a file in 2 MiB folios and map
    /// one whole: probed with a file written in one 5 MiB write (the write path's large folios),
    /// which does not go through `reread`. Linux before 6.16 on ext4, or a kernel without
    /// transparent huge pages, says no.
    static let kernelMapsHugeFolios: Bool = {
        guard let folder = try? scratch() else { return false }
        defer { Files.removeTree(folder) }
        let path = "\(folder)/written"
        guard (try? Files.writeDurably([UInt8](repeating: 7, count: 5 << 20), to: path)) != nil else { return false }
        return (ProgramPages.hugeMappedBytes(path) ?? 0) > 0
    }()

    @Test("reread leaves a file in 2 MiB folios that a mapping takes whole, where exec's faults leave it in small ones",
          .enabled(if: kernelMapsHugeFolios))
    func rereadInHugeFolios() throws {
        let folder = try Self.scratch()
        defer { Files.removeTree(folder) }
        let path = "\(folder)/program"
        let bytes = (0..<(6 << 20) + 4321).map { UInt8(truncatingIfNeeded: $0 &* 40_503 >> 5) }
        try Files.writeDurably(bytes, to: path)
        try Files.dropFromPageCache(path)
        // Faulted back in by a plain mapping, as exec does: readahead's small folios, none mapped whole.
        #expect(ProgramPages.hugeMappedBytes(path) == 0)
        let huge = try Self.rereadInHugeFolios(path)
        // Three whole 2 MiB stretches fit in the file; the tail past 6 MiB cannot be mapped whole.
        #expect(huge > 0 && huge <= 3 * ProgramPages.hugePageSize && huge % ProgramPages.hugePageSize == 0, "\(huge) bytes")
        #expect(try Files.readAll(path) == bytes)

        // A file just written in 4 KiB writes (as `cp` or a linker may), its pages still dirty and in
        // small folios: written back, then dropped and read in 2 MiB folios too. The kernel drops
        // only clean pages, so without the write-back the small folios would stay.
        let fresh = "\(folder)/fresh"
        let out = open(fresh, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        #expect(out >= 0)
        for start in stride(from: 0, to: bytes.count, by: 4096) {
            let end = min(start + 4096, bytes.count)
            #expect(bytes[start..<end].withUnsafeBytes { Glibc.write(out, $0.baseAddress, $0.count) } == end - start)
        }
        close(out)
        // One attempt: the drop starts the write-back itself, so a second `reread` would find the
        // pages clean even without it. The first file just got its 2 MiB folios, so memory allows.
        #expect(ProgramPages.reread(fresh))
        let freshHuge = try #require(ProgramPages.hugeMappedBytes(fresh))
        #expect(freshHuge > 0 && freshHuge % ProgramPages.hugePageSize == 0, "\(freshHuge) bytes")
    }

    /// `reread`s `path` and returns how many of its bytes the cache then holds in 2 MiB folios, trying
    /// up to three times while that is none: the kernel takes a 2 MiB folio only where it finds 2 MiB
    /// of free contiguous memory at once, which a fragmented machine may lack for a moment.
    static func rereadInHugeFolios(_ path: String) throws -> Int {
        var huge = 0
        for _ in 0..<3 where huge == 0 {
            #expect(ProgramPages.reread(path))
            huge = try #require(ProgramPages.hugeMappedBytes(path))
        }
        return huge
    }

    @Test("hugeMappedBytes names no size for what it cannot map")
    func hugeMappedBytesRefuses() throws {
        let folder = try Self.scratch()
        defer { Files.removeTree(folder) }
        #expect(ProgramPages.hugeMappedBytes("\(folder)/absent") == nil)
        #expect(ProgramPages.hugeMappedBytes(folder) == nil)
        try Files.writeDurably([], to: "\(folder)/empty")
        #expect(ProgramPages.hugeMappedBytes("\(folder)/empty") == nil)
        // A small file is mapped, in small pages only.
        try Files.writeDurably(Array("worker".utf8), to: "\(folder)/small")
        #expect(ProgramPages.hugeMappedBytes("\(folder)/small") == 0)
    }

    @Test("refresh reads a file once per interval, and each file on its own")
    func refreshInterval() throws {
        let folder = try Self.scratch()
        defer { Files.removeTree(folder) }
        try Files.writeDurably(Array("worker".utf8), to: "\(folder)/a")
        try Files.writeDurably(Array("plugin worker".utf8), to: "\(folder)/b")
        let pages = ProgramPages(interval: 3600)
        #expect(pages.refresh("\(folder)/a"))
        #expect(!pages.refresh("\(folder)/a"))
        #expect(pages.refresh("\(folder)/b"))
        let always = ProgramPages(interval: 0)
        #expect(always.refresh("\(folder)/a") && always.refresh("\(folder)/a"))
        // A file it cannot read is not counted as refreshed.
        #expect(!always.refresh("\(folder)/absent"))
    }

    @Test("a FIFO or a directory given as the worker is left alone at once, not read (a FIFO would wait for a writer)")
    func notRegularFiles() throws {
        let folder = try Self.scratch()
        defer { Files.removeTree(folder) }
        #expect(mkfifo("\(folder)/fifo", 0o755) == 0)
        let start = MonotonicInstant.now()
        #expect(!ProgramPages.reread("\(folder)/fifo"))
        #expect(!ProgramPages.reread(folder))
        #expect(MonotonicInstant.now().seconds(since: start) < 5)
    }
}
