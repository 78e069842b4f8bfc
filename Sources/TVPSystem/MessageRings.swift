import CTVPSystem
import Glibc
import SystemPackage

/// Single-producer, single-consumer rings of fixed-size messages laid one after another in one
/// mapping (the `message` workload's `ring` and `shm` channels): private to tvp for threads, or a
/// POSIX shared-memory object that worker processes map by name. Each waits on a futex when empty
/// (or full); `tvp_ring_*` in CTVPSystem does the work.
public final class MessageRings: @unchecked Sendable {
    // Sendable: the rings are touched only through the C functions' atomics; the mapping lives
    // until the last link drops this object.
    private let base: UnsafeMutableRawPointer
    private let length: Int
    private let stride: Int
    /// Rings in the mapping.
    public let count: Int
    /// The shared-memory object's name, nil for a private mapping.
    public let sharedName: String?
    private let owner: Bool

    private init(base: UnsafeMutableRawPointer, length: Int, stride: Int, count: Int, sharedName: String?, owner: Bool) {
        self.base = base
        self.length = length
        self.stride = stride
        self.count = count
        self.sharedName = sharedName
        self.owner = owner
    }

    deinit { munmap(base, length) }

    /// Bytes one ring of `slots` messages of `messageSize` bytes takes.
    static func ringBytes(slots: Int, messageSize: Int) -> Int { Int(tvp_ring_size(UInt32(slots), UInt32(messageSize))) }

    /// `count` empty rings of `slots` messages of `messageSize` bytes, with their pages faulted in.
    /// With `sharedName`, in a new POSIX shared-memory object (mode 0600, `O_EXCL`) that `remove()`
    /// unlinks; without, in a private anonymous mapping.
    public static func create(count: Int, slots: Int, messageSize: Int, sharedName: String? = nil) throws -> MessageRings {
        let stride = ringBytes(slots: slots, messageSize: messageSize)
        let length = max(stride * count, 1)
        let pointer = try WritableMapping.create(length: length, sharedName: sharedName, what: sharedName ?? "message rings")
        for index in 0..<count { tvp_ring_init(pointer + index * stride, UInt32(slots), UInt32(messageSize)) }
        return MessageRings(base: pointer, length: length, stride: stride, count: count, sharedName: sharedName, owner: true)
    }

    /// A worker's mapping of the rings tvp made in the shared-memory object `name`.
    public static func open(_ name: String, count: Int, slots: Int, messageSize: Int) throws -> MessageRings {
        let stride = ringBytes(slots: slots, messageSize: messageSize)
        let length = max(stride * count, 1)
        let (pointer, _) = try WritableMapping.openShared(name) { size in
            guard size >= length else {
                throw SystemCallError("map \(count) message rings of \(name) (\(size) bytes, \(length) needed)", .invalidArgument)
            }
            return length
        }
        return MessageRings(base: pointer, length: length, stride: stride, count: count, sharedName: name, owner: false)
    }

    /// Ring `index` as a link (keeping the mapping alive).
    public func link(_ index: Int) -> any MessageLink {
        precondition(index >= 0 && index < count)
        return RingLink(rings: self, index: index)
    }

    fileprivate func ring(_ index: Int) -> UnsafeMutableRawPointer { base + index * stride }

    /// Closes every ring, waking every waiter.
    public func closeAll() { for index in 0..<count { tvp_ring_close(ring(index)) } }

    /// Unlinks the shared-memory object (`shm_unlink`) if this process made it.
    public func remove() {
        if owner, let sharedName { _ = shm_unlink(sharedName) }
    }
}

/// One ring of a `MessageRings` as a link.
final class RingLink: MessageLink {
    private let rings: MessageRings
    private let index: Int

    init(rings: MessageRings, index: Int) {
        self.rings = rings
        self.index = index
    }

    func send(_ message: [UInt8]) throws {
        let code = message.withUnsafeBytes { tvp_ring_send(rings.ring(index), $0.baseAddress) }
        if code != 0 { throw MessageLinkError.closed }
    }

    func receive(into buffer: inout [UInt8]) throws {
        let code = buffer.withUnsafeMutableBytes { tvp_ring_receive(rings.ring(index), $0.baseAddress) }
        if code != 0 { throw MessageLinkError.closed }
    }

    func close() { tvp_ring_close(rings.ring(index)) }
}
