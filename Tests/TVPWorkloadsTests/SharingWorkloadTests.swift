import Testing
import TVPSystem
@testable import TVPWorkloads

@Suite("Sharing workloads: tally, alloc, refs")
struct SharingWorkloadTests {
    @Test("the key stream is the one the C references compute (Python: splitmix64 seed, xorshift64 13/7/17, high word of key × count)")
    func keyStream() {
        // python3: the seed of task 3 under the tally salt, five keys reduced to 256 bins.
        var keys = TallyWorkload(updates: 5, bins: 256, sync: .local, layout: .packed).keys(task: 3)
        #expect((0..<5).map { _ in keys.next(below: 256) } == [215, 198, 26, 84, 171])
        // python3: 3 tasks × 1000 updates into 8 bins.
        #expect(TallyWorkload(updates: 1000, bins: 8, sync: .mutex, layout: .packed).expectedTotals(tasks: 3)
            == [349, 364, 381, 389, 374, 374, 401, 368])
    }

    @Test("task specs of the sharing workloads survive encoding and decoding", arguments: [
        Workload.tally(TallyWorkload(updates: 12_345, bins: 64, sync: .local, layout: .padded)),
        .tally(TallyWorkload(updates: 1, bins: 1, sync: .racy, layout: .packed)),
        .alloc(AllocWorkload(updates: 777, objects: 33, objectSize: 48)),
        .refs(RefsWorkload(updates: 10, nodes: 5, graph: .perWorker)),
    ])
    func specRoundTrip(workload: Workload) throws {
        #expect(try TaskSpec.decodeWorkload(TaskSpec.encode(workload)) == workload)
    }

    @Test("malformed sharing specs are rejected with the field named", arguments: [
        ("tally;updates=5;bins=8;sync=spin;layout=packed", "sync="),
        ("tally;updates=5;bins=0;sync=mutex;layout=packed", "bins="),
        ("alloc;updates=5;objects=3;size=4", "size="),
        ("refs;updates=5;nodes=3;graph=mine", "graph="),
    ])
    func badSpecs(text: String, field: String) {
        #expect {
            _ = try TaskSpec.decodeWorkload(text)
        } throws: { "\($0)".contains(field) }
    }

    @Test("a layout means something only for local tables: other syncs are always packed")
    func layoutNormalised() {
        #expect(TallyWorkload(updates: 1, bins: 1, sync: .atomic, layout: .padded).layout == .packed)
        #expect(TallyWorkload(updates: 1, bins: 1, sync: .local, layout: .padded).layout == .padded)
    }

    @Test("a worker's local tally sends its counts back with each task and starts the next task from zero")
    func workerSendsCounts() throws {
        let tally = TallyWorkload(updates: 1000, bins: 8, sync: .local, layout: .packed)
        var runner = InProcessTasks(workload: .tally(tally), input: .none)
        var sum = [UInt64](repeating: 0, count: 8)
        for task in 0..<3 {
            _ = try runner.run(task: task)
            let sent = runner.lastOutput
            let output = try #require(sent)
            #expect(output.count == 8 * 8)
            for bin in 0..<8 {
                sum[bin] += (0..<8).reduce(UInt64(0)) { $0 | UInt64(output[bin * 8 + $1]) << (8 * $1) }
            }
        }
        #expect(sum == tally.expectedTotals(tasks: 3))
    }

    @Test("a tally task without the trial's table fails with a message instead of trapping")
    func tallyWithoutTable() {
        var runner = InProcessTasks(workload: .tally(TallyWorkload(updates: 10, bins: 4, sync: .atomic, layout: .packed)), input: .none)
        #expect { _ = try runner.run(task: 0) } throws: { "\($0)".contains("needs the trial's shared table") }
    }

    @Test("alloc digests are deterministic and depend on the task and the working set")
    func allocDigests() throws {
        let alloc = AllocWorkload(updates: 20_000, objects: 100, objectSize: 64)
        var runner = InProcessTasks(workload: .alloc(alloc), input: .none)
        let first = try runner.run(task: 1)
        #expect(try runner.run(task: 1) == first)
        #expect(try runner.run(task: 2) != first)
        var other = InProcessTasks(workload: .alloc(AllocWorkload(updates: 20_000, objects: 101, objectSize: 64)), input: .none)
        #expect(try other.run(task: 1) != first)
    }

    @Test("refs: a walk sums the same on the shared graph, on a private copy and on a worker's own graph")
    func refsDigests() throws {
        let refs = RefsWorkload(updates: 50_000, nodes: 64, graph: .shared)
        var own = InProcessTasks(workload: .refs(refs), input: .none)
        var shared = InProcessTasks(workload: .refs(refs), input: .graphs(RefGraphSet(nodes: 64, shared: true, copies: 1)))
        var copy = InProcessTasks(workload: .refs(refs), input: .graphs(RefGraphSet(nodes: 64, shared: false, copies: 2)))
        let digest = try own.run(task: 5)
        #expect(try shared.run(task: 5) == digest)
        #expect(try copy.run(task: 5) == digest)
        #expect(try own.run(task: 6) != digest)
    }

    @Test("a graph frees its nodes when it goes, though its edges make cycles")
    func graphFreed() {
        weak var node: RefNode?
        do {
            let graph = RefGraph(nodes: 16)
            var keys = KeyStreamGenerator(salt: 1, index: 0)
            _ = graph.walk(steps: 100, keys: &keys, chunk: 10) {}
            node = graph.firstNode
            #expect(node != nil)
        }
        #expect(node == nil)
    }

    @Test("private copies are distinct graphs, one per runner; a shared set hands out one graph")
    func graphSets() {
        let copies = RefGraphSet(nodes: 4, shared: false, copies: 2)
        #expect(copies.claim() !== copies.claim())
        let shared = RefGraphSet(nodes: 4, shared: true, copies: 2)
        #expect(shared.claim() === shared.claim())
    }
}
