import ArgumentParser
import TVPRun

/// `tvp program-pages FILE...`: puts files in the page cache as tvp puts its workers there before
/// the trials of a process mode, for benchmarks/limits.sh to time other programs in the same state.
struct ProgramPagesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "program-pages",
        abstract: "Put executables in the page cache as tvp puts its workers there, and say how much of each it holds in 2 MiB folios.",
        discussion: """
            Writes each file's dirty pages back and drops its cached pages, then faults it back in \
            through a mapping that asked for huge pages, so the kernel keeps it in 2 MiB folios where it can (docs/overhead.md, row a). \
            Prints one line per file: the KiB of it the page cache holds in 2 MiB folios (what a mapping \
            of the whole file takes in 2 MiB pages), then its path.
            """,
        shouldDisplay: false)

    @Argument(help: "Regular files, such as tvp-worker.")
    var files: [String]

    func run() throws {
        var unread: [String] = []
        for file in files {
            guard let kib = KeptPrograms.keep(file) else { unread.append(file); continue }
            print("\(kib) \(file)")
        }
        if !unread.isEmpty { fail("cannot read \(unread.joined(separator: ", ")) into the page cache: each must be a regular file of at most \(KeptPrograms.largestFileMiB) MiB that tvp can open") }
    }
}
