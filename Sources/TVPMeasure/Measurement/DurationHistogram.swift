/// Counts of durations in log-linear buckets (32 per power of two, so within 3 %): a median and a
/// maximum over any number of samples in 16 KiB, where keeping every sample would grow with the trial.
public struct DurationHistogram: Sendable, Equatable {
    private static let subBuckets = 32
    private static let subBucketBits = 5
    private var counts = [Int](repeating: 0, count: 60 * subBuckets)
    /// Samples recorded.
    public private(set) var count = 0
    /// The largest sample, exactly, in nanoseconds.
    public private(set) var maximum: UInt64 = 0

    /// An empty histogram.
    public init() {}

    /// Adds one duration of `nanoseconds`.
    public mutating func record(_ nanoseconds: UInt64) {
        counts[Self.bucket(of: nanoseconds)] += 1
        count += 1
        if nanoseconds > maximum { maximum = nanoseconds }
    }

    /// The value at percentile `p` (0…100), as the middle of its bucket (exact below 32 ns and for the
    /// largest); 0 when empty.
    public func percentile(_ p: Double) -> UInt64 {
        guard count > 0 else { return 0 }
        let rank = max(1, Int((p / 100 * Double(count)).rounded(.up)))
        if rank >= count { return maximum }
        var seen = 0
        for (index, n) in counts.enumerated() where n > 0 {
            seen += n
            if seen >= rank { return min(maximum, Self.middle(of: index)) }
        }
        return maximum
    }

    /// The median, nanoseconds.
    public var median: UInt64 { percentile(50) }

    private static func bucket(of value: UInt64) -> Int {
        if value < UInt64(subBuckets) { return Int(value) }
        let exponent = 63 - value.leadingZeroBitCount  // at least subBucketBits
        let sub = Int((value >> UInt64(exponent - subBucketBits)) & UInt64(subBuckets - 1))
        return (exponent - subBucketBits + 1) * subBuckets + sub
    }

    private static func middle(of index: Int) -> UInt64 {
        if index < subBuckets { return UInt64(index) }
        let exponent = index / subBuckets + subBucketBits - 1
        let sub = UInt64(index % subBuckets)
        let width = UInt64(1) << UInt64(exponent - subBucketBits)
        return (UInt64(subBuckets) + sub) * width + width / 2
    }
}
