import Glibc
import SystemPackage

/// Up to 16 bytes held inline, with no allocation: what a per-task path sends or reads in one
/// piece (a task frame's header and index), on the stack instead of in a fresh array.
public struct InlineBytes: Sendable {
    /// How many bytes it can hold.
    public static let capacity = 16
    @usableFromInline var storage: (UInt64, UInt64) = (0, 0)
    /// How many of its bytes are in use.
    public let count: Int

    /// `count` zero bytes (at most `capacity`).
    @inlinable public init(count: Int) {
        precondition(count >= 0 && count <= Self.capacity, "InlineBytes holds at most \(Self.capacity) bytes, not \(count)")
        self.count = count
    }

    /// The byte at `offset`.
    @inlinable public subscript(offset: Int) -> UInt8 {
        get {
            precondition(offset >= 0 && offset < count, "byte \(offset) of \(count)")
            return withUnsafeBytes(of: storage) { $0[offset] }
        }
        set {
            precondition(offset >= 0 && offset < count, "byte \(offset) of \(count)")
            withUnsafeMutableBytes(of: &storage) { $0[offset] = newValue }
        }
    }

    /// Writes `value` as little-endian bytes from `offset`.
    @inlinable public mutating func store<T: FixedWidthInteger>(littleEndian value: T, at offset: Int) {
        precondition(offset >= 0 && offset + MemoryLayout<T>.size <= count, "\(MemoryLayout<T>.size) bytes at \(offset) of \(count)")
        withUnsafeMutableBytes(of: &storage) { $0.storeBytes(of: value.littleEndian, toByteOffset: offset, as: T.self) }
    }

    /// The little-endian integer whose bytes start at `offset`.
    @inlinable public func load<T: FixedWidthInteger>(littleEndian type: T.Type, at offset: Int) -> T {
        precondition(offset >= 0 && offset + MemoryLayout<T>.size <= count, "\(MemoryLayout<T>.size) bytes at \(offset) of \(count)")
        return withUnsafeBytes(of: storage) { T(littleEndian: $0.loadUnaligned(fromByteOffset: offset, as: T.self)) }
    }

    /// Its bytes, in a new array.
    public var array: [UInt8] { withUnsafeBytes(of: storage) { Array($0[0..<count]) } }
}

extension FileDescriptor {
    /// `writeSome` of `bytes` from `offset` on.
    public func writeSome(_ bytes: InlineBytes, from offset: Int) throws -> Int {
        precondition(offset >= 0 && offset <= bytes.count, "offset \(offset) of \(bytes.count) bytes")
        return try withUnsafeBytes(of: bytes.storage) { raw in try writeSome(UnsafeRawBufferPointer(rebasing: raw[offset..<bytes.count])) }
    }

    /// Fills `bytes` (all `count` of them) from the descriptor, as `readExactly(into:count:)` fills
    /// an array; returns fewer only when the file ends first.
    public func readExactly(into bytes: inout InlineBytes) throws -> Int {
        let count = bytes.count
        return try withUnsafeMutableBytes(of: &bytes.storage) { try readExactly(into: UnsafeMutableRawBufferPointer(rebasing: $0[0..<count])) }
    }
}

/// Little-endian stores into an array's bytes in one pass: a store through the array itself checks
/// the array's uniqueness each time (`Array.withLittleEndianStores`).
public struct LittleEndianStores {
    @usableFromInline let raw: UnsafeMutableRawBufferPointer

    @usableFromInline init(_ raw: UnsafeMutableRawBufferPointer) { self.raw = raw }

    /// Writes `value` as little-endian bytes from `offset`.
    @inlinable public func store<T: FixedWidthInteger>(_ value: T, at offset: Int) {
        precondition(offset >= 0 && offset + MemoryLayout<T>.size <= raw.count, "\(MemoryLayout<T>.size) bytes at \(offset) of \(raw.count)")
        raw.storeBytes(of: value.littleEndian, toByteOffset: offset, as: T.self)
    }
}

extension Array where Element == UInt8 {
    /// Runs `body` with stores into the array's bytes (which it must already hold).
    @inlinable public mutating func withLittleEndianStores<R>(_ body: (LittleEndianStores) throws -> R) rethrows -> R {
        try withUnsafeMutableBytes { try body(LittleEndianStores($0)) }
    }

    /// Makes the array `count` bytes long, keeping its first bytes and its storage (new bytes are 0).
    @inlinable public mutating func resize(to newCount: Int) {
        if count < newCount {
            append(contentsOf: repeatElement(0, count: newCount - count))
        } else if count > newCount {
            removeLast(count - newCount)
        }
    }
}

extension ArraySlice where Element == UInt8 {
    /// The little-endian integer whose bytes start `offset` bytes into the slice.
    @inlinable public func loadLittleEndian<T: FixedWidthInteger>(_ type: T.Type, at offset: Int) -> T {
        precondition(offset >= 0 && offset + MemoryLayout<T>.size <= count, "\(MemoryLayout<T>.size) bytes at \(offset) of \(count)")
        return withUnsafeBytes { T(littleEndian: $0.loadUnaligned(fromByteOffset: offset, as: T.self)) }
    }
}
