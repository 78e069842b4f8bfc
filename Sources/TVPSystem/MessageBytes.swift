/// The bytes of message `sequence` from party `sender` of a `message` conversation, made by the
/// sender and checked word by word by the receiver: word 0 is the sequence number with the sender
/// in its top 24 bits (little-endian, cut to the message's size), every later word a mix of word 0
/// and its position, so a lost, reordered or altered message never passes.
public enum MessageBytes {
    /// Word 0 of message `sequence` from `sender`.
    @inline(__always)
    public static func tag(sender: Int, sequence: Int) -> UInt64 {
        UInt64(truncatingIfNeeded: sequence) & 0xFF_FFFF_FFFF | UInt64(truncatingIfNeeded: sender) << 40
    }

    /// Word `index` of the message whose word 0 is `tag`.
    @inline(__always)
    static func word(_ index: Int, tag: UInt64) -> UInt64 {
        guard index > 0 else { return tag }
        var z = tag &+ UInt64(truncatingIfNeeded: index) &* 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        return z ^ (z >> 31)
    }

    /// Fills all of `message` with message `sequence` from `sender`.
    public static func fill(_ message: inout [UInt8], sender: Int, sequence: Int) {
        let tag = Self.tag(sender: sender, sequence: sequence)
        message.withUnsafeMutableBytes { raw in
            let words = raw.count / 8
            for index in 0..<words { raw.storeBytes(of: word(index, tag: tag).littleEndian, toByteOffset: index * 8, as: UInt64.self) }
            let last = word(words, tag: tag)
            for offset in (words * 8)..<raw.count { raw[offset] = UInt8(truncatingIfNeeded: last >> (UInt64(offset - words * 8) * 8)) }
        }
    }

    /// Message `sequence` from `sender`, `size` bytes, in a new array (for a channel that takes
    /// the message itself rather than a copy of its bytes, as `async`'s does).
    public static func message(size: Int, sender: Int, sequence: Int) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            let tag = Self.tag(sender: sender, sequence: sequence)
            let raw = UnsafeMutableRawBufferPointer(buffer)
            let words = size / 8
            for index in 0..<words { raw.storeBytes(of: word(index, tag: tag).littleEndian, toByteOffset: index * 8, as: UInt64.self) }
            let last = word(words, tag: tag)
            for offset in (words * 8)..<size { raw[offset] = UInt8(truncatingIfNeeded: last >> (UInt64(offset - words * 8) * 8)) }
            count = size
        }
    }

    /// Whether `message` is exactly message `sequence` from `sender`.
    public static func matches(_ message: [UInt8], sender: Int, sequence: Int) -> Bool {
        let tag = Self.tag(sender: sender, sequence: sequence)
        return message.withUnsafeBytes { raw in
            let words = raw.count / 8
            var differ: UInt64 = 0
            for index in 0..<words { differ |= raw.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self) ^ word(index, tag: tag).littleEndian }
            let last = word(words, tag: tag)
            for offset in (words * 8)..<raw.count { differ |= UInt64(raw[offset] ^ UInt8(truncatingIfNeeded: last >> (UInt64(offset - words * 8) * 8))) }
            return differ == 0
        }
    }

    /// The sender and sequence number word 0 of `message` claims, when the message has 8 bytes or more.
    public static func claimed(_ message: [UInt8]) -> (sender: Int, sequence: Int)? {
        guard message.count >= 8 else { return nil }
        let word = message.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(as: UInt64.self)) }
        return (Int(word >> 40), Int(word & 0xFF_FFFF_FFFF))
    }
}
