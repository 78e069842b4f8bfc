import TVPSystem

/// The 32-byte result of one task; equal tasks give equal digests in every mode.
///
/// Held inline as four words rather than an array: a thread pool stores one per task, and an array
/// would mean a reference count shared by every thread storing the `null` digest.
public struct TaskDigest: Hashable, Sendable, CustomStringConvertible {
    private var words: (UInt64, UInt64, UInt64, UInt64)

    /// The digest bytes.
    public var bytes: [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        storeBytes(into: &out, at: 0)
        return out
    }

    /// Wraps four words holding the digest's bytes in memory order (what `SHA256Context` returns).
    init(words: (UInt64, UInt64, UInt64, UInt64)) { self.words = words }

    /// The digest whose 32 bytes begin `bytes` (as `bytes` gives them), read where they lie.
    init(littleEndianBytes bytes: ArraySlice<UInt8>) {
        precondition(bytes.count >= 32, "a task digest has 32 bytes")
        // A word holds its bytes in memory order: its little-endian representation.
        words = (bytes.loadLittleEndian(UInt64.self, at: 0).littleEndian, bytes.loadLittleEndian(UInt64.self, at: 8).littleEndian,
                 bytes.loadLittleEndian(UInt64.self, at: 16).littleEndian, bytes.loadLittleEndian(UInt64.self, at: 24).littleEndian)
    }

    /// Writes the 32 bytes of `bytes` over `out` from `offset` (which must hold them).
    func storeBytes(into out: inout [UInt8], at offset: Int) {
        out.withLittleEndianStores { storeBytes(into: $0, at: offset) }
    }

    /// Writes the 32 bytes of `bytes` through `stores` from `offset`.
    func storeBytes(into stores: LittleEndianStores, at offset: Int) {
        stores.store(UInt64(littleEndian: words.0), at: offset)
        stores.store(UInt64(littleEndian: words.1), at: offset + 8)
        stores.store(UInt64(littleEndian: words.2), at: offset + 16)
        stores.store(UInt64(littleEndian: words.3), at: offset + 24)
    }

    /// Wraps 32 bytes.
    public init(bytes: [UInt8]) {
        precondition(bytes.count == 32, "a task digest has 32 bytes")
        self.init(littleEndianBytes: bytes[...])
    }

    public static func == (lhs: TaskDigest, rhs: TaskDigest) -> Bool {
        lhs.words.0 == rhs.words.0 && lhs.words.1 == rhs.words.1 && lhs.words.2 == rhs.words.2 && lhs.words.3 == rhs.words.3
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(words.0)
        hasher.combine(words.1)
        hasher.combine(words.2)
        hasher.combine(words.3)
    }

    /// Parses 64 hexadecimal digits; nil when `hex` is anything else.
    public init?(hex: some StringProtocol) {
        guard hex.utf8.count == 64, let bytes = Hexadecimal.decode(hex) else { return nil }
        self.init(bytes: bytes)
    }

    /// The digest of a task that does nothing (`null` workload): 32 zero bytes.
    public static var zero: TaskDigest { TaskDigest(words: (0, 0, 0, 0)) }

    /// Lower-case hexadecimal, 64 characters.
    public var hex: String { Hexadecimal.encode(bytes) }

    /// Appends `hex` to `line`, without a String.
    func appendHex(to line: inout LineBuffer) {
        line.append(hexOfLittleEndian: words.0)
        line.append(hexOfLittleEndian: words.1)
        line.append(hexOfLittleEndian: words.2)
        line.append(hexOfLittleEndian: words.3)
    }

    public var description: String { hex }

    /// The digest of a whole task list: SHA-256 over the task digests in task-index order.
    public static func combining(_ digests: [TaskDigest]) -> TaskDigest {
        var hasher = SHA256Hasher()
        // Each word as its bytes lie in memory: little-endian words are the digest's bytes in order.
        for digest in digests {
            hasher.update(UInt64(littleEndian: digest.words.0))
            hasher.update(UInt64(littleEndian: digest.words.1))
            hasher.update(UInt64(littleEndian: digest.words.2))
            hasher.update(UInt64(littleEndian: digest.words.3))
        }
        return hasher.finish()
    }
}
