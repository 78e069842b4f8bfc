import ArgumentParser
import Foundation
import TVPCore

struct PlotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plot",
        abstract: "Redraw a run's charts (PNG and SVG) with gnuplot.",
        discussion: """
            Reads RUN_DIR's summary.csv (and crossover.csv, or trials.csv for a run that predates it), \
            prepares each chart's data and draws it with gnuplot and charts/<chart>.gp into \
            RUN_DIR/charts/ (1200×800 PNG and SVG). Writes nothing else: report.md is `tvp report`'s. \
            The chart scripts are found in ./charts, next to the package the binary was built in, or \
            at $TVP_CHARTS_DIR.

            Exit status: 0 charts written; 1 gnuplot missing, failed or warned, or no summary.csv; \
            130 or 143 interrupted by SIGINT or SIGTERM (gnuplot stopped, nothing half-written left).
            """
    )

    @Argument(help: "A run folder.", completion: .directory)
    var runDirectory: String

    @Option(name: .long, help: "Also keep each chart's data (settings.gp and its tables) in DIR/<chart>/, to draw it by hand.")
    var keepData: String?

    func run() throws {
        do { try Interruption.install() } catch { fail("\(error)") }
        do {
            let rendering = try ChartRenderer.render(runDirectory: runDirectory, environment: ProcessInfo.processInfo.environment,
                                                     keepingData: keepData)
            print("Charts written:")
            rendering.files.forEach { print("  \($0)") }
            rendering.skipped.forEach { print("  (no \($0.chart) chart: \($0.reason))") }
        } catch ChartError.interrupted(let signal) {
            printError("tvp: \(ChartError.interrupted(signal: signal))")
            throw ExitCode(Interruption.exitStatus(for: signal))
        } catch {
            fail("\(error)")
        }
    }
}
