import COpenSSL

/// Incremental SHA-256 through OpenSSL's EVP interface (`EVP_DigestInit_ex` / `Update` / `Final_ex`).
///
/// The same code hashes in every mode, so modes differ only in how they run it. This is the one
/// place outside TVPSystem that touches raw buffers: libcrypto takes a pointer and a length.
public struct SHA256Hasher: ~Copyable {
    private let context: OpaquePointer

    /// Starts a new digest.
    public init() {
        context = EVP_MD_CTX_new()!
        EVP_DigestInit_ex(context, EVP_sha256(), nil)
    }

    deinit { EVP_MD_CTX_free(context) }

    /// Adds `bytes` to the digest.
    @inline(__always)
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        EVP_DigestUpdate(context, bytes.baseAddress, bytes.count)
    }

    /// Adds the bytes of `array` to the digest.
    public mutating func update(_ array: [UInt8]) {
        array.withUnsafeBytes { update($0) }
    }

    /// Adds the 8 little-endian bytes of `value`.
    public mutating func update(_ value: UInt64) {
        withUnsafeBytes(of: value.littleEndian) { update($0) }
    }

    /// Ends the digest and returns it.
    public consuming func finish() -> TaskDigest {
        var out = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        out.withUnsafeMutableBufferPointer { _ = EVP_DigestFinal_ex(context, $0.baseAddress, &length) }
        return TaskDigest(bytes: out)
    }

    /// Initialises libcrypto without reading its configuration file and loads SHA-256, so the
    /// first task does not pay OpenSSL 3's lazy set-up (about 2 ms here). Worker processes call it
    /// before their task clock starts: it is part of starting a process.
    public static func prepareLibrary() {
        OPENSSL_init_crypto(UInt64(OPENSSL_INIT_NO_LOAD_CONFIG), nil)
        var hasher = SHA256Hasher()
        hasher.update(0)
        _ = hasher.finish()
    }

    /// The SHA-256 of `bytes`, in one call.
    public static func hash(_ bytes: [UInt8]) -> TaskDigest {
        var hasher = SHA256Hasher()
        hasher.update(bytes)
        return hasher.finish()
    }
}
