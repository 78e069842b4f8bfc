import TVPSystem

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
public struct RefsWorkload: WorkloadKind, Hashable {
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

    public static let name = "refs"
    public static let summary = "walks through a graph of Swift class instances: the reference counts threads share"
    public static let parameters = [
        WorkloadParameter("updates", .count(TallyWorkload.updatesRange), default: .integer(defaultUpdates), summary: "steps (a retain and a release) per task"),
        WorkloadParameter("nodes", .count(1...(1 << 24)), default: .integer(defaultNodes), summary: "nodes in the graph"),
        WorkloadParameter("graph", .choice(GraphSharing.allCases.map(\.rawValue)), default: .text("shared"),
                          summary: "`shared`: one graph for every thread; `private`: a copy each (always, under process modes)"),
    ]

    public init(parameters values: ParameterValues) {
        self.init(updates: values.integer("updates"), nodes: values.integer("nodes"), graph: values.choice("graph") ?? .shared)
    }
    public var parameterValues: ParameterValues {
        ParameterValues([("updates", .integer(updates)), ("nodes", .integer(nodes)), ("graph", .text(graph.rawValue))])
    }
    /// `refs[shared]`, `refs[private 1k nodes]`: the sizes only where they differ from the defaults.
    public var label: String {
        var words = [graph.rawValue]
        if updates != Self.defaultUpdates { words.append(formatCount(updates)) }
        if nodes != Self.defaultNodes { words.append("\(formatCount(nodes)) nodes") }
        return "refs[\(words.joined(separator: " "))]"
    }

    public func makeTask(input: TaskInput, taskTimeoutSeconds: Double?) -> any WorkloadTask { RefsTask(self, input: input) }
    public var updatesPerTask: Int? { updates }
    public func estimatedTaskSeconds(tasks: Int) -> (compute: Double, wait: Double) { (Double(updates) * 100e-9, 0) }
    /// Under process modes every worker builds its own graph: objects cannot cross processes.
    public func normalized(processes: Bool) -> RefsWorkload {
        processes ? RefsWorkload(updates: updates, nodes: nodes, graph: .perWorker) : self
    }
    /// The graph every thread walks, or a copy per runner; nothing under process modes, whose
    /// workers build their own.
    public func stageSharedState(processes: Bool, runners: Int, sharedName: () -> String) throws -> StagedState? {
        guard !processes else { return StagedState(input: .none, remove: {}) }
        return StagedState(input: .graphs(RefGraphSet(nodes: nodes, shared: graph == .shared, copies: runners)), remove: {})
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

extension Workload {
    /// A `refs` workload.
    public static func refs(_ refs: RefsWorkload) -> Workload { Workload(refs) }
}

/// A `refs` task: a walk through the runner's graph (the trial's, or one a worker process builds).
final class RefsTask: WorkloadTask {
    private let workload: RefsWorkload
    private let graph: RefGraph

    init(_ workload: RefsWorkload, input: TaskInput) {
        self.workload = workload
        if case .graphs(let graphs) = input { graph = graphs.claim() } else { graph = RefGraph(nodes: workload.nodes) }
    }

    func run<Hooks: TaskHooks>(task index: Int, hooks: Hooks) throws -> TaskDigest { workload.run(task: index, on: graph, hooks: hooks) }
}
