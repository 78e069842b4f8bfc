import TVPPlan
import TVPMeasure
import TVPStatistics

/// One cell's history: its run medians, its band and its change points.
public struct CellHistory: Sendable {
    /// The cell.
    public var cell: Cell
    /// The median of the metric per selected run (NaN where the run lacks the cell), oldest first.
    public var medians: [Double]
    /// The lowest and highest counted trial per run (NaN where missing): the run's interval.
    public var lows, highs: [Double]
    /// The band learned from the runs since `start`; nil with too few.
    public var band: HistoryBand?
    /// Where the cell's history starts (an accepted change), an index into the runs.
    public var start: Int
    /// Indices of the runs where a new level starts.
    public var changePoints: [Int]

    /// A cell's history from its parts.
    public init(cell: Cell, medians: [Double], lows: [Double], highs: [Double], band: HistoryBand? = nil, start: Int = 0,
                changePoints: [Int] = []) {
        self.cell = cell
        self.medians = medians
        self.lows = lows
        self.highs = highs
        self.band = band
        self.start = start
        self.changePoints = changePoints
    }

    /// One scenario's cells across machine kinds (`tvp history --machines`): per cell, for each
    /// kind's runs (oldest first), the median of its run medians and the lowest and highest run
    /// median, in the order of `kinds`.
    public static func acrossMachines(_ kinds: [[HistoryRun]], patterns: [String], metric: ComparisonMetric = .wall) -> [CellHistory] {
        let perKind = kinds.map { runs in runs.map { metric.samples(in: $0.run.trials) } }
        let cells = Set(perKind.flatMap { $0.flatMap(\.keys) })
            .filter { cell in patterns.isEmpty || patterns.contains { CellPattern.matches(cell, $0) } }
        return cells.sorted().map { cell in
            let medians = perKind.map { runs in runs.compactMap { $0[cell]?.median }.filter(\.isFinite) }
            return CellHistory(cell: cell, medians: medians.map { $0.isEmpty ? .nan : Statistics.median($0) },
                               lows: medians.map { $0.min() ?? .nan }, highs: medians.map { $0.max() ?? .nan })
        }
    }

    /// Each cell's history in `history` (oldest first; `startIndex` where accepted changes restart
    /// cells), of the cells `patterns` name (all when empty), for `metric`.
    public static func cells(in history: [HistoryRun], startIndex: [Cell: Int], patterns: [String],
                             metric: ComparisonMetric = .wall) -> [CellHistory] {
        let perRun = history.map { metric.samples(in: $0.run.trials) }
        let cells = Set(perRun.flatMap(\.keys)).filter { cell in patterns.isEmpty || patterns.contains { CellPattern.matches(cell, $0) } }
        return cells.sorted().map { cell in
            let samples = perRun.map { $0[cell] }
            let medians = samples.map { $0.map(\.median) ?? .nan }
            let start = startIndex[cell] ?? 0
            let present = medians.indices.filter { medians[$0].isFinite }
            let found = ChangePoints.find(present.map { medians[$0] }).map { present[$0] }
            let since = present.filter { $0 >= start }.map { medians[$0] }
            return CellHistory(
                cell: cell, medians: medians,
                lows: samples.map { $0.map { $0.values.min() ?? .nan } ?? .nan },
                highs: samples.map { $0.map { $0.values.max() ?? .nan } ?? .nan },
                band: HistoryBand.learn(from: since, cells: cells.count), start: start, changePoints: found)
        }
    }
}

/// Which cells a `--cell` pattern names: every cell whose "label (N tasks)" contains it, ignoring
/// case, with `x` standing for `×`.
public enum CellPattern {
    /// Whether `pattern` names `cell`.
    public static func matches(_ cell: Cell, _ pattern: String) -> Bool {
        let fold = { (text: String) in text.lowercased().replacingOccurrences(of: "×", with: "x") }
        return fold("\(cell.label) (\(cell.tasks) tasks)").contains(fold(pattern))
    }
}
