import ArgumentParser
import TVPMeasure

@main
struct TVP: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tvp",
        abstract: "Threads versus processes: measure where shared-memory threading helps, and by how much.",
        discussion: """
            Runs the same tasks (SHA-256 hashing, sleeps with file reads, empty tasks, shared inputs, \
            shared-state updates, HTTP downloads, your own C-ABI function) serially, on a thread pool, in \
            posix_spawn'ed processes, a process pool, a model of CPython's GIL and Swift async; writes \
            every trial to CSV, summarises them, draws the charts (plot.gp) and report.md. `tvp list` \
            shows the workloads, modes and scenarios; docs/ in the checkout explains each.

            Exit status: 0 success (a skipped expectation included); 1 error (bad input, failed trials, \
            unreadable files); 2 a failed expectation or a regression; 130 or 143 interrupted.
            """,
        version: TVPVersion.string,
        subcommands: [RunCommand.self, PlotCommand.self, ReportCommand.self, CompareCommand.self, PairedCommand.self, StoreCommand.self, HistoryCommand.self, CheckCommand.self, ExportCommand.self, ListCommand.self, InfoCommand.self, ServeCommand.self]
    )
}
