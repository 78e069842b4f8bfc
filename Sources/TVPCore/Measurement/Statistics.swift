import Foundation  // erfc, for the normal approximation of the Mann–Whitney p-value

/// A deterministic, seedable random number generator (xoshiro256**, seeded through SplitMix64).
///
/// The same seed produces the same sequence on every platform and Swift version, which keeps
/// bootstrap intervals reproducible.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var s0: UInt64
    private var s1: UInt64
    private var s2: UInt64
    private var s3: UInt64

    /// Creates a generator whose whole sequence is determined by `seed` (any value, zero included).
    public init(seed: UInt64) {
        var splitMix = seed
        func nextSplitMix() -> UInt64 {
            splitMix &+= 0x9E37_79B9_7F4A_7C15
            var z = splitMix
            z = (z ^ (z &>> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z &>> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z &>> 31)
        }
        s0 = nextSplitMix()
        s1 = nextSplitMix()
        s2 = nextSplitMix()
        s3 = nextSplitMix()
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        // Masking shifts (&<<, &>>) keep this fast in unoptimized builds, where the generic << is slow.
        let product = s1 &* 5
        let result = ((product &<< 7) | (product &>> 57)) &* 9
        let t = s1 &<< 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = (s3 &<< 45) | (s3 &>> 19)
        return result
    }

    /// A uniformly distributed index in `0..<count` (Lemire's multiply-shift, bias below count / 2^32).
    mutating func nextIndex(below count: Int) -> Int {
        if count <= Int(UInt32.max) {
            // The top 32 bits scaled by count: plain arithmetic, which stays fast in unoptimized builds.
            return Int(truncatingIfNeeded: ((next() &>> 32) &* UInt64(count)) &>> 32)
        }
        return Int(truncatingIfNeeded: UInt64(count).multipliedFullWidth(by: next()).high)
    }
}

/// Descriptive statistics, outlier detection, bootstrap confidence intervals and the Mann–Whitney U test.
///
/// Conventions for degenerate input: `median`, `mean`, `percentile`, `coefficientOfVariation` and
/// `medianAbsoluteDeviation` return `.nan` for an empty sample; `standardDeviation` returns 0 for fewer
/// than two values; `modifiedZScores` returns `[]` for an empty sample. The bootstrap functions require
/// non-empty samples. Values are expected to be finite (NaN has no place in an ordering).
public enum Statistics {
    // MARK: Descriptive statistics

    /// The middle value (mean of the two middle values for an even count); `.nan` when empty.
    public static func median(_ values: [Double]) -> Double {
        percentile(values, 50)
    }

    /// The arithmetic mean; `.nan` when empty.
    public static func mean(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return .nan }
        return values.reduce(0, +) / Double(values.count)
    }

    /// The sample standard deviation (divisor n − 1); 0 when there are fewer than two values.
    public static func standardDeviation(_ values: [Double]) -> Double {
        guard values.count >= 2 else { return 0 }
        let average = mean(values)
        let squares = values.reduce(0) { $0 + ($1 - average) * ($1 - average) }
        return (squares / Double(values.count - 1)).squareRoot()
    }

    /// The `p`-th percentile (`p` in 0...100), interpolating linearly between closest ranks like numpy's default.
    public static func percentile(_ values: [Double], _ p: Double) -> Double {
        precondition((0...100).contains(p), "percentile must be in 0...100, got \(p)")
        guard !values.isEmpty else { return .nan }
        var scratch = values
        return scratch.withUnsafeMutableBufferPointer { percentile(rearranging: $0, p) }
    }

    /// Standard deviation over mean; 0 when the mean is 0, `.nan` when empty.
    public static func coefficientOfVariation(_ values: [Double]) -> Double {
        let average = mean(values)
        guard !average.isNaN else { return .nan }
        guard average != 0 else { return 0 }
        return standardDeviation(values) / average
    }

    /// The median of the absolute deviations from the median (unscaled); `.nan` when empty.
    public static func medianAbsoluteDeviation(_ values: [Double]) -> Double {
        let center = median(values)
        return median(values.map { abs($0 - center) })
    }

    // MARK: Outliers

    /// Iglewicz–Hoaglin modified z-scores, 0.6745 · (x − median) / MAD; all zeros when the MAD is 0.
    public static func modifiedZScores(_ values: [Double]) -> [Double] {
        guard !values.isEmpty else { return [] }
        let center = median(values)
        let mad = median(values.map { abs($0 - center) })
        guard mad > 0 else { return Array(repeating: 0, count: values.count) }
        return values.map { 0.6745 * ($0 - center) / mad }
    }

    /// How many values have a modified z-score whose magnitude exceeds `threshold` (3.5 per Iglewicz and Hoaglin).
    public static func outlierCount(_ values: [Double], threshold: Double = 3.5) -> Int {
        modifiedZScores(values).lazy.filter { abs($0) > threshold }.count
    }

    // MARK: Bootstrap

    /// Percentile-bootstrap confidence interval of the median of a non-empty sample; deterministic in `seed`.
    public static func bootstrapMedianCI(_ sample: [Double], confidence: Double = 0.95, resamples: Int = 2000,
                                         seed: UInt64) -> ClosedRange<Double> {
        checkBootstrapArguments(confidence: confidence, resamples: resamples)
        precondition(!sample.isEmpty, "bootstrapMedianCI needs a non-empty sample")
        var generator = SeededGenerator(seed: seed)
        var resampler = MedianResampler(sample)
        var medians = [Double]()
        medians.reserveCapacity(resamples)
        for _ in 0..<resamples {
            medians.append(resampler.resampledMedian(using: &generator))
        }
        return percentileInterval(of: &medians, confidence: confidence)
    }

    /// Percentile-bootstrap confidence interval of median(numerator) / median(denominator); deterministic in `seed`.
    ///
    /// Each side is resampled independently. Both samples must be non-empty and the denominator's values positive.
    public static func bootstrapRatioCI(numerator: [Double], denominator: [Double], confidence: Double = 0.95,
                                        resamples: Int = 2000, seed: UInt64) -> ClosedRange<Double> {
        checkBootstrapArguments(confidence: confidence, resamples: resamples)
        precondition(!numerator.isEmpty && !denominator.isEmpty, "bootstrapRatioCI needs non-empty samples")
        var generator = SeededGenerator(seed: seed)
        var numeratorResampler = MedianResampler(numerator)
        var denominatorResampler = MedianResampler(denominator)
        var ratios = [Double]()
        ratios.reserveCapacity(resamples)
        for _ in 0..<resamples {
            let top = numeratorResampler.resampledMedian(using: &generator)
            let bottom = denominatorResampler.resampledMedian(using: &generator)
            ratios.append(top / bottom)
        }
        return percentileInterval(of: &ratios, confidence: confidence)
    }

    // MARK: Mann–Whitney U

    /// Two-sided Mann–Whitney U test of `a` against `b`; p = 1 when either side is empty.
    ///
    /// `u` is the statistic of `a` (what scipy reports). The p-value comes from the exact distribution of U when
    /// both sides have at most 10 values and no value is tied, otherwise from the normal approximation with tie
    /// and continuity corrections (scipy's `method='asymptotic', use_continuity=True`).
    public static func mannWhitneyU(_ a: [Double], _ b: [Double]) -> (u: Double, pValue: Double) {
        guard !a.isEmpty, !b.isEmpty else { return (0, 1) }
        let n1 = a.count, n2 = b.count, n = n1 + n2
        let (ranks, tieGroupSizes) = averageRanks(a + b)
        let rankSumA = ranks[..<n1].reduce(0, +)
        let u1 = rankSumA - Double(n1 * (n1 + 1)) / 2
        let u2 = Double(n1 * n2) - u1
        let larger = max(u1, u2)

        if n1 <= exactTestLimit, n2 <= exactTestLimit, tieGroupSizes.isEmpty {
            let upperTail = exactUpperTail(atLeast: Int(larger.rounded()), m: n1, n: n2)
            return (u1, min(1, 2 * upperTail))
        }

        let tieTerm = tieGroupSizes.reduce(0.0) { sum, t in
            let size = Double(t)
            return sum + size * size * size - size
        }
        let variance = Double(n1 * n2) / 12 * (Double(n + 1) - tieTerm / Double(n * (n - 1)))
        guard variance > 0 else { return (u1, 1) }
        let z = (larger - Double(n1 * n2) / 2 - 0.5) / variance.squareRoot()
        let upperTail = 0.5 * erfc(z / 2.0.squareRoot())
        return (u1, min(1, max(0, 2 * upperTail)))
    }

    // MARK: Helpers

    /// Largest sample size (on each side) for which `mannWhitneyU` uses the exact distribution.
    private static let exactTestLimit = 10

    /// Linear-interpolation percentile of a non-empty buffer, found by selection (expected linear time).
    ///
    /// The buffer is partially reordered, which is why the public entry points work on a copy.
    private static func percentile(rearranging values: UnsafeMutableBufferPointer<Double>, _ p: Double) -> Double {
        let position = p / 100 * Double(values.count - 1)
        let lower = Int(position.rounded(.down))
        let fraction = position - Double(lower)
        select(lower, in: values)
        let lowerValue = values[lower]
        guard fraction > 0, lower + 1 < values.count else { return lowerValue }
        // Everything after `lower` is now at least values[lower]; the next order statistic is their minimum.
        var upperValue = values[lower + 1]
        for i in (lower + 2)..<values.count where values[i] < upperValue {
            upperValue = values[i]
        }
        return lowerValue + (upperValue - lowerValue) * fraction
    }

    /// Quickselect: moves the `k`-th smallest value to index `k`, smaller-or-equal values before it and
    /// greater-or-equal values after it.
    ///
    /// Partitions three ways around a median-of-three pivot, so the many duplicates of bootstrap replicates
    /// cost nothing extra.
    private static func select(_ k: Int, in values: UnsafeMutableBufferPointer<Double>) {
        var low = 0
        var high = values.count - 1
        while low < high {
            let pivot = medianOfThree(values[low], values[low + (high - low) / 2], values[high])
            // Invariant: [low, less) < pivot, [less, next) == pivot, (greater, high] > pivot.
            var less = low, next = low, greater = high
            while next <= greater {
                let value = values[next]
                if value < pivot {
                    values[next] = values[less]
                    values[less] = value
                    less += 1
                    next += 1
                } else if value > pivot {
                    values[next] = values[greater]
                    values[greater] = value
                    greater -= 1
                } else {
                    next += 1
                }
            }
            if k < less {
                high = less - 1
            } else if k > greater {
                low = greater + 1
            } else {
                return
            }
        }
    }

    /// The middle one of three values.
    private static func medianOfThree(_ a: Double, _ b: Double, _ c: Double) -> Double {
        max(min(a, b), min(max(a, b), c))
    }

    /// Validates the arguments every bootstrap shares.
    private static func checkBootstrapArguments(confidence: Double, resamples: Int) {
        precondition(confidence > 0 && confidence < 1, "confidence must be in (0, 1), got \(confidence)")
        precondition(resamples > 0, "resamples must be positive, got \(resamples)")
    }

    /// The central `confidence` interval of bootstrap replicates (reordered in place).
    private static func percentileInterval(of replicates: inout [Double], confidence: Double) -> ClosedRange<Double> {
        let tail = (1 - confidence) / 2 * 100
        return replicates.withUnsafeMutableBufferPointer { buffer in
            percentile(rearranging: buffer, tail)...percentile(rearranging: buffer, 100 - tail)
        }
    }

    /// Computes medians of resamples (with replacement) of a fixed sample without sorting each resample.
    ///
    /// The sample is sorted once; a resample is recorded as how many times each sorted position was drawn,
    /// and its median is read off the running total of those counts.
    struct MedianResampler {
        private let sorted: [Double]
        private var counts: [Int]

        /// Prepares to resample `sample`.
        init(_ sample: [Double]) {
            sorted = sample.sorted()
            counts = Array(repeating: 0, count: sample.count)
        }

        /// The median of one fresh resample of the same size as the sample.
        mutating func resampledMedian(using generator: inout SeededGenerator) -> Double {
            let n = sorted.count
            return counts.withUnsafeMutableBufferPointer { counts in
                for i in 0..<n { counts[i] = 0 }
                for _ in 0..<n { counts[generator.nextIndex(below: n)] += 1 }
                // The median is the mean of the 0-based order statistics (n-1)/2 and n/2 (equal for odd n).
                var seen = 0
                var i = 0
                while seen <= (n - 1) / 2 {
                    seen += counts[i]
                    i += 1
                }
                let low = sorted[i - 1]
                if seen > n / 2 { return low }
                // Exactly (n-1)/2 + 1 values lie at or below `low`; the next order statistic is the next value drawn.
                while counts[i] == 0 { i += 1 }
                return (low + sorted[i]) / 2
            }
        }
    }

    /// Ranks (1-based, ties get their average rank) and the sizes of tie groups with more than one value.
    private static func averageRanks(_ values: [Double]) -> (ranks: [Double], tieGroupSizes: [Int]) {
        let order = values.indices.sorted { values[$0] < values[$1] }
        var ranks = [Double](repeating: 0, count: values.count)
        var tieGroupSizes = [Int]()
        var start = 0
        while start < order.count {
            var end = start + 1
            while end < order.count, values[order[end]] == values[order[start]] { end += 1 }
            let averageRank = Double(start + 1 + end) / 2  // mean of ranks start+1 ... end
            for k in start..<end { ranks[order[k]] = averageRank }
            if end - start > 1 { tieGroupSizes.append(end - start) }
            start = end
        }
        return (ranks, tieGroupSizes)
    }

    /// P(U ≥ `u`) under the null hypothesis for samples of sizes `m` and `n` without ties.
    ///
    /// Counts, by dynamic programming over ranks 1...m+n, the subsets of m ranks with each rank sum;
    /// U = rank sum − m(m+1)/2 and every subset is equally likely.
    private static func exactUpperTail(atLeast u: Int, m: Int, n: Int) -> Double {
        let total = m + n
        let maxSum = (total * (total + 1)) / 2
        // ways[k][s]: number of k-element subsets of the ranks seen so far with rank sum s.
        var ways = [[Double]](repeating: [Double](repeating: 0, count: maxSum + 1), count: m + 1)
        ways[0][0] = 1
        for rank in 1...total {
            for k in stride(from: min(rank, m), through: 1, by: -1) {
                for s in stride(from: maxSum, through: rank, by: -1) where ways[k - 1][s - rank] > 0 {
                    ways[k][s] += ways[k - 1][s - rank]
                }
            }
        }
        let offset = m * (m + 1) / 2
        let all = ways[m].reduce(0, +)
        let tail = ways[m][(offset + max(0, u))...].reduce(0, +)
        return tail / all
    }
}
