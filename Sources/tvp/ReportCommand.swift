import ArgumentParser
import TVPAnalysis
import TVPReport
import TVPResults

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write a run's report.md: the machine, the expectations' verdicts, each chart with its finding, the noisy cells.",
        discussion: """
            Reads RUN_DIR's summary.csv, meta.json and trials.csv (the expectations are re-evaluated as \
            `tvp check` does) and writes RUN_DIR/report.md, GitHub-flavoured Markdown that embeds the \
            charts in RUN_DIR/charts/ (draw them first with `tvp plot`). Writes nothing else. \
            `tvp run` writes the report itself after the charts. For a CI job summary: \
            `cat RUN_DIR/report.md >> "$GITHUB_STEP_SUMMARY"`.

            Exit status: 0 report written; 1 no summary.csv, or the folder cannot be written.
            """
    )

    @Argument(help: "A run folder.", completion: .directory)
    var runDirectory: String

    func run() throws {
        do {
            let folder = RunFolder.normalized(runDirectory)
            try ResultsWriter.writeReport(try ReportPage.make(folder), runDirectory: folder)
            print("Report: \(folder)/report.md")
        } catch {
            fail("\(error)")
        }
    }
}
