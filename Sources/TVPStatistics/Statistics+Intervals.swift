import Foundation

/// Confidence intervals that hold at the trial counts scenarios use (5–10), where the percentile
/// bootstrap of a median does not: with 7 trials its 95 % interval of the median covers the true
/// median only 87.5 % of the time, because a resampled median can only land on the sample's own
/// values.
///
/// - One median: the order-statistic interval [x₍k₎, x₍n+1−k₎], exact for any continuous distribution.
/// - A product of medians of independent samples (a ratio of two cells, a speedup, a ratio of two
///   speedups): MOVER on the log scale (Zou & Donner 2008; for medians, Price & Bonett 2002). Each
///   median's order-statistic interval, divided by the normal quantile of its own exact coverage,
///   gives the standard error of its logarithm on each side; the errors add in quadrature.
///
/// Both are deterministic: no resampling, no seed. Values that are NaN are ignored.
extension Statistics {
    /// A distribution-free confidence interval of one sample's median.
    public struct MedianInterval: Sendable, Equatable {
        /// [x₍k₎, x₍n+1−k₎] of the sorted sample.
        public var range: ClosedRange<Double>
        /// The probability that the interval covers the true median of a continuous distribution,
        /// P(k ≤ Binomial(n, ½) ≤ n − k): at least the confidence asked for, except with 5 or fewer
        /// values, where [min, max] covers 1 − 2¹⁻ⁿ (93.75 % for 5 values, 0 for 1).
        public var coverage: Double
    }

    /// The narrowest order-statistic interval of the median whose coverage is at least `confidence`
    /// (or [min, max] when no interval reaches it); nil when no value is a number.
    public static func medianInterval(_ sample: [Double], confidence: Double = 0.95) -> MedianInterval? {
        let sorted = sample.filter { !$0.isNaN }.sorted()
        guard !sorted.isEmpty else { return nil }
        let (k, coverage) = orderStatisticRank(count: sorted.count, confidence: confidence)
        return MedianInterval(range: sorted[k - 1]...sorted[sorted.count - k], coverage: coverage)
    }

    /// The 1-based rank k of the interval [x₍k₎, x₍n+1−k₎] and its coverage.
    static func orderStatisticRank(count n: Int, confidence: Double) -> (k: Int, coverage: Double) {
        // Coverage of rank k is 1 − 2·P(B ≤ k − 1), B ~ Binomial(n, ½); it falls as k grows.
        let logHalfPower = Double(n) * log(0.5)
        var logChoose = 0.0  // log C(n, k − 1), built up term by term (no factorial overflows)
        var below = 0.0  // P(B ≤ k − 1): the tail rank k leaves out on each side
        var best = (k: 1, coverage: 0.0)
        for k in 1...((n + 1) / 2) {
            if k > 1 { logChoose += log(Double(n - k + 2) / Double(k - 1)) }
            below += exp(logChoose + logHalfPower)
            let coverage = max(0, 1 - 2 * below)
            if k == 1 { best = (1, coverage) }
            guard coverage >= confidence else { break }
            best = (k, coverage)
        }
        return best
    }

    /// A sample whose median enters a product raised to a power: +1 multiplies, −1 divides.
    public struct MedianFactor: Sendable {
        /// The trials' values.
        public var sample: [Double]
        /// The power of the sample's median in the product.
        public var power: Int

        /// Creates a factor.
        public init(_ sample: [Double], power: Int = 1) {
            self.sample = sample
            self.power = power
        }
    }

    /// A value computed from medians, with its confidence interval.
    public struct Estimate: Sendable, Equatable {
        /// The value on the medians.
        public var value: Double
        /// Its confidence interval; nil when the trials cannot give one (a sample with fewer than two
        /// values, or values that are negative or not numbers).
        public var interval: ClosedRange<Double>?

        /// Creates an estimate.
        public init(value: Double, interval: ClosedRange<Double>?) {
            self.value = value
            self.interval = interval
        }
    }

    /// Π median(sampleᵢ)^powerᵢ over independent samples, with its confidence interval: the exact
    /// order-statistic interval for a single sample, MOVER on the log scale for several (interval
    /// arithmetic on the factors' intervals where a median or a bound is 0 and has no logarithm).
    public static func medianProduct(_ factors: [MedianFactor], confidence: Double = 0.95) -> Estimate {
        let factors = factors.filter { $0.power != 0 }
        var value = 1.0
        var parts: [(median: Double, interval: MedianInterval, count: Int, power: Double)] = []
        for factor in factors {
            let values = factor.sample.filter { !$0.isNaN }
            let median = Statistics.median(values)
            value *= pow(median, Double(factor.power))
            guard let interval = medianInterval(values, confidence: confidence) else { return Estimate(value: .nan, interval: nil) }
            parts.append((median, interval, values.count, Double(factor.power)))
        }
        guard !value.isNaN, parts.allSatisfy({ $0.count >= 2 && $0.interval.range.lowerBound >= 0 }),
              parts.allSatisfy({ $0.interval.range.upperBound.isFinite })
        else { return Estimate(value: value, interval: nil) }
        if parts.count == 1 {
            return Estimate(value: value, interval: intervalProduct([(parts[0].interval.range, parts[0].power)]))
        }
        guard parts.allSatisfy({ $0.median > 0 && $0.interval.range.lowerBound > 0 }) else {
            return Estimate(value: value, interval: intervalProduct(parts.map { ($0.interval.range, $0.power) }))
        }
        // MOVER: each side of the interval adds the factors' log-scale standard errors on that side.
        var logValue = 0.0, lowerVariance = 0.0, upperVariance = 0.0
        for part in parts {
            let z = normalQuantile(0.5 + part.interval.coverage / 2)
            let below = (log(part.median) - log(part.interval.range.lowerBound)) / z * abs(part.power)
            let above = (log(part.interval.range.upperBound) - log(part.median)) / z * abs(part.power)
            logValue += part.power * log(part.median)
            lowerVariance += part.power > 0 ? below * below : above * above
            upperVariance += part.power > 0 ? above * above : below * below
        }
        let z = normalQuantile(0.5 + confidence / 2)
        return Estimate(value: value, interval: ordered(exp(logValue - z * lowerVariance.squareRoot()),
                                                        exp(logValue + z * upperVariance.squareRoot())))
    }

    /// The interval of median(numerator) ÷ median(denominator) for two independent samples.
    public static func medianRatio(numerator: [Double], denominator: [Double], confidence: Double = 0.95) -> Estimate {
        medianProduct([MedianFactor(numerator), MedianFactor(denominator, power: -1)], confidence: confidence)
    }

    /// Π [lowᵢ, highᵢ]^powerᵢ of non-negative intervals, where 0 to a negative power is +∞; nil for 0 · ∞.
    private static func intervalProduct(_ factors: [(range: ClosedRange<Double>, power: Double)]) -> ClosedRange<Double>? {
        var low = 1.0, high = 1.0
        for (range, power) in factors {
            let a = pow(range.lowerBound, power), b = pow(range.upperBound, power)
            low *= min(a, b)
            high *= max(a, b)
        }
        return ordered(low, high)
    }

    /// `a...b`, or nil when either is NaN or b < a: never a range trap.
    package static func ordered(_ a: Double, _ b: Double) -> ClosedRange<Double>? {
        guard !a.isNaN, !b.isNaN, a <= b else { return nil }
        return a...b
    }

    /// The standard normal quantile Φ⁻¹(p) for p in (0, 1), by bisection on Φ(z) = erfc(−z/√2)/2.
    public static func normalQuantile(_ p: Double) -> Double {
        guard p > 0 else { return -.infinity }
        guard p < 1 else { return .infinity }
        var low = -40.0, high = 40.0
        for _ in 0..<100 {
            let middle = (low + high) / 2
            if erfc(-middle / 2.squareRoot()) / 2 < p { low = middle } else { high = middle }
        }
        return (low + high) / 2
    }
}
