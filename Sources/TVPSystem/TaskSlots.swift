/// A fixed array whose slots are written by many threads at once, each slot by exactly one of them,
/// and read only after those threads were joined. This is how the thread pool returns results
/// without a lock on the hot path.
public final class TaskSlots<Element>: @unchecked Sendable {
    private let storage: UnsafeMutableBufferPointer<Element>

    /// `count` slots, each holding `initial`.
    public init(count: Int, initial: Element) {
        storage = .allocate(capacity: count)
        storage.initialize(repeating: initial)
    }

    deinit {
        storage.deinitialize()
        storage.deallocate()
    }

    /// Number of slots.
    public var count: Int { storage.count }

    /// Writes slot `index`. Two threads must never write the same slot.
    @inline(__always)
    public func store(_ value: Element, at index: Int) { storage[index] = value }

    /// All slots, in order. Call only once every writer has finished.
    public var values: [Element] { Array(storage) }
}
