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

/// A `tally` task: its updates counted into the trial's table under the trial's sync, or into the
/// runner's per-worker table; a worker process with a `local` table sends its counts back.
final class TallyTask: WorkloadTask {
    private let workload: TallyWorkload
    /// The trial's table (in-process, or mapped from tvp's shared-memory object), or the private
    /// table of a worker process that sends its counts back.
    private var table: TallyTable?
    /// This runner's per-worker table in `table`.
    private var slot: Int?
    /// Whether each task's counts go back with its result (a worker process's `local` table).
    private var sendsCounts = false
    private(set) var lastOutput: [UInt8]?

    init(_ workload: TallyWorkload, input: TaskInput) {
        self.workload = workload
        if case .tally(let table) = input {
            self.table = table
            if workload.sync == .local { slot = table.claimSlot() }
        } else if workload.sync == .local {
            sendsCounts = true
        }
    }

    func run<Hooks: TaskHooks>(task index: Int, hooks: Hooks) throws -> TaskDigest {
        lastOutput = nil
        if sendsCounts && table == nil {
            table = try TallyTable.create(bins: workload.bins, slots: 1, padded: true)
            slot = 0
        }
        guard let table else {
            throw TaskInputError(description: "a \(workload.sync.rawValue) tally task needs the trial's shared table")
        }
        try workload.run(task: index, table: table, slot: slot, hooks: hooks)
        lastOutput = sendsCounts ? table.takeSlot(0) : nil
        return .zero
    }
}
