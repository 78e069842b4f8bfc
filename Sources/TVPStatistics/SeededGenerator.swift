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
