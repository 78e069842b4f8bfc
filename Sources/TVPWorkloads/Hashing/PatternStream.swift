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
        let words = (count + 7) / 8
        var out = [UInt8](repeating: 0, count: words * 8)
        out.withUnsafeMutableBytes { raw in
            for i in 0..<words { raw.storeBytes(of: next().littleEndian, toByteOffset: i * 8, as: UInt64.self) }
        }
        return Array(out.prefix(count))
    }

    /// Fills `buffer` with the stream's next bytes: the same bytes `bytes(buffer.count)` would give
    /// (a last partial word uses its low bytes).
    public mutating func fill(_ buffer: UnsafeMutableRawBufferPointer) {
        let words = buffer.count / 8
        for i in 0..<words { buffer.storeBytes(of: next().littleEndian, toByteOffset: i * 8, as: UInt64.self) }
        let tail = buffer.count - words * 8
        if tail > 0 {
            let word = next().littleEndian
            withUnsafeBytes(of: word) { bytes in
                for i in 0..<tail { buffer[words * 8 + i] = bytes[i] }
            }
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
    public mutating func fold(_ bytes: UnsafeRawBufferPointer) {
        let words = bytes.count / 8
        var s = sum, m = mix
        for i in 0..<words {
            let w = bytes.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self)
            s &+= w
            m ^= w &+ UInt64(truncatingIfNeeded: i)
        }
        for i in (words * 8)..<bytes.count {
            s &+= UInt64(bytes[i]) << 7
            m ^= UInt64(bytes[i]) &* 0x1000_0000_01B3
        }
        sum = s
        mix = m &* 0x9E37_79B9_7F4A_7C15
        count &+= UInt64(bytes.count)
    }
}
