import Foundation
import TVPFormatting
import TVPPlan
import TVPStatistics

/// How `tvp paired` decides: two builds run the same scenario in alternating rounds, and each cell
/// is judged on the ratios of the builds' figures within each round.
public struct PairedOptions: Sendable {
    /// The metric compared.
    public var metric: ComparisonMetric
    /// Relative change tolerated before a cell counts as changed (0.05 = 5 %).
    public var threshold: Double
    /// The chance, over the whole comparison, of calling any cell changed when neither build
    /// changed: each of the m cells is judged at confidence 1 − familyAlpha ÷ m (Bonferroni).
    public var familyAlpha: Double
    /// Whether an inconclusive cell fails the gate as a regression does.
    public var strict: Bool

    /// Options with the command line's defaults: wall_s, 5 %, a 1 % chance of any false alarm.
    public init(metric: ComparisonMetric = .wall, threshold: Double = 0.05, familyAlpha: Double = 0.01, strict: Bool = false) {
        self.metric = metric
        self.threshold = threshold
        self.familyAlpha = familyAlpha
        self.strict = strict
    }

    /// The confidence each cell is judged at when `cells` cells are compared.
    public func cellConfidence(cells: Int) -> Double { 1 - familyAlpha / Double(max(cells, 1)) }

    /// The fewest rounds for which that confidence can be reached at all (each round is one paired difference).
    public func minimumRounds(cells: Int) -> Int { SignedRank.minimumCount(confidence: cellConfidence(cells: cells)) }
}

/// One round of a paired comparison: the run each build made in it.
public struct PairedRound: Sendable {
    /// The round's number, from 1.
    public var number: Int
    /// The baseline build's run and the current build's run.
    public var baseline, current: RunFolder

    /// Creates a round.
    public init(number: Int, baseline: RunFolder, current: RunFolder) {
        self.number = number
        self.baseline = baseline
        self.current = current
    }
}

/// The paired judgement: per cell, the Hodges–Lehmann estimate of the builds' log ratio over the
/// rounds with its exact signed-rank interval; drift of the machine between rounds cancels because
/// both builds ran in each round, in alternating order (ABBA).
public enum PairedComparator {
    /// One cell's figures in each round, for paired.csv.
    public struct RoundFigures: Sendable {
        /// The round.
        public var round: Int
        /// Each build's figure (median of the metric, or speedup) in that round.
        public var baseline, current: Double
    }

    /// The comparison of `rounds`, rendered by `ComparisonFormatter` like a cross-run comparison.
    public static func compare(_ rounds: [PairedRound], options: PairedOptions, baselinePath: String, currentPath: String)
        throws -> (report: ComparisonReport, figures: [Cell: [RoundFigures]])
    {
        guard let first = rounds.first else {
            throw ComparisonError.noCommonCell(baseline: baselinePath, current: currentPath)
        }
        let baselineCells = Set(rounds.flatMap { $0.baseline.trials.map(\.cell) })
        let currentCells = Set(rounds.flatMap { $0.current.trials.map(\.cell) })
        var compared = baselineCells.intersection(currentCells).sorted()
        if options.metric == .speedup { compared = compared.filter { $0.mode != .serial } }
        guard !compared.isEmpty else { throw ComparisonError.noCommonCell(baseline: baselinePath, current: currentPath) }

        let confidence = options.cellConfidence(cells: compared.count)
        var figures: [Cell: [RoundFigures]] = [:]
        for round in rounds {
            let before = options.metric.samples(in: round.baseline.trials), after = options.metric.samples(in: round.current.trials)
            for cell in compared {
                guard let b = before[cell], let c = after[cell], !b.values.isEmpty, !c.values.isEmpty else { continue }
                let pair = RoundFigures(round: round.number, baseline: b.median, current: c.median)
                guard pair.baseline > 0, pair.current > 0, pair.baseline.isFinite, pair.current.isFinite else { continue }
                figures[cell, default: []].append(pair)
            }
        }
        let comparisons = compared.map { cell in
            judge(cell, figures[cell] ?? [], confidence: confidence, options: options)
        }
        var warnings = Comparator.warnings(baseline: first.baseline, current: first.current, metric: options.metric)
            .filter { !$0.contains("different machines") }
        let minimum = options.minimumRounds(cells: compared.count)
        if rounds.count < minimum {
            warnings.append("\(rounds.count) rounds cannot reach the \(Percent.format(confidence, .spacedHundredthsDown)) confidence each of the "
                + "\(compared.count) cells is judged at; give --rounds \(minimum) or more")
        }
        let report = ComparisonReport(
            baselinePath: baselinePath, currentPath: currentPath,
            options: ComparisonOptions(metric: options.metric, threshold: options.threshold, drift: 0, strict: options.strict),
            comparisons: comparisons,
            onlyInBaseline: baselineCells.subtracting(currentCells).sorted(),
            onlyInCurrent: currentCells.subtracting(baselineCells).sorted(), warnings: warnings,
            design: .paired(rounds: rounds.count, cellConfidence: confidence))
        return (report, figures)
    }

    /// The verdict on one cell from its per-round figures.
    static func judge(_ cell: Cell, _ rounds: [RoundFigures], confidence: Double, options: PairedOptions) -> CellComparison {
        let baselineMedian = Statistics.median(rounds.map(\.baseline)), currentMedian = Statistics.median(rounds.map(\.current))
        guard rounds.count >= 2 else {
            return CellComparison(cell: cell, baselineN: rounds.count, currentN: rounds.count, baselineMedian: baselineMedian,
                                  currentMedian: currentMedian, ratio: .nan, ratioCI: 0...Double.infinity, pValue: 1,
                                  verdict: .inconclusive, note: "measured in \(rounds.count) round(s) by both builds; a verdict needs more")
        }
        let logRatios = rounds.map { log($0.current / $0.baseline) }
        let interval = SignedRank.interval(logRatios, confidence: confidence)
        let ci = exp(interval.lower)...exp(interval.upper)
        let cost = options.metric.higherIsBetter ? (1 / ci.upperBound)...(1 / ci.lowerBound) : ci
        let t = options.threshold
        var verdict: Verdict =
            if cost.lowerBound > 1 + t { .regression }
            else if cost.upperBound < 1 - t { .improvement }
            else if cost.lowerBound >= 1 - t, cost.upperBound <= 1 + t { .unchanged }
            else { .inconclusive }
        var note: String?
        if !interval.isAvailable {
            verdict = .inconclusive
            note = "\(rounds.count) rounds cannot reach \(Percent.format(confidence, .spacedHundredthsDown)) confidence"
        }
        return CellComparison(cell: cell, baselineN: rounds.count, currentN: rounds.count, baselineMedian: baselineMedian,
                              currentMedian: currentMedian, ratio: exp(interval.estimate), ratioCI: ci,
                              pValue: SignedRank.pValue(logRatios), verdict: verdict, note: note)
    }
}
