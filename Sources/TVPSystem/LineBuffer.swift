import Glibc
import SystemPackage

/// A line of at most 256 bytes built on the stack and written with one `write`: how a worker
/// reports a task without a String, an Array or an allocation.
///
/// A worker's start-up is charged to the process modes, and in a fresh process the first String
/// interpolation or Array of a kind instantiates generic metadata (the runtime's demangler, tens
/// of thousands of instructions and dozens of page faults of a 14 MB image): see docs/overhead.md.
public struct LineBuffer: ~Copyable {
    /// The most bytes a line holds.
    public static let capacity = 256
    private var storage = InlineArray<256, UInt8>(repeating: 0)
    /// Bytes in the line.
    public private(set) var count = 0
    /// Whether an append did not fit (the line is then incomplete and must not be written).
    public private(set) var overflowed = false

    /// An empty line.
    public init() {}

    /// Appends one byte.
    @inline(__always)
    public mutating func append(_ byte: UInt8) {
        guard count < Self.capacity else { overflowed = true; return }
        storage[count] = byte
        count += 1
    }

    /// Appends the bytes of an ASCII literal.
    public mutating func append(_ text: StaticString) {
        let start = text.utf8Start
        for i in 0..<text.utf8CodeUnitCount { append(start[i]) }
    }

    /// Appends `value` in decimal.
    public mutating func append(decimal value: UInt64) {
        var digits = InlineArray<20, UInt8>(repeating: 0)
        var rest = value, n = 0
        repeat {
            digits[n] = UInt8(truncatingIfNeeded: 48 &+ rest % 10)
            rest /= 10
            n += 1
        } while rest > 0
        while n > 0 { n -= 1; append(digits[n]) }
    }

    /// Appends `value` in decimal, with a minus sign when negative.
    public mutating func append(decimal value: Int64) {
        if value < 0 { append(UInt8(ascii: "-")) }
        append(decimal: value.magnitude)
    }

    /// Appends the 8 bytes of `word` as they lie in memory on a little-endian machine, in
    /// lowercase hexadecimal (16 characters).
    public mutating func append(hexOfLittleEndian word: UInt64) {
        let digits: StaticString = "0123456789abcdef"
        let table = digits.utf8Start
        for shift in stride(from: 0, to: 64, by: 8) {
            let byte = Int(truncatingIfNeeded: word.littleEndian >> UInt64(shift)) & 0xff
            append(table[byte >> 4])
            append(table[byte & 0xf])
        }
    }

    /// Writes the whole line to `descriptor` (`write`, retried on `EINTR` and short writes).
    public func write(to descriptor: FileDescriptor) throws {
        precondition(!overflowed, "a LineBuffer line did not fit in \(Self.capacity) bytes")
        var offset = 0
        while offset < count {
            let n = try storage.span.withUnsafeBufferPointer { buffer throws in
                try valueOrErrno { Glibc.write(descriptor.rawValue, buffer.baseAddress! + offset, count - offset) }
            }
            offset += n
        }
    }
}

/// The process's arguments (argv) read one at a time, without building `CommandLine.arguments`
/// (an Array of Strings: generic metadata a fresh worker would instantiate for nothing).
public enum ProcessArguments {
    /// How many arguments, the program's name included (argc).
    public static var count: Int { Int(CommandLine.argc) }

    /// Argument `index` (0 is the program's name).
    public static func argument(_ index: Int) -> String {
        precondition(index >= 0 && index < count, "argument \(index) of \(count)")
        return String(cString: CommandLine.unsafeArgv[index]!)
    }
}
