import Foundation
import TVPStatistics

/// The band a cell's next run median is expected in, learned from the medians of its past runs.
///
/// Robust and on the log scale, where a cell's run-to-run drift is multiplicative: the centre is the
/// median of the log medians, the spread their Qn scale (Rousseeuw & Croux 1993: the first quartile
/// of the pairwise distances, scaled to the standard deviation for normal data; like the MAD a
/// single wild run moves neither, but it is 82 % efficient where the MAD is 37 %, which matters with
/// 8–20 runs), and the band is a prediction interval for one new run, centre ± q · spread ·
/// √(1 + 1/k) over k runs, with q Student's t quantile on 0.6 (k − 1) degrees of freedom at
/// 1 − α/cells: Bonferroni over the run's cells, so that a run of unchanged code has at most α (1 %)
/// chance of any cell beyond its band. Quantiles of the history were the other choice; 20 runs
/// cannot place a 0.05 % quantile, a scale estimate can.
///
/// Run medians alone miss a slower state a cell falls into now and then. On a 2-vCPU machine
/// `null` processes×1 spawned its 16 workers in about 14.5 ms, or in 19–21 ms for a stretch of
/// trials (the cause is not established), so one
/// run in five had four of its seven trials slow and a median 30 % up. Twelve runs in a row had
/// every median in the fast state (Qn: 3.6 %) and the band flagged 4 of 20 unchanged runs. Their
/// *trials* showed the slow state (12 of 84 above 17.5 ms).
/// So the band also reaches where the median of the current run's n trials falls with the same
/// per-cell chance, predicted from all the history's trials of the cell: the upper edge is the
/// smallest pooled trial x with P(at least ⌈n/2⌉ of n new trials above x) ≤ α/cells, the count
/// above x being beta-binomial (the posterior predictive with the share above x unknown, under a
/// uniform prior, from the m of N pooled trials above it; exact, no resampling, no randomness);
/// the lower edge mirrors it. The band is the wider of the two.
public struct HistoryBand: Sendable, Equatable, Codable {
    /// The median of the history's run medians.
    public var center: Double
    /// The band's lower and upper edge, in the metric's unit.
    public var lower, upper: Double
    /// Runs the band was learned from.
    public var runs: Int
    /// The Qn scale of the log run medians (0.01 ≈ 1 % run-to-run spread).
    public var logSpread: Double
    /// The multiple of the spread the band reaches (the t quantile × √(1 + 1/k)).
    public var width: Double
    /// Whether an edge was moved out to where the history's trials put the median of the
    /// current run's trials (a state the run medians had not shown).
    public var widenedByTrials = false

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
        let spread = qn(logs)
        let perCell = alpha / Double(max(cells, 1))
        let q = studentQuantile(1 - perCell, degreesOfFreedom: scaleEfficiency * Double(logs.count - 1))
        let width = q * (1 + 1 / Double(logs.count)).squareRoot()
        return HistoryBand(center: exp(center), lower: exp(center - width * spread), upper: exp(center + width * spread),
                           runs: logs.count, logSpread: spread, width: width)
    }

    /// The band of `medians` as above, widened to where the median of `trialsPerRun` trials drawn
    /// from `trials` (every counted trial of the same runs, pooled) falls with chance α/cells on
    /// either side; nil with fewer than `minimumRuns` usable medians.
    public static func learn(from medians: [Double], trials: [Double], trialsPerRun: Int, cells: Int,
                             alpha: Double = familyAlpha) -> HistoryBand? {
        guard var band = learn(from: medians, cells: cells, alpha: alpha) else { return nil }
        let tail = alpha / Double(max(cells, 1))
        guard let (lower, upper) = medianRange(of: trials, draws: trialsPerRun, tail: tail) else { return band }
        if upper > band.upper { band.upper = upper; band.widenedByTrials = true }
        if lower < band.lower { band.lower = lower; band.widenedByTrials = true }
        return band
    }

    /// The range the median of `draws` new values stays in but for a chance of `tail` on each side,
    /// predicted from the `pooled` values seen: on the upper side the smallest pooled x such that
    /// P(at least ⌈draws/2⌉ new values above x) ≤ tail (for an even count the median is above x only
    /// if its upper middle value is, which takes draws/2 values above x); the lower side mirrored.
    /// Where no pooled value is far enough out, the extreme one. Nil without values or draws.
    ///
    /// The chance of a new value above x is not taken as the share of pooled values above it: twelve
    /// runs show a rare slower state in a few of their 84 trials, and that share is as likely too
    /// low as too high (on machine C, an edge placed at it let two of 20 unchanged runs that fell
    /// into the state for most of their trials past the band, docs/history.md). The count of new
    /// values above x is predicted with the share itself unknown: with a uniform prior on it and m of
    /// the N pooled values above x, that count is beta-binomial(draws, m + 1, N − m + 1), the
    /// posterior predictive (Laplace's rule of succession for one draw).
    static func medianRange(of pooled: [Double], draws: Int, tail: Double) -> (lower: Double, upper: Double)? {
        let sorted = pooled.filter { $0.isFinite && $0 > 0 }.sorted()
        guard !sorted.isEmpty, draws > 0 else { return nil }
        let needed = (draws + 1) / 2
        let n = sorted.count
        // Whether an edge with `beyond` pooled values past it holds; holding only gets harder as
        // `beyond` grows, so a binary search finds the most it may have.
        func holds(_ beyond: Int) -> Bool {
            betaBinomialTail(draws: draws, atLeast: needed, a: Double(beyond + 1), b: Double(n - beyond + 1)) <= tail
        }
        guard holds(0) else { return (sorted[0], sorted[n - 1]) }
        var low = 0, high = n // holds(low); the answer is in low..<high
        while high - low > 1 {
            let middle = (low + high) / 2
            if holds(middle) { low = middle } else { high = middle }
        }
        // At most `low` pooled values above the upper edge and below the lower one (ties stay inside).
        return (sorted[low], sorted[n - 1 - low])
    }

    /// P(X ≥ k) for X beta-binomial: `draws` trials whose chance is itself Beta(a, b).
    static func betaBinomialTail(draws n: Int, atLeast k: Int, a: Double, b: Double) -> Double {
        guard k > 0 else { return 1 }
        guard k <= n else { return 0 }
        let logBetaAB = lgamma(a) + lgamma(b) - lgamma(a + b)
        var total = 0.0
        for i in k...n {
            let logChoose: Double = lgamma(Double(n + 1)) - lgamma(Double(i + 1)) - lgamma(Double(n - i + 1))
            let logBeta = lgamma(Double(i) + a) + lgamma(Double(n - i) + b) - lgamma(Double(n) + a + b)
            total += exp(logChoose + logBeta - logBetaAB)
        }
        return min(total, 1)
    }

    /// How many degrees of freedom a Qn spread from k runs is worth, as a share of k − 1. Qn is 82 %
    /// efficient for large samples but less with 8–20 runs: simulated unchanged runs of 30 cells
    /// (HistoryBandTests) were flagged 1.5–3 % of the time at 0.82 and 0.5–1 % at 0.6. (With the
    /// MAD, 37 % efficient, 9 runs left 3 degrees of freedom and a cell made 10× slower stayed
    /// inside its band.)
    public static let scaleEfficiency = 0.6

    /// Rousseeuw and Croux's Qn scale of `values`: 2.2219 × the h(h−1)/2-th smallest pairwise
    /// distance, h = ⌊n/2⌋ + 1, with their small-sample correction; the standard deviation for
    /// normal data.
    public static func qn(_ values: [Double]) -> Double {
        let n = values.count
        guard n >= 2 else { return 0 }
        var distances: [Double] = []
        distances.reserveCapacity(n * (n - 1) / 2)
        for i in 0..<n { for j in (i + 1)..<n { distances.append(abs(values[i] - values[j])) } }
        distances.sort()
        let h = n / 2 + 1
        let k = h * (h - 1) / 2
        let corrections: [Int: Double] = [2: 0.399, 3: 0.994, 4: 0.512, 5: 0.844, 6: 0.611, 7: 0.857, 8: 0.669, 9: 0.872]
        let correction = corrections[n] ?? (n % 2 == 1 ? Double(n) / (Double(n) + 1.4) : Double(n) / (Double(n) + 3.8))
        return 2.2219 * distances[k - 1] * correction
    }

    /// Student's t quantile: the t with P(T ≤ t) = p on `nu` degrees of freedom (p ≥ 0.5), by
    /// bisection on the CDF, which is the regularized incomplete beta function.
    public static func studentQuantile(_ p: Double, degreesOfFreedom nu: Double) -> Double {
        guard p > 0.5 else { return 0 }
        var low = 0.0, high = 1.0
        while studentCDF(high, nu) < p, high < 1e12 { high *= 2 }
        for _ in 0..<200 {
            let middle = (low + high) / 2
            if studentCDF(middle, nu) < p { low = middle } else { high = middle }
            if high - low < 1e-10 * high { break }
        }
        return (low + high) / 2
    }

    /// P(T ≤ t) for t ≥ 0 on `nu` degrees of freedom.
    static func studentCDF(_ t: Double, _ nu: Double) -> Double {
        1 - 0.5 * incompleteBeta(nu / (nu + t * t), nu / 2, 0.5)
    }

    /// The regularized incomplete beta function I_x(a, b), by its continued fraction (Lentz).
    static func incompleteBeta(_ x: Double, _ a: Double, _ b: Double) -> Double {
        guard x > 0 else { return 0 }
        guard x < 1 else { return 1 }
        let logGammas: Double = lgamma(a + b) - lgamma(a) - lgamma(b)
        let logPowers: Double = a * log(x) + b * log(1 - x)
        let front = exp(logGammas + logPowers)
        if x > (a + 1) / (a + b + 2) { return 1 - incompleteBeta(1 - x, b, a) }
        let tiny = 1e-300
        var c = 1.0, d = 1 - (a + b) * x / (a + 1)
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var f = d
        for m in 1...300 {
            let m = Double(m)
            let even: Double = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m))
            d = 1 + even * d; if abs(d) < tiny { d = tiny }
            c = 1 + even / c; if abs(c) < tiny { c = tiny }
            d = 1 / d
            f *= d * c
            let odd: Double = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))
            d = 1 + odd * d; if abs(d) < tiny { d = tiny }
            c = 1 + odd / c; if abs(c) < tiny { c = tiny }
            d = 1 / d
            let step = d * c
            f *= step
            if abs(step - 1) < 1e-14 { break }
        }
        return front * f / a
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
        HistoryBand(center: 1 / center, lower: 1 / upper, upper: 1 / lower, runs: runs, logSpread: logSpread, width: width,
                    widenedByTrials: widenedByTrials)
    }
}
