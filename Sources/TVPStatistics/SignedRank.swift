/// The Wilcoxon signed-rank test on paired differences, and the confidence interval of their
/// Hodges–Lehmann estimate (the median of the Walsh averages), from the exact null distribution.
///
/// Distribution-free: it assumes only that the differences are symmetric about their centre, so one
/// round disturbed by a steal burst moves the interval by one rank, not by its size. The interval is
/// the one `wilcox.test(x, conf.int = TRUE, exact = TRUE)` gives in R.
public enum SignedRank {
    /// The Hodges–Lehmann estimate of `differences` and its `confidence` interval; `achieved` is the
    /// interval's exact coverage (at least `confidence` when `isAvailable`). With too few differences
    /// for that confidence, the interval is their whole range and `isAvailable` is false.
    public struct Interval: Sendable, Equatable {
        /// Median of the Walsh averages.
        public var estimate: Double
        /// Lower and upper bound.
        public var lower, upper: Double
        /// The exact probability that the interval covers the centre.
        public var achieved: Double
        /// Whether `achieved` reaches the confidence asked for.
        public var isAvailable: Bool
    }

    /// The interval of the centre of `differences` at `confidence` (e.g. 0.999); `differences` must
    /// be non-empty and finite.
    public static func interval(_ differences: [Double], confidence: Double) -> Interval {
        precondition(!differences.isEmpty && differences.allSatisfy(\.isFinite), "signed-rank interval needs finite differences")
        precondition(confidence > 0 && confidence < 1, "confidence must be in (0, 1), got \(confidence)")
        let n = differences.count
        var walsh: [Double] = []
        walsh.reserveCapacity(n * (n + 1) / 2)
        for i in 0..<n {
            for j in i..<n { walsh.append((differences[i] + differences[j]) / 2) }
        }
        walsh.sort()
        let estimate = Statistics.median(walsh)
        // The k-th smallest and k-th largest Walsh averages bound the interval, where k − 1 is the
        // largest statistic value t with P(T ≤ t) ≤ (1 − confidence) / 2.
        let cumulative = cumulativeNull(n: n)
        let tail = (1 - confidence) / 2
        guard let lastInTail = cumulative.lastIndex(where: { $0 <= tail }) else {
            return Interval(estimate: estimate, lower: walsh.first!, upper: walsh.last!,
                            achieved: 1 - 2 * cumulative[0], isAvailable: false)
        }
        let k = lastInTail + 1
        return Interval(estimate: estimate, lower: walsh[k - 1], upper: walsh[walsh.count - k],
                        achieved: 1 - 2 * cumulative[lastInTail], isAvailable: true)
    }

    /// The fewest differences for which an interval at `confidence` exists: 2^-n ≤ (1 − confidence) / 2.
    public static func minimumCount(confidence: Double) -> Int {
        var n = 1
        while pow2(-n) > (1 - confidence) / 2 { n += 1 }
        return n
    }

    /// Two-sided exact p-value of the hypothesis that `differences` are centred on 0 (zeros dropped,
    /// as Wilcoxon's original test does); 1 when nothing is left.
    public static func pValue(_ differences: [Double]) -> Double {
        let nonzero = differences.filter { $0 != 0 }
        guard !nonzero.isEmpty else { return 1 }
        let order = nonzero.indices.sorted { abs(nonzero[$0]) < abs(nonzero[$1]) }
        var positiveRanks = 0.0
        for (rank, index) in order.enumerated() where nonzero[index] > 0 { positiveRanks += Double(rank + 1) }
        let n = nonzero.count
        let total = Double(n * (n + 1) / 2)
        let smaller = min(positiveRanks, total - positiveRanks)
        let cumulative = cumulativeNull(n: n)
        let index = min(Int(smaller.rounded(.down)), cumulative.count - 1)
        return min(1, 2 * cumulative[index])
    }

    /// P(T ≤ t) for t = 0 ... n(n+1)/2 under the null hypothesis, T the sum of the ranks of the
    /// positive differences among n: each subset of {1, ..., n} is equally likely.
    static func cumulativeNull(n: Int) -> [Double] {
        let maximum = n * (n + 1) / 2
        var ways = [Double](repeating: 0, count: maximum + 1)
        ways[0] = 1
        for rank in stride(from: 1, through: n, by: 1) {
            for sum in stride(from: maximum, through: rank, by: -1) { ways[sum] += ways[sum - rank] }
        }
        let all = pow2(n)
        var running = 0.0
        return ways.map { running += $0; return running / all }
    }

    private static func pow2(_ exponent: Int) -> Double {
        exponent >= 0 ? Double(sign: .plus, exponent: exponent, significand: 1) : 1 / pow2(-exponent)
    }
}
