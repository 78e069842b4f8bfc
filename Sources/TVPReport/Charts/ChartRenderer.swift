import Foundation
import TVPSystem
import TVPPlan
import TVPAnalysis
import TVPResults

/// Draws a run's charts with plot.gp. The chart data comes first: tvp writes `RUN/charts/data/`
/// from the run (at the end of every run from its own values, and again from the folder for `tvp
/// plot`, so a run made before tvp wrote it gets it, and gnuplot never loads settings that came
/// with a folder from elsewhere). Then
/// gnuplot runs exactly `gnuplot -c plot.gp RUN STAGING`, which draws each chart listed in the data
/// as a PNG and an SVG into a staging folder under RUN/charts/; once every chart is drawn the files
/// are renamed into RUN/charts/, so a reader never sees half a chart. It writes nothing outside
/// RUN/charts/, and the staging folder goes whatever happens (a failed or warning gnuplot, Ctrl-C).
/// plot.gp and the chart scripts come from tvp's own checkout or install location
/// (`InstallLocation`), never from the current directory.
public enum ChartRenderer {
    /// What a rendering drew and skipped.
    public struct Rendering: Sendable {
        /// The chart files written, sorted.
        public var files: [String]
        /// Charts the run has no data for, with the reason.
        public var skipped: [(chart: String, reason: String)]
    }

    /// gnuplot on `PATH` (absolute entries only), or nil when it is not installed.
    public static func gnuplotPath(environment: [String: String]) -> String? {
        ExternalProgram.find("gnuplot", searchPath: environment["PATH"])
    }

    /// Reads the run folder `runDirectory` for its charts: summary.csv, meta.json and crossover.csv.
    /// The folder's path is made absolute first, since gnuplot runs elsewhere.
    public static func load(_ runDirectory: String) throws -> RunFolder {
        let directory = InstallLocation.absolute(RunFolder.normalized(runDirectory))
        guard Files.exists("\(directory)/summary.csv") else { throw ChartError.noSummary("\(directory)/summary.csv") }
        return try RunFolder.load(directory, reading: .summary)
    }

    /// Writes the chart data of `run` (`RUN/charts/data/`) and returns its index. Needs no gnuplot.
    @discardableResult
    public static func prepareData(_ run: RunFolder, charts: [Chart] = ChartCatalog.all) throws -> ChartDataFolder.Index {
        try ChartDataFolder.write(run, charts: charts)
    }

    /// Reads the run folder `runDirectory` (`load`) and draws its charts (`render(_:environment:charts:)`).
    public static func render(runDirectory: String, environment: [String: String],
                              charts: [Chart] = ChartCatalog.all) throws -> Rendering {
        try render(try load(runDirectory), environment: environment, charts: charts)
    }

    /// Writes the chart data of `charts` and draws every chart the run has data for. A chart
    /// skipped this time loses its old files, so charts/ shows what this tvp drew. Anything gnuplot
    /// prints on stderr, a warning included, fails the rendering; nothing is then renamed into charts/.
    public static func render(_ run: RunFolder, environment: [String: String],
                              charts: [Chart] = ChartCatalog.all) throws -> Rendering {
        let runDirectory = InstallLocation.absolute(run.directory)
        let index = try ChartDataFolder.write(run, charts: charts)
        return try draw(index, directory: runDirectory, environment: environment)
    }

    /// Draws the charts whose data `index` lists in `directory/charts/data/` into `directory/charts/`
    /// with plot.gp (a run folder's, or a folder of charts drawn from a store).
    public static func draw(_ index: ChartDataFolder.Index, directory: String, environment: [String: String]) throws -> Rendering {
        let runDirectory = InstallLocation.absolute(directory)
        guard let gnuplot = gnuplotPath(environment: environment) else { throw ChartError.gnuplotMissing }
        guard let plotScript = InstallLocation.plotScript(environment: environment),
              let scripts = InstallLocation.chartsDirectory(environment: environment) else { throw ChartError.scriptsMissing }
        for name in index.drawn where !Files.exists("\(scripts)/\(name).gp") { throw ChartError.scriptMissing("\(scripts)/\(name).gp") }

        let output = "\(runDirectory)/charts"
        let staging = try Files.makePrivateDirectory(in: output, prefix: ".staging-")
        defer { Files.removeTree(staging) }
        if !index.drawn.isEmpty {
            try draw(plotScript: plotScript, scripts: scripts, run: runDirectory, into: staging, gnuplot: gnuplot, first: index.drawn[0])
        }
        var files: [String] = []
        for name in index.drawn {
            for format in ["png", "svg"] {
                try Files.rename("\(staging)/\(name).\(format)", to: "\(output)/\(name).\(format)")
                files.append("\(output)/\(name).\(format)")
            }
        }
        for skip in index.skipped {
            for format in ["png", "svg"] { Files.removeTree("\(output)/\(skip.chart).\(format)") }
        }
        return Rendering(files: files.sorted(), skipped: index.skipped.map { ($0.chart, $0.reason) })
    }

    /// Runs `gnuplot -c plot.gp RUN STAGING`; on a failure or a warning, names the chart plot.gp was
    /// drawing (its last "drawing NAME.FORMAT" line), or the first chart when it drew none.
    private static func draw(plotScript: String, scripts: String, run: String, into staging: String,
                             gnuplot: String, first: String) throws {
        let program = ExternalProgram(path: gnuplot, arguments: [
            "-e", "charts_dir = \(GnuplotSettings.literal(scripts))", "-c", plotScript, run, staging,
        ])
        let result: ProgramOutput
        do {
            result = try program.run()
        } catch ExternalProgramError.interrupted(_, let signal) {
            throw ChartError.interrupted(signal: signal)
        }
        let stderr = result.errorText.trimmingCharacters(in: .whitespacesAndNewlines)
        if !result.status.isSuccess || !stderr.isEmpty {
            let drawing = result.outputText.split(separator: "\n").last { $0.hasPrefix("drawing ") }
            let chart = drawing.map { String($0.dropFirst("drawing ".count).split(separator: ".").first ?? "") } ?? first
            throw ChartError.gnuplotFailed(chart: chart, status: result.status.description, stderr: stderr)
        }
    }
}
