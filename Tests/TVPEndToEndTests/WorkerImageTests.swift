import Foundation
import Testing
import TVPSystem

/// What the built workers are made of. A `processes` task pays for everything the worker's image
/// runs before `main` (docs/overhead.md, row a), so what it links is checked here, not left to the
/// timing benchmarks: a closure isolated to the main actor once linked Swift's concurrency runtime
/// and libdispatch into tvp-worker, and their constructors made every spawn 9 % dearer.
@Suite("Worker images")
struct WorkerImageTests {
    static let folder = (Files.currentExecutablePath()! as NSString).deletingLastPathComponent

    /// The symbols `program` defines, from its symbol table (`nm`, binutils, which also provides the
    /// toolchain's linker).
    static func definedSymbols(_ program: String) throws -> Set<String> {
        let result = try runProgram("/usr/bin/env", ["nm", "--defined-only", program], in: "/")
        #expect(result.status == 0, "nm \(program): \(result.stderr)")
        return Set(result.stdout.split(separator: "\n").compactMap { $0.split(separator: " ").last.map(String.init) })
    }

    /// One ELF program header: its type, flags, file offset, address and size in the file.
    struct ProgramHeader {
        let type: UInt32, flags: UInt32, offset: Int, address: Int, fileSize: Int
    }

    /// `program`'s ELF program headers (64-bit little-endian, as on every Linux tvp builds for).
    static func programHeaders(_ program: String) throws -> [ProgramHeader] {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: program)))
        func word<T: FixedWidthInteger>(_ offset: Int, _: T.Type) -> T {
            (0..<MemoryLayout<T>.size).reduce(T(0)) { $0 | T(bytes[offset + $1]) << (8 * $1) }
        }
        #expect(Array(bytes[0..<4]) == [0x7F, 0x45, 0x4C, 0x46] && bytes[4] == 2 && bytes[5] == 1, "\(program) is not a 64-bit little-endian ELF file")
        let tableOffset = Int(word(0x20, UInt64.self)), entrySize = Int(word(0x36, UInt16.self)), count = Int(word(0x38, UInt16.self))
        return (0..<count).map {
            let at = tableOffset + $0 * entrySize
            return ProgramHeader(type: word(at, UInt32.self), flags: word(at + 4, UInt32.self), offset: Int(word(at + 8, UInt64.self)),
                                 address: Int(word(at + 16, UInt64.self)), fileSize: Int(word(at + 32, UInt64.self)))
        }
    }

    static func programHeaderTypes(_ program: String) throws -> [UInt32] {
        try programHeaders(program).map(\.type)
    }

    @Test("tvp-worker is one static executable: no program interpreter, nothing for ld.so to load")
    func workerIsStatic() throws {
        let types = try Self.programHeaderTypes("\(Self.folder)/tvp-worker")
        #expect(types.contains(1), "no PT_LOAD: the headers were not read")
        #expect(!types.contains(3), "tvp-worker has a PT_INTERP header: it is dynamically linked")
        // The plugin worker must dlopen, so it keeps the dynamic loader: the check can tell them apart.
        #expect(try Self.programHeaderTypes("\(Self.folder)/tvp-plugin-worker").contains(3))
    }

    @Test("neither worker links Foundation, Swift's concurrency runtime or libdispatch, whose constructors would run at every start",
          arguments: ["tvp-worker", "tvp-plugin-worker"])
    func workersStayLean(worker: String) throws {
        let symbols = try Self.definedSymbols("\(Self.folder)/\(worker)")
        // The Swift runtime itself is there (statically linked in both): the table was read.
        #expect(symbols.contains("swift_retain"), "\(worker): swift_retain not among \(symbols.count) symbols")
        let runtime = ["libdispatch_init", "swift_task_create", "swift_job_run", "swift_task_isCurrentExecutor"].filter(symbols.contains)
        #expect(runtime.isEmpty, "\(worker) defines \(runtime): something in it calls into Swift concurrency (a closure isolated to the main actor, an async call)")
        let foundation = symbols.filter { $0.hasPrefix("$s10Foundation") || $0.hasPrefix("$s20FoundationEssentials") }
        #expect(foundation.isEmpty, "\(worker) defines Foundation symbols, such as \(foundation.prefix(3).sorted())")
    }

    @Test("each worker's code segment can be mapped in 2 MiB pages: its address and file offset agree modulo 2 MiB, and it spans whole 2 MiB stretches",
          arguments: ["tvp-worker", "tvp-plugin-worker"])
    func codeSegmentAlignsWithHugeFolios(worker: String) throws {
        // ProgramPages keeps the workers in 2 MiB page-cache folios; a spawn maps one whole only where
        // the segment's address minus its offset is a multiple of 2 MiB and the segment covers the
        // folio (docs/overhead.md, row a). Linked -no-pie, the segment starts at 0x400000, offset 0.
        let huge = ProgramPages.hugePageSize
        let code = try #require(try Self.programHeaders("\(Self.folder)/\(worker)").first { $0.type == 1 && $0.flags & 1 != 0 },
                                "\(worker) has no executable PT_LOAD")
        #expect((code.address - code.offset) % huge == 0, "\(worker): address \(code.address) offset \(code.offset)")
        let firstWhole = (code.address + huge - 1) / huge * huge
        let wholeStretches = (code.address + code.fileSize - firstWhole) / huge
        #expect(wholeStretches >= 2, "\(worker): \(wholeStretches) whole 2 MiB stretches in \(code.fileSize) bytes from \(code.address)")
    }

    @Test("tvp program-pages keeps a copy of the worker as a run does and says how much of it sits in 2 MiB folios; a missing file fails with its name")
    func programPagesCommand() throws {
        let directory = try scratchDirectory()
        defer { Files.removeTree(directory) }
        let copy = "\(directory)/tvp-worker"
        let bytes = try Files.readAll("\(Self.folder)/tvp-worker", limit: 1 << 30)
        try Files.writeDurably(bytes, to: copy)
        let result = try runTVP(["program-pages", copy], in: directory)
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let fields = result.stdout.split(separator: "\n").map { $0.split(separator: " ", maxSplits: 1) }
        #expect(fields.count == 1 && fields.first?.last.map(String.init) == copy, "stdout: \(result.stdout)")
        let kib = try #require(fields.first?.first.flatMap { Int($0) }, "stdout: \(result.stdout)")
        // Whole 2 MiB folios of the file only, and as many as a mapping of it finds now.
        #expect(kib % 2048 == 0 && kib <= bytes.count / 1024, "\(kib) KiB of \(bytes.count / 1024)")
        #expect(ProgramPages.hugeMappedBytes(copy).map { $0 / 1024 } == kib)

        let missing = try runTVP(["program-pages", copy, "\(directory)/absent"], in: directory)
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("\(directory)/absent") && !missing.stderr.contains("\(copy),"), "stderr: \(missing.stderr)")
    }
}
