/// A fixed array whose slots are filled by many threads at once, each slot by exactly one of them,
/// and read only after those threads were joined. This is how the thread pool returns results
/// without a lock on the hot path.
///
/// `collect` fills the storage of the Array it returns, so a trial's results are written once, in
/// place: no second array, no copy of every result and no page faults of fresh memory for it inside
/// the trial's clock. Slots start uninitialized, so making them costs no pass over them either.
public final class TaskSlots<Element>: @unchecked Sendable {
    private var storage: UnsafeMutableBufferPointer<Element>
    private let ownsStorage: Bool
    private var taken = false
    /// `collect`: the Array whose storage the slots are, kept while abandoned writers may still
    /// write to it (it is released with this object, which their closures hold).
    private var keptForAbandonedWriters: [Element] = []

    /// `count` empty slots.
    public init(count: Int) {
        storage = .allocate(capacity: count)
        ownsStorage = true
    }

    private init(borrowing storage: UnsafeMutableBufferPointer<Element>) {
        self.storage = storage
        ownsStorage = false
    }

    deinit {
        if ownsStorage { storage.deallocate() }
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
        precondition(ownsStorage, "slots made by collect are returned by it")
        precondition(!taken, "the slots were already taken")
        taken = true
        return Array(unsafeUninitializedCapacity: storage.count) { buffer, initialized in
            _ = buffer.moveInitialize(fromContentsOf: storage)
            initialized = storage.count
        }
    }

    /// `count` slots that are the storage of the Array returned: `body` fills them and returns
    /// whether every slot was filled and every writer finished. When it returns false (its writers
    /// were abandoned and may still write), the storage is kept alive by the slots, which the
    /// writers hold, and nil is returned; the values they write are never released.
    public static func collect(count: Int, _ body: (TaskSlots<Element>) -> Bool) -> [Element]? {
        var slots: TaskSlots<Element>?
        var completed = false
        var values = [Element](unsafeUninitializedCapacity: count) { buffer, initialized in
            let borrowed = TaskSlots(borrowing: UnsafeMutableBufferPointer(rebasing: buffer[0..<count]))
            slots = borrowed
            completed = body(borrowed)
            // Until every slot is known to be filled, none counts: an Array never releases an
            // element it does not hold.
            initialized = completed ? count : 0
        }
        guard completed else {
            // Writers may still fill slots in this storage: it lives as long as the slots do.
            slots?.keptForAbandonedWriters = values
            values = []
            return nil
        }
        return values
    }
}
