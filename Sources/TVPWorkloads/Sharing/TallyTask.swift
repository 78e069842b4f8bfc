import TVPSystem

extension TallyWorkload {
    /// Updates between two checkpoints (where a `gil` mode may hand its lock over), and between
    /// two of the `alloc` and `refs` tasks' checkpoints: 65,536.
    public static let checkpointUpdates = 1 << 16

    /// Makes task `index`'s updates through `counters`, in chunks of `checkpointUpdates` with a
    /// checkpoint after each. Specialised for each kind of counter, with its increment inlined.
    @inline(__always)
    func count<Counters: TallyCounting, Hooks: TaskHooks>(task index: Int, into counters: Counters, hooks: Hooks) {
        var keys = keys(task: index)
        let bins = bins
        var done = 0
        while done < updates {
            let n = min(Self.checkpointUpdates, updates - done)
            for _ in 0..<n { counters.increment(keys.next(below: bins)) }
            done += n
            hooks.checkpoint()
        }
    }

    /// Task `index` on `table`: the shared table under the trial's sync, or per-worker table `slot`.
    func run<Hooks: TaskHooks>(task index: Int, table: TallyTable, slot: Int?, hooks: Hooks) throws {
        switch sync {
        case .mutex: count(task: index, into: table.locked, hooks: hooks)
        case .swiftMutex: count(task: index, into: table.swiftLocked, hooks: hooks)
        case .atomic: count(task: index, into: table.atomic, hooks: hooks)
        case .racy: count(task: index, into: table.racy, hooks: hooks)
        case .local:
            guard let slot else {
                throw TaskInputError(description: "the trial's tally table has \(table.slots) per-worker tables, all claimed by other workers")
            }
            count(task: index, into: table.local(slot), hooks: hooks)
        }
    }
}

/// What a runner keeps for the workloads whose tasks share state: the tally table it counts into
/// (and its per-worker table in it), or the graph it walks.
struct SharingContext {
    /// The trial's table (in-process, or mapped from tvp's shared-memory object), or the private
    /// table of a worker process that sends its counts back.
    private var table: TallyTable?
    /// This runner's per-worker table in `table`.
    private var slot: Int?
    /// Whether each task's counts go back with its result (a worker process's `local` table).
    private var sendsCounts = false
    /// The graph `refs` tasks walk.
    private(set) var graph: RefGraph?

    init(workload: Workload, input: TaskInput) {
        // One enum at a time: a switch over the pair would make a fresh worker instantiate the
        // tuple's metadata through the runtime's demangler before its first task.
        switch workload {
        case .tally(let tally):
            if case .tally(let table) = input {
                self.table = table
                if tally.sync == .local { slot = table.claimSlot() }
            } else if tally.sync == .local {
                sendsCounts = true
            }
        case .refs(let refs):
            if case .graphs(let graphs) = input {
                graph = graphs.claim()
            } else {
                // A worker process builds its own graph, before its first task.
                graph = RefGraph(nodes: refs.nodes)
            }
        default:
            break
        }
    }

    /// Runs `tally` task `index`; returns the task's counts to send back, when it sends them.
    mutating func runTally<Hooks: TaskHooks>(_ tally: TallyWorkload, task index: Int, hooks: Hooks) throws -> [UInt8]? {
        if sendsCounts && table == nil {
            table = try TallyTable.create(bins: tally.bins, slots: 1, padded: true)
            slot = 0
        }
        guard let table else {
            throw TaskInputError(description: "a \(tally.sync.rawValue) tally task needs the trial's shared table")
        }
        try tally.run(task: index, table: table, slot: slot, hooks: hooks)
        return sendsCounts ? table.takeSlot(0) : nil
    }
}
