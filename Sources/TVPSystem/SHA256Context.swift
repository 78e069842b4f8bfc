import COpenSSL

/// An incremental SHA-256 in OpenSSL's libcrypto (EVP: `EVP_DigestInit_ex` / `Update` / `Final_ex`),
/// the implementation CPython's hashlib uses. It lives here because libcrypto takes a pointer and a
/// length; callers hand it spans.
public struct SHA256Context: ~Copyable {
    private let context: OpaquePointer

    /// Starts a new digest.
    public init() {
        context = EVP_MD_CTX_new()!
        EVP_DigestInit_ex(context, EVP_sha256(), nil)
    }

    deinit { EVP_MD_CTX_free(context) }

    /// Adds `bytes` to the digest (`EVP_DigestUpdate`).
    @inline(__always)
    public mutating func update(_ bytes: RawSpan) {
        bytes.withUnsafeBytes { raw in _ = EVP_DigestUpdate(context, raw.baseAddress, raw.count) }
    }

    /// Adds the 8 little-endian bytes of `value`.
    @inline(__always)
    public mutating func update(_ value: UInt64) {
        withUnsafeBytes(of: value.littleEndian) { raw in _ = EVP_DigestUpdate(context, raw.baseAddress, raw.count) }
    }

    /// Ends the digest (`EVP_DigestFinal_ex`) and returns its 32 bytes as four words in memory order
    /// (word 0 holds bytes 0–7, in the machine's byte order).
    public consuming func finish() -> (UInt64, UInt64, UInt64, UInt64) {
        var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        var length: UInt32 = 0
        withUnsafeMutableBytes(of: &words) { raw in
            _ = EVP_DigestFinal_ex(context, raw.baseAddress!.assumingMemoryBound(to: UInt8.self), &length)
        }
        return words
    }

    /// Initialises libcrypto without reading its configuration file and loads SHA-256 (one
    /// throw-away digest), so the first task does not pay OpenSSL 3's lazy set-up.
    public static func prepareLibrary() {
        OPENSSL_init_crypto(UInt64(OPENSSL_INIT_NO_LOAD_CONFIG), nil)
        var context = SHA256Context()
        context.update(0)
        _ = context.finish()
    }
}
