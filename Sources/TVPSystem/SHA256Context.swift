import COpenSSL

/// An incremental SHA-256 in OpenSSL's libcrypto (`SHA256_Init` / `SHA256_Update` / `SHA256_Final`),
/// the implementation CPython's hashlib uses. It lives here because libcrypto takes a pointer and a
/// length; callers hand it spans.
///
/// The low-level functions, not EVP: the same assembly, but no provider to load and no algorithm to
/// fetch, so a worker process reaches its first hashed byte as fast as one that hashes nothing.
public struct SHA256Context: ~Copyable {
    private var state = tvp_sha256_state()

    /// Starts a new digest.
    public init() {
        tvp_sha256_init(&state)
    }

    /// Adds `bytes` to the digest (`SHA256_Update`).
    @inline(__always)
    public mutating func update(_ bytes: RawSpan) {
        bytes.withUnsafeBytes { raw in tvp_sha256_update(&state, raw.baseAddress, raw.count) }
    }

    /// Adds the 8 little-endian bytes of `value`.
    @inline(__always)
    public mutating func update(_ value: UInt64) {
        withUnsafeBytes(of: value.littleEndian) { raw in tvp_sha256_update(&state, raw.baseAddress, raw.count) }
    }

    /// Ends the digest (`SHA256_Final`) and returns its 32 bytes as four words in memory order
    /// (word 0 holds bytes 0–7, in the machine's byte order).
    public consuming func finish() -> (UInt64, UInt64, UInt64, UInt64) {
        var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        withUnsafeMutableBytes(of: &words) { raw in
            tvp_sha256_final(&state, raw.baseAddress!.assumingMemoryBound(to: UInt8.self))
        }
        return words
    }
}
