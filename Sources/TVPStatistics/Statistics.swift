import Foundation

/// Descriptive statistics, outlier detection, confidence intervals (order-statistic and MOVER in
/// Statistics+Intervals, the bootstrap in Statistics+Bootstrap) and the Mann–Whitney U test.
///
/// Conventions for degenerate input: `median`, `mean`, `percentile`, `coefficientOfVariation` and
/// `medianAbsoluteDeviation` return `.nan` for an empty sample; `standardDeviation` returns 0 for fewer
/// than two values; `modifiedZScores` returns `[]` for an empty sample. No value traps: infinities and
/// NaN (which has no place in an ordering) give infinite, NaN or unspecified results, intervals that
/// cannot be computed are nil or −∞...∞, as each function says (StatisticsFuzzTests).
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
        var span = scratch.mutableSpan
        return percentile(rearranging: &span, p)
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

    // MARK: Order statistics

    /// Linear-interpolation percentile of a non-empty span, found by selection (expected linear time).
    ///
    /// The span is partially reordered, which is why the public entry points work on a copy.
    static func percentile(rearranging values: inout MutableSpan<Double>, _ p: Double) -> Double {
        let position = p / 100 * Double(values.count - 1)
        let lower = Int(position.rounded(.down))
        let fraction = position - Double(lower)
        select(lower, in: &values)
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
    private static func select(_ k: Int, in values: inout MutableSpan<Double>) {
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
}
