import Foundation
import TVPSystem

/// Draws a run's charts. For each chart of `ChartCatalog`, Swift prepares its data into a staging
/// folder under RUN/charts/, gnuplot draws it with `charts/<name>.gp` (a PNG, then an SVG), and
/// once every chart is drawn the files are renamed into RUN/charts/, so a reader never sees half a
/// chart. It writes nothing outside RUN/charts/, and the staging folder goes whatever happens
/// (a failed or warning gnuplot, Ctrl-C).
public enum ChartRenderer {
    /// What a rendering drew and skipped.
    public struct Rendering: Sendable {
        /// The chart files written, sorted.
        public var files: [String]
        /// Charts the run has no data for, with the reason.
        public var skipped: [(chart: String, reason: String)]
    }

    /// gnuplot on `PATH`, or nil when it is not installed.
    public static func gnuplotPath(environment: [String: String]) -> String? {
        ExternalProgram.find("gnuplot", searchPath: environment["PATH"])
    }

    /// The folder of the chart scripts (lib.gp and one .gp per chart): `$TVP_CHARTS_DIR`, else
    /// `./charts`, else `charts/` in the package above the running executable
    /// (`.build/<config>/tvp` → `../../charts`); nil when none holds lib.gp.
    public static func scriptsDirectory(environment: [String: String]) -> String? {
        if let explicit = environment["TVP_CHARTS_DIR"], !explicit.isEmpty { return explicit }
        var candidates = [FileManager.default.currentDirectoryPath + "/charts"]
        if let executable = Files.currentExecutablePath() {
            var directory = URL(fileURLWithPath: executable).resolvingSymlinksInPath().deletingLastPathComponent()
            for _ in 0..<4 {
                candidates.append(directory.appendingPathComponent("charts").path)
                directory.deleteLastPathComponent()
            }
        }
        return candidates.first { Files.exists("\($0)/lib.gp") }
    }

    /// Draws every chart the run at `runDirectory` has data for. A chart skipped this time loses
    /// its old files, so charts/ shows what this tvp drew. Anything gnuplot prints on stderr, a
    /// warning included, fails the rendering; nothing is then renamed into charts/. With
    /// `keepingData`, each chart's data is written to and kept in `<keepingData>/<chart>/`, so a
    /// chart can be drawn again by hand (charts/README.md).
    public static func render(runDirectory: String, environment: [String: String],
                              charts: [Chart] = ChartCatalog.all, keepingData: String? = nil) throws -> Rendering {
        let runDirectory = RunFolder.normalized(runDirectory)
        guard let gnuplot = gnuplotPath(environment: environment) else { throw ChartError.gnuplotMissing }
        guard let scripts = scriptsDirectory(environment: environment) else { throw ChartError.scriptsMissing }
        guard Files.exists("\(runDirectory)/summary.csv") else { throw ChartError.noSummary("\(runDirectory)/summary.csv") }
        let run = try RunFolder.load(runDirectory)

        let output = "\(runDirectory)/charts"
        try Files.makeDirectories(output)
        let staging = try Files.makePrivateDirectory(in: output, prefix: ".staging-")
        defer { Files.removeTree(staging) }
        var drawn: [String] = [], skipped: [(chart: String, reason: String)] = []
        for chart in charts {
            if let signal = InterruptSignal.received { throw ChartError.interrupted(signal: signal) }
            switch chart.prepare(run) {
            case .skip(let reason):
                skipped.append((chart.name, reason))
            case .draw(let data):
                let folder = "\(keepingData ?? staging)/\(chart.name)"
                try ChartStage.write(data, into: folder)
                for format in ["png", "svg"] {
                    try draw(chart, format: format, data: folder, into: "\(staging)/\(chart.name).\(format)", gnuplot: gnuplot, scripts: scripts)
                }
                drawn.append(chart.name)
            }
        }
        var files: [String] = []
        for name in drawn {
            for format in ["png", "svg"] {
                try Files.rename("\(staging)/\(name).\(format)", to: "\(output)/\(name).\(format)")
                files.append("\(output)/\(name).\(format)")
            }
        }
        for (name, _) in skipped {
            for format in ["png", "svg"] { Files.removeTree("\(output)/\(name).\(format)") }
        }
        return Rendering(files: files.sorted(), skipped: skipped)
    }

    /// Runs gnuplot on one chart's script for one format.
    private static func draw(_ chart: Chart, format: String, data: String, into file: String,
                             gnuplot: String, scripts: String) throws {
        let script = "\(scripts)/\(chart.name).gp"
        guard Files.exists(script) else { throw ChartError.scriptMissing(script) }
        let variables = "set loadpath \(GnuplotSettings.literal(scripts)); data_dir = \(GnuplotSettings.literal(data)); "
            + "output = \(GnuplotSettings.literal(file)); format = \(GnuplotSettings.literal(format))"
        let program = ExternalProgram(path: gnuplot, arguments: ["-e", variables, script])
        let result: ProgramOutput
        do {
            result = try program.run()
        } catch ExternalProgramError.interrupted(_, let signal) {
            throw ChartError.interrupted(signal: signal)
        }
        let stderr = result.errorText.trimmingCharacters(in: .whitespacesAndNewlines)
        if !result.status.isSuccess || !stderr.isEmpty {
            throw ChartError.gnuplotFailed(chart: chart.name, status: result.status.description, stderr: stderr)
        }
    }
}
