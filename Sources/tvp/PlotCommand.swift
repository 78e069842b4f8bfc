import ArgumentParser
import Foundation
import TVPCore

struct PlotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plot",
        abstract: "Draw a run's charts (PNG and SVG) with gnuplot and plot.gp.",
        discussion: """
            Runs `gnuplot -c plot.gp RUN_DIR`, which reads RUN_DIR/summary.csv and writes \
            RUN_DIR/charts/*.png (1200×800) and *.svg. plot.gp is found in the working directory, \
            next to the package the binary was built in, or at $TVP_PLOT_SCRIPT.

            Exit status: 0 charts written; 1 gnuplot missing, failed or warned, or no summary.csv.
            """
    )

    @Argument(help: "A run folder.", completion: .directory)
    var runDirectory: String

    func run() throws {
        do {
            let files = try ChartRenderer.render(runDirectory: runDirectory, environment: ProcessInfo.processInfo.environment)
            print("Charts written:")
            files.forEach { print("  \($0)") }
        } catch {
            fail("\(error)")
        }
    }
}
