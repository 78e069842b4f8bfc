import TVPAnalysis
/// One chart tvp draws: `charts/<name>.gp` draws it from the data `prepare` makes of a run.
public struct Chart: Sendable {
    /// The file stem: the script `charts/<name>.gp`, the output `RUN/charts/<name>.png` and `.svg`.
    public var name: String
    /// What it shows, as a heading in report.md.
    public var title: String
    /// The data of the chart for a run, or why the run has none.
    public var prepare: @Sendable (RunFolder) -> ChartPreparation

    /// A chart.
    public init(name: String, title: String, prepare: @escaping @Sendable (RunFolder) -> ChartPreparation) {
        self.name = name
        self.title = title
        self.prepare = prepare
    }
}

/// What a chart's preparer made of a run.
public enum ChartPreparation: Sendable {
    /// Data to draw.
    case draw(ChartData)
    /// The run has nothing for this chart; the reason is printed as a note.
    case skip(String)
}

/// Everything a chart's script reads, and what the chart shows in one sentence.
public struct ChartData: Sendable {
    /// Scalars and arrays: titles, panels, ranges, styles (settings.gp).
    public var settings = GnuplotSettings()
    /// The data files.
    public var tables: [DataTable] = []
    /// One sentence computed from the data, for report.md.
    public var finding: String

    /// Data with its finding.
    public init(finding: String) { self.finding = finding }

    /// The table named `name`.
    public func table(_ name: String) -> DataTable? { tables.first { $0.name == name } }
}
