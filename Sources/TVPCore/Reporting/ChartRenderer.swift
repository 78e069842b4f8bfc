import Foundation
import TVPSystem

/// Draws a run's charts by running gnuplot on plot.gp: the one place tvp shells out to a program
/// other than its own worker.
public enum ChartRenderer {
    /// gnuplot on `PATH`, or nil when it is not installed.
    public static func gnuplotPath(environment: [String: String]) -> String? {
        let path = environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/gnuplot" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// plot.gp: `$TVP_PLOT_SCRIPT`, else `./plot.gp`, else the package root above the running
    /// executable (`.build/<config>/tvp` → `../../plot.gp`), else nil.
    public static func scriptPath(environment: [String: String]) -> String? {
        if let explicit = environment["TVP_PLOT_SCRIPT"], !explicit.isEmpty { return explicit }
        var candidates = [FileManager.default.currentDirectoryPath + "/plot.gp"]
        if let executable = Bundle.main.executableURL?.resolvingSymlinksInPath() {
            var directory = executable.deletingLastPathComponent()
            for _ in 0..<4 {
                candidates.append(directory.appendingPathComponent("plot.gp").path)
                directory.deleteLastPathComponent()
            }
        }
        return candidates.first { FileManager.default.fileExists(atPath: $0) }
    }

    /// Runs `gnuplot -c plot.gp runDirectory` and returns the chart files it wrote, sorted (charts
    /// left from an earlier rendering that plot.gp skipped this time are not listed). Anything
    /// gnuplot prints on stderr (a warning included) is a failure.
    public static func render(runDirectory: String, environment: [String: String]) throws -> [String] {
        guard let gnuplot = gnuplotPath(environment: environment) else { throw ChartError.gnuplotMissing }
        guard let script = scriptPath(environment: environment) else { throw ChartError.scriptMissing }
        let summary = runDirectory + "/summary.csv"
        guard FileManager.default.fileExists(atPath: summary) else { throw ChartError.noSummary(summary) }

        // gnuplot draws into a private folder; each finished file is then renamed into charts/, so
        // charts/ never holds a half-written chart.
        let charts = runDirectory + "/charts"
        let staging = try Files.makePrivateDirectory(in: runDirectory, prefix: ".charts-")
        defer { Files.removeTree(staging) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: gnuplot)
        process.arguments = ["-c", script, runDirectory, staging]
        process.environment = environment
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        if process.terminationStatus != 0 || !stderr.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw ChartError.gnuplotFailed(status: process.terminationStatus, stderr: stderr)
        }
        try Files.makeDirectories(charts)
        var written: [String] = []
        for name in Files.directoryEntries(staging).sorted() where name.hasSuffix(".png") || name.hasSuffix(".svg") {
            try Files.rename("\(staging)/\(name)", to: "\(charts)/\(name)")
            written.append("\(charts)/\(name)")
        }
        return written
    }
}

/// Why charts could not be drawn.
public enum ChartError: Error, CustomStringConvertible, Equatable {
    /// gnuplot is not on PATH.
    case gnuplotMissing
    /// plot.gp could not be found.
    case scriptMissing
    /// The run folder has no summary.csv.
    case noSummary(String)
    /// gnuplot failed or warned.
    case gnuplotFailed(status: Int32, stderr: String)

    /// What went wrong and how to fix it.
    public var description: String {
        switch self {
        case .gnuplotMissing:
            "gnuplot is not installed (not found on PATH); install it with `apt-get install -y gnuplot-nox`, then run `tvp plot RUN_DIR`"
        case .scriptMissing:
            "plot.gp not found: run tvp from the repository root, or set TVP_PLOT_SCRIPT to the script's path"
        case .noSummary(let path):
            "\(path) does not exist: is this a tvp run folder, and did the run finish?"
        case .gnuplotFailed(let status, let stderr):
            "gnuplot failed (exit status \(status)):\n\(stderr.trimmingCharacters(in: .whitespacesAndNewlines))"
        }
    }
}
