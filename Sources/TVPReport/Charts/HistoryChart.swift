import Foundation
import TVPAnalysis

/// history: each cell's run medians across stored runs, with each run's fastest–slowest trial, the
/// band learned from its history and its change points; a panel per cell, runs on the x axis.
/// Drawn by `tvp history` from a store (not from one run folder) into `OUT/charts/history.png|svg`
/// through plot.gp and `charts/history.gp`, like every chart.
public enum HistoryChart {
    /// The chart's name: the script `charts/history.gp`.
    public static let name = "history"
    /// The most panels one chart holds; further cells are left out (with a note).
    public static let maximumPanels = 12

    /// What the chart shows.
    public struct Page: Sendable {
        /// The scenario.
        public var scenario: String
        /// The machine kind's key.
        public var machineKind: String
        /// A short name per run for the x axis, oldest first.
        public var runNames: [String]
        /// The cells' histories.
        public var cells: [CellHistory]

        /// A page from its parts.
        public init(scenario: String, machineKind: String, runNames: [String], cells: [CellHistory]) {
            self.scenario = scenario
            self.machineKind = machineKind
            self.runNames = runNames
            self.cells = cells
        }
    }

    /// The chart was prepared but not drawn (no gnuplot); the data is written.
    public struct NotDrawn: Error, CustomStringConvertible {
        /// Why.
        public var description: String
    }

    /// The chart's data: series.tsv (a block per cell: x, y, low, high, label), band.tsv (a block per
    /// cell with a band: x, band_low, band_high) and change.tsv (a block per cell with change
    /// points: x, y); settings name each panel's blocks.
    public static func prepare(_ page: Page, title: String? = nil, yLabel: String = "wall time per trial") -> ChartPreparation {
        let cells = Array(page.cells.prefix(maximumPanels))
        guard !cells.isEmpty, !page.runNames.isEmpty else { return .skip("no cell has a stored run") }
        var series = DataTable(name: "series.tsv", columns: ["x", "y", "low", "high", "label"])
        var bands = DataTable(name: "band.tsv", columns: ["x", "band_low", "band_high"])
        var changes = DataTable(name: "change.tsv", columns: ["x", "y"])
        var bandBlock: [Double] = [], changeBlock: [Double] = [], lows: [Double] = [], highs: [Double] = []
        for cell in cells {
            series.addBlock(cell.medians.indices.map { i in
                [.number(Double(i + 1)), .number(cell.medians[i]), .number(cell.lows[i]), .number(cell.highs[i]),
                 .text(page.runNames[i])]
            })
            var values = cell.lows + cell.highs
            if let band = cell.band {
                let rows: [[ChartValue]] = (cell.start..<cell.medians.count).map { i in
                    [.number(Double(i + 1)), .number(band.lower), .number(band.upper)]
                }
                bandBlock.append(Double(bands.addBlock(rows) ?? 0))
                values += [band.lower, band.upper]
            } else {
                bandBlock.append(0)
            }
            let points = cell.changePoints.map { i -> [ChartValue] in [.number(Double(i + 1)), .number(cell.medians[i])] }
            changeBlock.append(points.isEmpty ? 0 : Double(changes.addBlock(points) ?? 0))
            let finite = values.filter(\.isFinite)
            let low = finite.min() ?? 0, high = finite.max() ?? 1
            let pad = max((high - low) * 0.1, high * 0.01)
            lows.append(max(0, low - pad))
            highs.append(high + pad)
        }
        let changed = cells.filter { !$0.changePoints.isEmpty }
        var data = ChartData(finding: changed.isEmpty
            ? "No cell changed level over the last \(page.runNames.count) runs."
            : "\(changed.count) of \(cells.count) cells changed level: " + changed.map { cell in
                let at = cell.changePoints.last!
                return "\(cell.cell.label) at \(page.runNames[at])"
            }.joined(separator: "; ") + ".")
        var s = data.settings
        s.set("title", ChartText.enhanced(title ?? "History of \(page.scenario): run medians, bands and change points"))
        s.set("subtitle", ChartText.enhanced("\(page.machineKind) · \(page.runNames.count) \(title == nil ? "runs" : "machine kinds")"
            + (page.cells.count > cells.count ? " · first \(cells.count) of \(page.cells.count) cells" : "")))
        s.set("run_count", Double(page.runNames.count))
        s.set("panel_title", texts: cells.map { "\($0.cell.label) (\($0.cell.tasks) tasks)" })
        s.set("panel_ylabel", texts: cells.map { _ in yLabel })
        s.set("panel_ylog", numbers: cells.map { _ in 0 })
        s.set("panel_ylow", numbers: lows)
        s.set("panel_yhigh", numbers: highs)
        s.set("panel_band", numbers: bandBlock)
        s.set("panel_change", numbers: changeBlock)
        data.settings = s
        data.tables = [series] + (bands.blocks.isEmpty ? [] : [bands]) + (changes.blocks.isEmpty ? [] : [changes])
        return .draw(data)
    }

    /// Writes the chart's data into `folder/charts/data/history/` and, with `plot`, draws
    /// `folder/charts/history.png` and `.svg`; returns the files drawn.
    public static func draw(_ page: Page, into folder: String, plot: Bool, environment: [String: String]) throws -> [String] {
        try draw([(name: name, preparation: prepare(page))], into: folder, plot: plot, environment: environment)
    }

    /// `tvp history --machines`: one scenario's cells side by side across machine kinds (the page's
    /// "runs" are the kinds), as `folder/charts/machines.png` and `.svg` (`charts/machines.gp`, which
    /// draws as history.gp does).
    public static func drawMachines(_ page: Page, into folder: String, plot: Bool, environment: [String: String]) throws -> [String] {
        let preparation = prepare(page, title: "\(page.scenario) across machine kinds: median of each kind's run medians (bars: its lowest to highest run)")
        return try draw([(name: "machines", preparation: preparation)], into: folder, plot: plot, environment: environment)
    }

    /// Writes prepared charts' data and draws them.
    private static func draw(_ charts: [(name: String, preparation: ChartPreparation)], into folder: String, plot: Bool,
                             environment: [String: String]) throws -> [String] {
        let index = try ChartDataFolder.write(charts, directory: folder)
        guard plot, !index.drawn.isEmpty else { return [] }
        do {
            return try ChartRenderer.draw(index, directory: folder, environment: environment).files
        } catch ChartError.gnuplotMissing {
            throw NotDrawn(description: "no chart drawn: gnuplot is not installed (apt-get install -y gnuplot-nox); its data is in \(folder)/charts/data/history")
        }
    }
}
