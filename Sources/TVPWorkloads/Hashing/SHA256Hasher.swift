import TVPSystem

/// Incremental SHA-256 of a task's bytes, ending in a `TaskDigest`.
///
/// The same code hashes in every mode, so modes differ only in how they run it. The C call behind
/// it (OpenSSL's libcrypto, taking a pointer) is `SHA256Context` in TVPSystem; this type only
/// speaks spans and digests.
public struct SHA256Hasher: ~Copyable {
    private var context = SHA256Context()

    /// Starts a new digest.
    public init() {}

    /// Adds `bytes` to the digest.
    @inline(__always)
    public mutating func update(_ bytes: RawSpan) { context.update(bytes) }

    /// Adds the bytes of `array` to the digest.
    public mutating func update(_ array: [UInt8]) { context.update(array.span.bytes) }

    /// Adds the 8 little-endian bytes of `value`.
    public mutating func update(_ value: UInt64) { context.update(value) }

    /// Ends the digest and returns it.
    public consuming func finish() -> TaskDigest { TaskDigest(words: context.finish()) }

    /// The SHA-256 of `bytes`, in one call.
    public static func hash(_ bytes: [UInt8]) -> TaskDigest {
        var hasher = SHA256Hasher()
        hasher.update(bytes)
        return hasher.finish()
    }
}
