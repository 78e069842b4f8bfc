import ArgumentParser
import TVPMeasure
import TVPPlan

@main
struct TVP: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tvp",
        abstract: "Threads versus processes: measure where shared-memory threading helps, and by how much.",
        discussion: """
            Runs the same tasks of each workload in each execution mode, from one thread to separate \
            processes; writes every trial to CSV, summarises them, draws the charts (plot.gp) and \
            report.md. `tvp list` says what each workload and mode does and lists the scenarios; docs/ \
            in the checkout explains each.

            Workloads: \(Scenario.workloadNames.joined(separator: ", ")).
            Modes: \(Scenario.modeNames.joined(separator: ", ")).

            Exit status: 0 success (a skipped expectation included); 1 error (bad input, failed trials, \
            unreadable files); 2 a failed expectation or a regression; 130 or 143 interrupted.
            """,
        version: TVPVersion.string,
        subcommands: [RunCommand.self, PlotCommand.self, ReportCommand.self, CompareCommand.self, PairedCommand.self, StoreCommand.self, HistoryCommand.self, CheckCommand.self, ExportCommand.self, ListCommand.self, InfoCommand.self, ServeCommand.self, ProgramPagesCommand.self]
    )
}
