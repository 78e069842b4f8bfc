import ArgumentParser
import Foundation
import TVPAnalysis
import TVPReport
import TVPResults

/// `tvp export RUN_DIR --format json`: a run's cells in hyperfine's JSON layout.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a run's cells as JSON in hyperfine's layout (docs/results.md).",
        discussion: """
            One object per cell under "results": "command" (the cell, e.g. "cpu[8MiB] threads×2"), \
            "times" (every counted, successful trial's wall time, seconds), "mean", "stddev", "median", \
            "min", "max", "user", "system" (mean CPU seconds), "exit_codes" and "parameters" (workload, \
            mode, workers, tasks and the workload's parameters). Reads RUN_DIR/trials.csv; writes only \
            FILE (or standard output).

            Exit status: 0 written; 1 an unreadable run or an unwritable FILE.
            """
    )

    /// The formats `tvp export` writes.
    enum Format: String, ExpressibleByArgument, CaseIterable { case json }

    @Argument(help: "A run folder (or its trials.csv).", completion: .directory)
    var runDirectory: String

    @Option(name: .long, help: "The format: json.")
    var format: Format = .json

    @Option(name: [.short, .long], help: "Write to FILE instead of standard output.")
    var output: String?

    func run() throws {
        do {
            let run = try RunFolder.load(runDirectory, reading: .trials)
            if let output {
                try JSONExport.write(run, to: output)
            } else {
                print(try JSONExport.render(run), terminator: "")
            }
        } catch {
            fail("\(error)")
        }
    }
}
