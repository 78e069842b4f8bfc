import Synchronization

/// A node of a `refs` graph: a Swift class instance with two strong edges and a value.
final class RefNode {
    /// The next node on the ring through every node (keeps the graph strongly connected).
    var next: RefNode?
    /// A node picked by the graph's key stream.
    var jump: RefNode?
    /// What a walk sums.
    let value: UInt64

    /// A node without edges yet.
    init(value: UInt64) { self.value = value }
}

/// A graph of `RefNode`s, built before any clock and only read while tasks walk it: node i's
/// `next` is node i + 1 (the last one's is node 0), its `jump` a node chosen by a key stream, its
/// value derived from i. Every graph of the same size is built the same, so a walk sums the same
/// values on a shared graph, a private copy, or in another process.
public final class RefGraph: @unchecked Sendable {
    // Sendable: the edges are set by `init` before the graph is shared and only read afterwards;
    // `deinit` clears them once no walker is left.
    private let nodes: [RefNode]

    /// The salt of the graph's jumps (benchmarks/c/refs.c uses the same).
    static let buildSalt: UInt64 = 0x6EA9_0000_0000_0000

    /// Builds a graph of `count` nodes (at least 1).
    public init(nodes count: Int) {
        let count = max(1, count)
        var keys = KeyStreamGenerator(salt: Self.buildSalt, index: count)
        nodes = (0..<count).map { RefNode(value: UInt64($0) &* 0x9E37_79B9_7F4A_7C15 ^ 0x5EF5) }
        for (index, node) in nodes.enumerated() {
            node.next = nodes[(index + 1) % count]
            node.jump = nodes[keys.next(below: count)]
        }
    }

    /// Node 0, where every walk starts.
    var firstNode: RefNode { nodes[0] }

    deinit {
        // The edges make cycles: cut them, or the nodes would never be freed.
        for node in nodes {
            node.next = nil
            node.jump = nil
        }
    }

    /// Walks `steps` steps from node 0, taking `jump` when the step's key has its low bit set and
    /// `next` otherwise, and returns the sum of the values of the nodes reached. Each step moves a
    /// strong reference: the next node is retained and the previous one released. `between` runs
    /// after every `chunk` steps.
    func walk(steps: Int, keys: inout KeyStreamGenerator, chunk: Int, between: () -> Void) -> UInt64 {
        var current = firstNode
        var sum: UInt64 = 0
        var done = 0
        while done < steps {
            let n = min(chunk, steps - done)
            for _ in 0..<n {
                let edge = keys.nextKey() & 1 == 0 ? current.next : current.jump
                current = edge ?? current
                sum &+= current.value
            }
            done += n
            between()
        }
        return sum
    }
}

/// The graphs of one `refs` trial in tvp's memory: one shared by every walker, or one per worker.
public final class RefGraphSet: Sendable {
    private let graphs: [RefGraph]
    private let claimed = Atomic<Int>(0)
    /// Whether every walker gets graph 0.
    public let shared: Bool

    /// `copies` graphs of `nodes` nodes (one when `shared`).
    public init(nodes: Int, shared: Bool, copies: Int) {
        self.shared = shared
        graphs = (0..<(shared ? 1 : max(1, copies))).map { _ in RefGraph(nodes: nodes) }
    }

    /// The graph a runner that starts walks: the shared one, or the next unclaimed copy (the last
    /// one again when all are claimed, which only a mode starting more runners than workers does).
    public func claim() -> RefGraph {
        if shared { return graphs[0] }
        let index = claimed.add(1, ordering: .relaxed).oldValue
        return graphs[min(index, graphs.count - 1)]
    }
}
