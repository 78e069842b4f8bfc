/// Deterministic pseudo-random bytes (SplitMix64): cheap to produce, the same on every run.
public struct PatternStream: Sendable {
    private var state: UInt64

    /// A stream determined entirely by `seed`.
    public init(seed: UInt64) { state = seed }

    /// The next 64 pseudo-random bits.
    @inline(__always)
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// `count` bytes of the stream (`count` rounded up to a multiple of 8).
    public mutating func bytes(_ count: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        var span = out.mutableSpan
        var raw = span.mutableBytes
        fill(&raw)
        return out
    }

    /// Fills `buffer` with the stream's next bytes: the same bytes `bytes(buffer.count)` would give
    /// (a last partial word uses its low bytes).
    public mutating func fill(_ buffer: inout MutableRawSpan) {
        let words = buffer.byteCount / 8
        for i in 0..<words { buffer.storeBytes(of: next().littleEndian, toByteOffset: i * 8, as: UInt64.self) }
        let tail = buffer.byteCount - words * 8
        if tail > 0 {
            let word = next()
            for i in 0..<tail { buffer.storeBytes(of: UInt8(truncatingIfNeeded: word >> (8 * i)), toByteOffset: words * 8 + i, as: UInt8.self) }
        }
    }
}

/// A cheap order-sensitive fold of bytes into 64 bits, at memory speed: the `io` workload's way of
/// proving it read every byte without paying for a second hash.
public struct ByteFold: Sendable {
    /// Running sum of 64-bit words.
    public private(set) var sum: UInt64 = 0
    /// Running mix of words and their position.
    public private(set) var mix: UInt64 = 0x243F_6A88_85A3_08D3
    /// Bytes folded so far.
    public private(set) var count: UInt64 = 0

    /// An empty fold.
    public init() {}

    /// Folds `bytes` in.
    public mutating func fold(_ bytes: RawSpan) {
        let words = bytes.byteCount / 8
        var s = sum, m = mix
        // Bounds-checked loads of plain integers: every bit pattern is a valid UInt64.
        for i in 0..<words {
            let w = bytes.unsafeLoadUnaligned(fromByteOffset: i * 8, as: UInt64.self)
            s &+= w
            m ^= w &+ UInt64(truncatingIfNeeded: i)
        }
        for i in (words * 8)..<bytes.byteCount {
            let byte = UInt64(bytes.unsafeLoad(fromByteOffset: i, as: UInt8.self))
            s &+= byte << 7
            m ^= byte &* 0x1000_0000_01B3
        }
        sum = s
        mix = m &* 0x9E37_79B9_7F4A_7C15
        count &+= UInt64(bytes.byteCount)
    }
}
