import ArgumentParser
import Foundation
import TVPReport
import TVPRun

struct PlotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plot",
        abstract: "Redraw a run's charts (PNG and SVG) with gnuplot: runs plot.gp.",
        discussion: """
            Runs exactly `gnuplot -c plot.gp RUN_DIR`, which draws every chart from the chart data in \
            RUN_DIR/charts/data/ into RUN_DIR/charts/ (1200×800 PNG and SVG). A run made before tvp \
            wrote that data gets it first, from summary.csv (and crossover.csv, or trials.csv for a run \
            that predates it). Writes nothing outside RUN_DIR/charts/: report.md is `tvp report`'s. \
            plot.gp and charts/*.gp come from tvp's checkout or install location (or $TVP_HOME; \
            $TVP_CHARTS_DIR for the chart scripts alone), never from the current directory.

            Exit status: 0 charts written; 1 gnuplot missing, failed or warned, or no summary.csv; \
            130 or 143 interrupted by SIGINT or SIGTERM (gnuplot stopped, nothing half-written left).
            """
    )

    @Argument(help: "A run folder.", completion: .directory)
    var runDirectory: String

    func run() throws {
        do { try Interruption.install() } catch { fail("\(error)") }
        do {
            let rendering = try ChartRenderer.render(runDirectory: runDirectory, environment: ProcessInfo.processInfo.environment)
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
