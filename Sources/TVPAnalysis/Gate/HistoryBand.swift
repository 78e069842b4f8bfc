import Foundation
import TVPStatistics

/// The band a cell's next run median is expected in, learned from the medians of its past runs.
///
/// Robust and on the log scale, where a cell's run-to-run drift is multiplicative: the centre is the
/// median of the log medians, the spread their MAD scaled by 1.4826 (the standard deviation for
/// normal data; a single wild run moves neither), and the band is a one-sided prediction interval
/// for one new run, centre ± q · spread · √(1 + 1/k) over k runs, with q Student's t quantile on
/// k − 1 degrees of freedom at 1 − α/cells: Bonferroni over the run's cells, so that a run of
/// unchanged code has at most α (1 %) chance of any cell beyond its band. Quantiles of the history
/// were the other choice; 20 runs cannot place a 0.05 % quantile, a scale estimate can.
public struct HistoryBand: Sendable, Equatable, Codable {
    /// The median of the history's run medians.
    public var center: Double
    /// The band's lower and upper edge, in the metric's unit.
    public var lower, upper: Double
    /// Runs the band was learned from.
    public var runs: Int
    /// The scaled MAD of the log run medians (0.01 ≈ 1 % run-to-run spread).
    public var logSpread: Double
    /// The multiple of the spread the band reaches (the t quantile × √(1 + 1/k)).
    public var width: Double

    /// The fewest runs a band is learned from; with fewer, the two-run rule judges.
    public static let minimumRuns = 8
    /// The chance that a run of unchanged code has any cell flagged.
    public static let familyAlpha = 0.01

    /// The band of `medians` (positive run medians, any order) for a run judged on `cells` cells at
    /// family-wise error `alpha`; nil with fewer than `minimumRuns` usable medians.
    public static func learn(from medians: [Double], cells: Int, alpha: Double = familyAlpha) -> HistoryBand? {
        let logs = medians.filter { $0 > 0 && $0.isFinite }.map { log($0) }
        guard logs.count >= minimumRuns else { return nil }
        let center = Statistics.median(logs)
        let spread = 1.4826 * Statistics.median(logs.map { abs($0 - center) })
        let perCell = alpha / Double(max(cells, 1))
        let q = studentQuantile(1 - perCell, degreesOfFreedom: Double(logs.count - 1))
        let width = q * (1 + 1 / Double(logs.count)).squareRoot()
        return HistoryBand(center: exp(center), lower: exp(center - width * spread), upper: exp(center + width * spread),
                           runs: logs.count, logSpread: spread, width: width)
    }

    /// Student's t quantile by the Cornish–Fisher expansion around the normal quantile
    /// (Abramowitz & Stegun 26.7.5); within 1 % of the exact value from 5 degrees of freedom on.
    public static func studentQuantile(_ p: Double, degreesOfFreedom nu: Double) -> Double {
        let z = Statistics.normalQuantile(p)
        let z3 = z * z * z, z5 = z3 * z * z, z7 = z5 * z * z, z9 = z7 * z * z
        return z + (z3 + z) / (4 * nu) + (5 * z5 + 16 * z3 + 3 * z) / (96 * nu * nu)
            + (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * nu * nu * nu)
            + (79 * z9 + 776 * z7 + 1482 * z5 - 1920 * z3 - 945 * z) / (92160 * nu * nu * nu * nu)
    }

    /// The verdict on a current run median `value` of a cost (lower is better): a regression beyond
    /// the upper edge and beyond `threshold` above the centre, an improvement in the mirror case,
    /// unchanged otherwise.
    public func verdict(cost value: Double, threshold: Double) -> Verdict {
        if value > upper, value > center * (1 + threshold) { return .regression }
        if value < lower, value < center * (1 - threshold) { return .improvement }
        return .unchanged
    }

    /// The same band for the inverse metric (a speedup's band as a cost's).
    public var inverted: HistoryBand {
        HistoryBand(center: 1 / center, lower: 1 / upper, upper: 1 / lower, runs: runs, logSpread: logSpread, width: width)
    }
}
