import TVPSystem

/// Why charts could not be drawn.
public enum ChartError: Error, CustomStringConvertible, Equatable {
    /// gnuplot is not on PATH.
    case gnuplotMissing
    /// The chart scripts could not be found.
    case scriptsMissing
    /// A chart's script is missing from the scripts folder.
    case scriptMissing(String)
    /// The run folder has no summary.csv.
    case noSummary(String)
    /// gnuplot failed or warned while drawing a chart.
    case gnuplotFailed(chart: String, status: String, stderr: String)
    /// tvp received SIGINT or SIGTERM while drawing; gnuplot was stopped.
    case interrupted(signal: Int32)

    /// What went wrong and how to fix it.
    public var description: String {
        switch self {
        case .gnuplotMissing:
            "gnuplot is not installed (not found on PATH); install it with `apt-get install -y gnuplot-nox`, then run `tvp plot RUN_DIR`"
        case .scriptsMissing:
            "plot.gp and the chart scripts were not found where tvp lives (its checkout, two folders above .build/<config>/tvp, or PREFIX/share/tvp beside PREFIX/bin/tvp); tvp never takes them from the current directory: set TVP_HOME to the folder that holds plot.gp and charts/"
        case .scriptMissing(let path):
            "\(path) is missing: every chart of ChartCatalog needs its script in the charts/ folder"
        case .noSummary(let path):
            "\(path) does not exist: is this a tvp run folder, and did the run finish?"
        case .gnuplotFailed(let chart, let status, let stderr):
            "gnuplot failed on the \(chart) chart (\(status)):\n\(stderr)"
        case .interrupted(let signal):
            "charts not drawn: interrupted by \(signalName(signal))"
        }
    }
}
