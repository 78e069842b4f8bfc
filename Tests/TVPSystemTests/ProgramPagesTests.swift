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
