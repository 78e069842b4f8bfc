import ArgumentParser
import TVPCore

@main
struct TVP: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tvp",
        abstract: "Threads versus processes: measure where shared-memory threading helps, and by how much.",
        discussion: """
            Runs the same tasks (SHA-256 hashing, sleeping I/O with file reads, empty tasks) serially, on a \
            thread pool and in posix_spawn'ed processes, writes every trial to CSV and summarises them.

            Exit status: 0 success; 1 error (bad input, failed trials, unreadable files); \
            2 a failed expectation or a regression.
            """,
        version: TVPVersion.string,
        subcommands: [RunCommand.self, PlotCommand.self, ReportCommand.self, CompareCommand.self, PairedCommand.self, CheckCommand.self, ListCommand.self, InfoCommand.self, ServeCommand.self]
    )
}
