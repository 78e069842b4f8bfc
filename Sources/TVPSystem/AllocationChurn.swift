import Glibc

/// The body of an `alloc` task: a working set of `objects` blocks of `objectSize` bytes from the C
/// allocator (`malloc`), of which `replacements` are freed and allocated again, each a block
/// picked by the next of `keys`.
///
/// Each new block gets a word written at its start (as a constructor would initialise it), which is
/// read back just before the block is freed and summed: the checksum makes every allocation part
/// of the result, so the optimiser cannot drop a `malloc`/`free` pair. Threads share the process's
/// allocator (glibc: per-thread caches over shared arenas); each process has its own.
/// `benchmarks/c/alloc.c` runs the same loop.
public enum AllocationChurn {
    /// Runs the churn and returns the checksum of the words read back. `between` runs after every
    /// `chunk` replacements (where an interpreter would check for a lock hand-over).
    @inlinable
    public static func run(objects: Int, objectSize: Int, replacements: Int, chunk: Int,
                           keys: inout some KeyStream, between: () -> Void) -> UInt64 {
        precondition(objects > 0 && objectSize >= 8, "the working set needs objects of at least 8 bytes")
        let slots = UnsafeMutablePointer<UnsafeMutableRawPointer?>.allocate(capacity: objects)
        defer { slots.deallocate() }
        var stamp: UInt64 = 0x9E37_79B9_7F4A_7C15
        var checksum: UInt64 = 0
        for index in 0..<objects {
            slots[index] = allocate(objectSize, stamp: stamp)
            stamp &+= 0x9E37_79B9_7F4A_7C15
        }
        var done = 0
        while done < replacements {
            let n = min(chunk, replacements - done)
            for _ in 0..<n {
                let index = keys.next(below: objects)
                checksum &+= release(slots[index])
                slots[index] = allocate(objectSize, stamp: stamp)
                stamp &+= 0x9E37_79B9_7F4A_7C15
            }
            done += n
            between()
        }
        for index in 0..<objects { checksum &+= release(slots[index]) }
        return checksum
    }

    /// A block of `size` bytes with `stamp` in its first word; nil only when memory ran out (the
    /// stamp is then lost and the checksum shows it).
    @inlinable @inline(__always)
    static func allocate(_ size: Int, stamp: UInt64) -> UnsafeMutableRawPointer? {
        let block = malloc(size)
        block?.storeBytes(of: stamp, as: UInt64.self)
        return block
    }

    /// Reads a block's first word and frees it.
    @inlinable @inline(__always)
    static func release(_ block: UnsafeMutableRawPointer?) -> UInt64 {
        guard let block else { return 0 }
        let word = block.load(as: UInt64.self)
        free(block)
        return word
    }
}

/// A deterministic stream of pseudo-random keys, each reduced to a range without a division.
public protocol KeyStream {
    /// The next key reduced to `0..<count`.
    mutating func next(below count: Int) -> Int
}
