import TVPSystem

/// Parameters of the `alloc` workload: each task keeps a working set of `objects` blocks of
/// `objectSize` bytes from the C allocator and replaces `updates` of them, one `free` and one
/// `malloc` each, picked by a key stream seeded with the task index.
///
/// Threads share the process's allocator; each worker process has one of its own.
public struct AllocWorkload: WorkloadKind, Hashable {
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

    public static let name = "alloc"
    public static let summary = "small blocks from the C allocator, freed and allocated again: the allocator threads share"
    public static let parameters = [
        WorkloadParameter("updates", .count(TallyWorkload.updatesRange), default: .integer(defaultUpdates), summary: "blocks freed and allocated again per task"),
        WorkloadParameter("objects", .count(1...(1 << 24)), default: .integer(defaultObjects), summary: "blocks alive at once (the working set)"),
        WorkloadParameter("object_size", .bytes(8...(1 << 20)), default: .integer(defaultObjectSize), unit: "bytes", summary: "bytes per block"),
    ]

    public init(parameters values: ParameterValues) {
        self.init(updates: values.integer("updates"), objects: values.integer("objects"), objectSize: values.integer("object_size"))
    }
    public var parameterValues: ParameterValues {
        ParameterValues([("updates", .integer(updates)), ("objects", .integer(objects)), ("object_size", .integer(objectSize))])
    }
    /// `alloc[1000x64B]`, with the updates where they differ from the default.
    public var label: String {
        var words = ["\(formatCount(objects))x\(SizeSyntax.format(objectSize))"]
        if updates != Self.defaultUpdates { words.append(formatCount(updates)) }
        return "alloc[\(words.joined(separator: " "))]"
    }

    public func makeTask(input: TaskInput, taskTimeoutSeconds: Double?) -> any WorkloadTask { AllocTask(self) }
    public var updatesPerTask: Int? { updates }
    public func estimatedTaskSeconds(tasks: Int) -> (compute: Double, wait: Double) { (Double(updates) * 100e-9, 0) }

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

extension Workload {
    /// An `alloc` workload.
    public static func alloc(_ alloc: AllocWorkload) -> Workload { Workload(alloc) }
}

/// An `alloc` task: the churn of its working set.
final class AllocTask: WorkloadTask {
    private let workload: AllocWorkload
    init(_ workload: AllocWorkload) { self.workload = workload }
    func run<Hooks: TaskHooks>(task index: Int, hooks: Hooks) throws -> TaskDigest { workload.run(task: index, hooks: hooks) }
}
