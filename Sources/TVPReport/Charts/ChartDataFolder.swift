import Foundation
import TVPSystem
import TVPAnalysis

/// A run's chart data, `RUN/charts/data/`: a folder per chart with its settings.gp and tables, and
/// `index.gp`, which names the charts for plot.gp (`tvp_charts`) with the layout's version.
/// `skipped.tsv` lists the charts the run has no data for, with the reason. tvp writes it at the
/// end of every run, gnuplot or not, so `gnuplot -c plot.gp RUN` can draw the run anywhere later.
public enum ChartDataFolder {
    /// The layout plot.gp draws (`tvp_chart_data_version`); a change of it is a new number.
    public static let version = 1

    /// What the data folder holds: the charts to draw, in catalog order, and those skipped.
    public struct Index: Sendable, Equatable {
        /// The charts with data.
        public var drawn: [String]
        /// The charts without, and why.
        public var skipped: [Skip]
    }

    /// A chart the run has no data for.
    public struct Skip: Sendable, Equatable {
        /// The chart's name.
        public var chart: String
        /// Why.
        public var reason: String
    }

    /// `RUN/charts/data`.
    public static func path(_ runDirectory: String) -> String { "\(runDirectory)/charts/data" }

    /// Prepares every chart of `charts` from `run` and writes their data into `RUN/charts/data/`,
    /// replacing what was there whole: the new folder is written beside it and renamed into place.
    @discardableResult
    public static func write(_ run: RunFolder, charts: [Chart] = ChartCatalog.all) throws -> Index {
        try write(charts.map { ($0.name, $0.prepare(run)) }, directory: run.directory)
    }

    /// Writes charts already prepared into `DIRECTORY/charts/data/` (a run folder's, or the folder of
    /// a chart drawn from a store, such as `tvp history`'s), replacing what was there whole.
    @discardableResult
    public static func write(_ prepared: [(name: String, preparation: ChartPreparation)], directory: String) throws -> Index {
        let parent = "\(directory)/charts"
        try Files.makeDirectories(parent)
        let staging = try Files.makePrivateDirectory(in: parent, prefix: ".data-")
        defer { Files.removeTree(staging) }
        var index = Index(drawn: [], skipped: [])
        for chart in prepared {
            switch chart.preparation {
            case .skip(let reason):
                index.skipped.append(Skip(chart: chart.name, reason: reason))
            case .draw(let data):
                try ChartStage.write(data, into: "\(staging)/\(chart.name)")
                index.drawn.append(chart.name)
            }
        }
        try ChartStage.write(indexText(index), to: "\(staging)/index.gp")
        try ChartStage.write(index.skipped.map { "\($0.chart)\t\($0.reason.replacingOccurrences(of: "\t", with: " ").replacingOccurrences(of: "\n", with: " "))\n" }.joined(),
                  to: "\(staging)/skipped.tsv")
        try Files.setMode(staging, 0o755)
        let target = path(directory)
        if Files.exists(target) {
            let old = try Files.makePrivateDirectory(in: parent, prefix: ".data-old-")
            defer { Files.removeTree(old) }
            try Files.rename(target, to: "\(old)/data")
        }
        try Files.rename(staging, to: target)
        return index
    }

    /// index.gp: the version and the charts, as gnuplot assignments.
    static func indexText(_ index: Index) -> String {
        """
        # Written by tvp: the charts of this run that plot.gp draws (gnuplot -c plot.gp RUN_DIR).
        tvp_chart_data_version = \(version)
        tvp_charts = "\(index.drawn.joined(separator: " "))"

        """
    }
}
