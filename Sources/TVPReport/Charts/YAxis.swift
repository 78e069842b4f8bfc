/// A panel's y axis: logarithmic when the values span more than a given ratio, else linear from 0;
/// the range holds the values with room around them.
struct YAxis: Sendable, Equatable {
    /// Whether the axis is logarithmic.
    var log: Bool
    /// The axis range.
    var low: Double
    /// The axis range's top.
    var high: Double

    /// The axis for `values` (NaN and, on a log axis, non-positive values ignored): logarithmic
    /// when the largest is more than `logAbove` times the smallest (0: always when possible).
    static func fitting(_ values: [Double], logAbove: Double) -> YAxis {
        let finite = values.filter(\.isFinite)
        let positive = finite.filter { $0 > 0 }
        if let low = positive.min(), let high = positive.max(), high / low > logAbove, positive.count == finite.count || logAbove == 0 {
            return YAxis(log: true, low: low / 1.35, high: high * 1.35)
        }
        let high = finite.max() ?? 1
        return YAxis(log: false, low: 0, high: high > 0 ? high * 1.12 : 1)
    }
}
