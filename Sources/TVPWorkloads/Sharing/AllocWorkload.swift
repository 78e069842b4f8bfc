import TVPSystem

/// Parameters of the `alloc` workload: each task keeps a working set of `objects` blocks of
/// `objectSize` bytes from the C allocator and replaces `updates` of them, one `free` and one
/// `malloc` each, picked by a key stream seeded with the task index.
///
/// Threads share the process's allocator; each worker process has one of its own.
public struct AllocWorkload: Hashable, Sendable {
    /// Blocks freed and allocated again per task.
    public var updates: Int
    /// Blocks alive at once (the working set).
    public var objects: Int
    /// Bytes per block.
    public var objectSize: Int

    /// Creates the parameters.
    public init(updates: Int, objects: Int, objectSize: Int) {
        self.updates = updates
        self.objects = objects
        self.objectSize = objectSize
    }

    /// Replacements per task when a scenario names none.
    public static let defaultUpdates = 1_000_000
    /// Blocks in the working set when a scenario names none.
    public static let defaultObjects = 1_000
    /// Bytes per block when a scenario names none.
    public static let defaultObjectSize = 64

    /// The salt of the key streams (benchmarks/c/alloc.c uses the same).
    public static let keySalt: UInt64 = 0xA110_C000_0000_0000

    /// Task `index`: the churn, and its checksum as the task's digest.
    func run<Hooks: TaskHooks>(task index: Int, hooks: Hooks) -> TaskDigest {
        var keys = KeyStreamGenerator(salt: Self.keySalt, index: index)
        let checksum = AllocationChurn.run(objects: objects, objectSize: objectSize, replacements: updates,
                                           chunk: TallyWorkload.checkpointUpdates, keys: &keys) { hooks.checkpoint() }
        var hasher = SHA256Hasher()
        hasher.update(UInt64(index))
        hasher.update(checksum)
        return hasher.finish()
    }
}
