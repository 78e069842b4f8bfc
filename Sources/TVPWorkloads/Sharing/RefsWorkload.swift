/// Whether the threads of a `refs` trial walk one graph or a copy each.
public enum GraphSharing: String, Hashable, Sendable, CaseIterable {
    /// One graph for the whole trial: every thread retains and releases the same objects.
    case shared
    /// A copy per worker (threads) or per process: nobody else touches a walker's reference counts.
    case perWorker = "private"
}

/// Parameters of the `refs` workload: each task walks `updates` steps through a graph of `nodes`
/// Swift class instances, each step a strong reference moved from one node to the next (a retain
/// and a release of the nodes' reference counts), choosing the edge by a key stream seeded with
/// the task index.
///
/// Under process modes every worker builds its own graph (objects cannot cross processes), so
/// `graph` is `private` there whatever was asked.
public struct RefsWorkload: Hashable, Sendable {
    /// Steps (node visits) per task.
    public var updates: Int
    /// Nodes in the graph.
    public var nodes: Int
    /// One graph or a copy per worker.
    public var graph: GraphSharing

    /// Creates the parameters.
    public init(updates: Int, nodes: Int, graph: GraphSharing) {
        self.updates = updates
        self.nodes = nodes
        self.graph = graph
    }

    /// Steps per task when a scenario names none.
    public static let defaultUpdates = 2_500_000
    /// Nodes when a scenario names none.
    public static let defaultNodes = 256

    /// The salt of the walks' key streams (benchmarks/c/refs.c uses the same).
    public static let keySalt: UInt64 = 0x5EF5_0000_0000_0000

    /// Task `index`: the walk through `graph`, and the sum of the visited nodes' values as its digest.
    func run<Hooks: TaskHooks>(task index: Int, on graph: RefGraph, hooks: Hooks) -> TaskDigest {
        var keys = KeyStreamGenerator(salt: Self.keySalt, index: index)
        let sum = graph.walk(steps: updates, keys: &keys, chunk: TallyWorkload.checkpointUpdates) { hooks.checkpoint() }
        var hasher = SHA256Hasher()
        hasher.update(UInt64(index))
        hasher.update(sum)
        return hasher.finish()
    }
}
