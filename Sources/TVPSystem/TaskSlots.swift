/// A fixed array whose slots are filled by many threads at once, each slot by exactly one of them,
/// and read only after those threads were joined. This is how the thread pool returns results
/// without a lock on the hot path.
///
/// Slots start uninitialized, so making the array costs no pass over it; `takeAll()` moves the
/// values out without copying them one by one. A `TaskSlots` whose values were never taken (its
/// threads were abandoned, and may still write) frees its memory but not the values it holds.
public final class TaskSlots<Element>: @unchecked Sendable {
    private let storage: UnsafeMutableBufferPointer<Element>
    private var taken = false

    /// `count` empty slots.
    public init(count: Int) {
        storage = .allocate(capacity: count)
    }

    deinit {
        storage.deallocate()
    }

    /// Number of slots.
    public var count: Int { storage.count }

    /// Fills slot `index`. Every slot must be filled exactly once, by one thread.
    @inline(__always)
    public func fill(_ value: consuming Element, at index: Int) {
        (storage.baseAddress! + index).initialize(to: value)
    }

    /// All values, in order, moved out. Call once, after every slot was filled and every writer finished.
    public func takeAll() -> [Element] {
        precondition(!taken, "the slots were already taken")
        taken = true
        return Array(unsafeUninitializedCapacity: storage.count) { buffer, initialized in
            _ = buffer.moveInitialize(fromContentsOf: storage)
            initialized = storage.count
        }
    }
}
