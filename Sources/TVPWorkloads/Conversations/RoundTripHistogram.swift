/// Counts of round-trip times in log-linear buckets (8 per power of two, so within 7 % of the
/// middle): what a `message` party that asks sends back with its digest, so that a trial's round
/// trips give percentiles from every pair, threads or processes, in a few hundred bytes.
public struct RoundTripHistogram: Sendable, Equatable {
    private static let subBits = 3
    private static let subBuckets = 1 << subBits
    private var counts = [UInt32](repeating: 0, count: 64 * subBuckets)
    /// Round trips recorded.
    public private(set) var count = 0

    /// An empty histogram.
    public init() {}

    /// Adds one round trip of `nanoseconds`.
    @inline(__always)
    public mutating func record(_ nanoseconds: UInt64) {
        counts[Self.bucket(of: nanoseconds)] &+= 1
        count += 1
    }

    /// Adds every round trip of `other`.
    public mutating func add(_ other: RoundTripHistogram) {
        for index in counts.indices { counts[index] &+= other.counts[index] }
        count += other.count
    }

    /// The round trip at percentile `p` (0…100), nanoseconds: the middle of its bucket; 0 when empty.
    public func percentile(_ p: Double) -> UInt64 {
        guard count > 0 else { return 0 }
        let rank = max(1, Int((p / 100 * Double(count)).rounded(.up)))
        var seen = 0
        for (index, n) in counts.enumerated() where n > 0 {
            seen += Int(n)
            if seen >= rank { return Self.middle(of: index) }
        }
        return Self.middle(of: counts.count - 1)
    }

    static func bucket(of value: UInt64) -> Int {
        if value < UInt64(subBuckets) { return Int(value) }
        let exponent = 63 - value.leadingZeroBitCount
        return (exponent - subBits + 1) * subBuckets + Int((value >> UInt64(exponent - subBits)) & UInt64(subBuckets - 1))
    }

    static func middle(of index: Int) -> UInt64 {
        if index < subBuckets { return UInt64(index) }
        let exponent = index / subBuckets + subBits - 1
        let low = UInt64(subBuckets + index % subBuckets) << UInt64(exponent - subBits)
        return low + (UInt64(1) << UInt64(exponent - subBits)) / 2
    }

    /// The histogram as bytes: `RT`, then each non-empty bucket as a 16-bit index and a 32-bit
    /// count, little-endian.
    public var encoded: [UInt8] {
        var bytes: [UInt8] = [0x52, 0x54]
        for (index, n) in counts.enumerated() where n > 0 {
            for shift in stride(from: 0, to: 16, by: 8) { bytes.append(UInt8(truncatingIfNeeded: index >> shift)) }
            for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: n >> UInt32(shift))) }
        }
        return bytes
    }

    /// The histogram `encoded` wrote; nil for other bytes.
    public init?(encoded bytes: [UInt8]) {
        guard bytes.count >= 2, bytes[0] == 0x52, bytes[1] == 0x54, (bytes.count - 2) % 6 == 0 else { return nil }
        var offset = 2
        while offset < bytes.count {
            let index = Int(bytes[offset]) | Int(bytes[offset + 1]) << 8
            var n: UInt32 = 0
            for byte in 0..<4 { n |= UInt32(bytes[offset + 2 + byte]) << UInt32(byte * 8) }
            guard index < counts.count else { return nil }
            counts[index] &+= n
            count += Int(n)
            offset += 6
        }
    }
}
