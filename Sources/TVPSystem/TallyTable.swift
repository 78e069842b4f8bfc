import Glibc
import Synchronization
import SystemPackage

/// The counters one `tally` trial updates: one shared table of `bins` counts guarded (or not) by a
/// pthread mutex, and `slots` per-worker tables, all in one mapping.
///
/// In-process modes share a private anonymous mapping in tvp's memory. Under process modes tvp
/// creates the mapping as a POSIX shared-memory object (`/dev/shm/NAME`) that each worker maps
/// (`open`), with the mutex made `PTHREAD_PROCESS_SHARED`, so processes share writes too.
///
/// The mapping, in bytes: a 64-byte header line (magic, bins, slots, layout), the mutex on the
/// next line (from byte 64), the shared counts from byte 128, then the per-worker tables. Packed
/// tables are interleaved (`count[bin][slot]`: neighbours' counts share cache lines); padded ones
/// each start on a 128-byte boundary. `benchmarks/c/tally.c` lays its memory out the same way.
public final class TallyTable: @unchecked Sendable {
    // Sendable: the header is written once before the table is shared; the counts are written by
    // the workers through the primitives of `TallyCounters.swift`, each sync with its own rule.
    private let base: UnsafeMutableRawPointer
    private let length: Int
    /// Counters per table.
    public let bins: Int
    /// Per-worker tables in the mapping.
    public let slots: Int
    /// Whether per-worker tables are padded apart (else interleaved).
    public let padded: Bool
    /// The shared-memory object's name (with its slash) when other processes can map the table.
    public let sharedName: String?
    /// Whether this process made the table (it then removes the object and destroys the mutex).
    private let owner: Bool
    /// `swift-mutex`: Swift's own lock, in tvp's memory (it cannot be shared between processes).
    let swiftLock = SwiftLock()
    private let claimedSlots = Atomic<Int>(0)

    private static let magic: UInt64 = 0x7476_7054_616C_6C79 // "tvpTally"
    private static let sharedCountsOffset = 128

    private init(base: UnsafeMutableRawPointer, length: Int, bins: Int, slots: Int, padded: Bool,
                 sharedName: String?, owner: Bool) {
        self.base = base
        self.length = length
        self.bins = bins
        self.slots = slots
        self.padded = padded
        self.sharedName = sharedName
        self.owner = owner
    }

    deinit {
        if owner { pthread_mutex_destroy(mutexPointer) }
        munmap(base, length)
    }

    /// Bytes of one table, rounded up to whole 128-byte blocks.
    private static func tableBytes(bins: Int) -> Int { (bins * 8 + 127) / 128 * 128 }

    /// Bytes of the whole mapping.
    private static func mappingBytes(bins: Int, slots: Int, padded: Bool) -> Int {
        let locals = padded ? slots * tableBytes(bins: bins) : (slots * bins * 8 + 127) / 128 * 128
        return sharedCountsOffset + tableBytes(bins: bins) + locals
    }

    /// A new zeroed table with its pages faulted in (`MAP_POPULATE`), so no trial pays the faults.
    /// With `sharedName` it is a new POSIX shared-memory object (mode 0600, `shm_open` with
    /// `O_EXCL`) with a process-shared mutex; without, a private anonymous mapping.
    public static func create(bins: Int, slots: Int, padded: Bool, sharedName: String? = nil) throws -> TallyTable {
        precondition(bins > 0 && slots >= 0, "a tally table needs bins")
        let length = mappingBytes(bins: bins, slots: slots, padded: padded)
        let pointer = try WritableMapping.create(length: length, sharedName: sharedName, what: sharedName ?? "a tally table")
        let table = TallyTable(base: pointer, length: length, bins: bins, slots: slots, padded: padded,
                               sharedName: sharedName, owner: true)
        let header = pointer.assumingMemoryBound(to: UInt64.self)
        header[0] = magic
        header[1] = UInt64(bins)
        header[2] = UInt64(slots)
        header[3] = padded ? 1 : 0
        do {
            try table.initializeMutex(processShared: sharedName != nil)
        } catch {
            table.remove()
            throw error
        }
        return table
    }

    /// Maps the table a tvp process created as `name` (a worker's view), checking that it holds
    /// `bins` counters.
    public static func open(_ name: String, bins: Int) throws -> TallyTable {
        let (pointer, length) = try WritableMapping.openShared(name) { size in
            guard size >= sharedCountsOffset else { throw TallyTableError(name: name, problem: "it holds \(size) bytes, too few for a tally table") }
            return size
        }
        let header = pointer.assumingMemoryBound(to: UInt64.self)
        let slots = Int(truncatingIfNeeded: header[2]), padded = header[3] == 1
        guard header[0] == magic, header[1] == UInt64(bins), (0...(1 << 20)).contains(slots),
              mappingBytes(bins: bins, slots: slots, padded: padded) == length else {
            munmap(pointer, length)
            throw TallyTableError(name: name, problem: "it is not a tally table of \(bins) bins")
        }
        return TallyTable(base: pointer, length: length, bins: bins, slots: slots, padded: padded,
                          sharedName: name, owner: false)
    }

    private var mutexPointer: UnsafeMutablePointer<pthread_mutex_t> {
        (base + 64).assumingMemoryBound(to: pthread_mutex_t.self)
    }

    private func initializeMutex(processShared: Bool) throws {
        var attributes = pthread_mutexattr_t()
        try checkReturnCode(pthread_mutexattr_init(&attributes))
        defer { pthread_mutexattr_destroy(&attributes) }
        if processShared { try checkReturnCode(pthread_mutexattr_setpshared(&attributes, Int32(PTHREAD_PROCESS_SHARED))) }
        try checkReturnCode(pthread_mutex_init(mutexPointer, &attributes))
    }

    /// Removes the shared-memory object's name (`shm_unlink`) if this process created it; the
    /// memory goes when the last mapping does. Safe to call more than once.
    public func remove() {
        if owner, let sharedName { _ = shm_unlink(sharedName) }
    }

    /// The next unclaimed per-worker table, for a runner that starts; nil when all are taken.
    public func claimSlot() -> Int? {
        let slot = claimedSlots.add(1, ordering: .relaxed).oldValue
        return slot < slots ? slot : nil
    }

    /// The final counts: the shared table plus every per-worker table. Call once no worker writes.
    public func totals() -> [UInt64] {
        let shared = (base + Self.sharedCountsOffset).assumingMemoryBound(to: UInt64.self)
        let locals = localBase
        let (slotStride, binStride) = strides
        return (0..<bins).map { bin in
            var sum = shared[bin]
            for slot in 0..<slots { sum &+= locals[slot * slotStride + bin * binStride] }
            return sum
        }
    }

    /// Zeroes per-worker table `slot` and returns what it held, as little-endian 64-bit counts: a
    /// worker process's table, sent back with each task's result.
    public func takeSlot(_ slot: Int) -> [UInt8] {
        precondition((0..<slots).contains(slot), "slot \(slot) outside \(slots) tables")
        let locals = localBase
        let (slotStride, binStride) = strides
        var bytes: [UInt8] = []
        bytes.reserveCapacity(bins * 8)
        for bin in 0..<bins {
            let count = locals[slot * slotStride + bin * binStride]
            locals[slot * slotStride + bin * binStride] = 0
            withUnsafeBytes(of: count.littleEndian) { bytes.append(contentsOf: $0) }
        }
        return bytes
    }

    private var localBase: UnsafeMutablePointer<UInt64> {
        (base + Self.sharedCountsOffset + Self.tableBytes(bins: bins)).assumingMemoryBound(to: UInt64.self)
    }

    /// Words from one per-worker table to the next, and from one bin to the next within a table.
    private var strides: (slot: Int, bin: Int) {
        padded ? (Self.tableBytes(bins: bins) / 8, 1) : (1, slots)
    }

    /// The pthread-locked shared table.
    public var locked: LockedCounters {
        LockedCounters(counts: sharedCounts, mutex: mutexPointer)
    }

    /// The shared table under Swift's `Synchronization.Mutex`.
    public var swiftLocked: SwiftLockedCounters {
        SwiftLockedCounters(counts: sharedCounts, lock: swiftLock)
    }

    /// The shared table as atomics: one relaxed fetch-add per update.
    public var atomic: AtomicCounters { AtomicCounters(counts: sharedAtomics) }

    /// The shared table as atomics read and written apart: a relaxed load, then a relaxed store.
    public var racy: RacyCounters { RacyCounters(counts: sharedAtomics) }

    /// Per-worker table `slot`.
    public func local(_ slot: Int) -> LocalCounters {
        precondition((0..<slots).contains(slot), "slot \(slot) outside \(slots) tables")
        let (slotStride, binStride) = strides
        return LocalCounters(counts: localBase + slot * slotStride, stride: binStride)
    }

    private var sharedCounts: UnsafeMutablePointer<UInt64> {
        (base + Self.sharedCountsOffset).assumingMemoryBound(to: UInt64.self)
    }

    private var sharedAtomics: UnsafeMutablePointer<Atomic<UInt64>> {
        // Atomic<UInt64> is a UInt64 in memory; the workers that use these views use no other.
        (base + Self.sharedCountsOffset).assumingMemoryBound(to: Atomic<UInt64>.self)
    }
}

/// A tally table that could not be opened.
public struct TallyTableError: Error, CustomStringConvertible, Sendable {
    /// The shared-memory object's name.
    public let name: String
    /// What was wrong.
    public let problem: String
    public var description: String { "tally table \(name): \(problem)" }
}
