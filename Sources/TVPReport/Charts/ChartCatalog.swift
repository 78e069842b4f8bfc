/// Every chart tvp draws, in the order report.md shows them: the one place a chart is registered.
///
/// Adding a chart: write `charts/<name>.gp` (it loads lib.gp and draws), a preparer
/// `Charts/<Name>Chart.swift` that turns a `RunFolder` into its `ChartData` (or says why the run
/// has none), and add its line here. See charts/README.md.
public enum ChartCatalog {
    /// The charts.
    public static let all: [Chart] = [
        SpeedupChart.chart,
        WallTimeChart.chart,
        OverheadChart.chart,
        EfficiencyChart.chart,
        CPUVsWallChart.chart,
        TransferChart.chart,
        CrossoverMapChart.chart,
        CrossoverLinesChart.chart,
        PoolStartChart.chart,
        SharingChart.chart,
        DownloadsChart.chart,
        ResponsivenessChart.chart,
        CommunicationChart.chart,
    ]
}
