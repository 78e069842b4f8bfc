import TVPSystem
import TVPWorkloads
import TVPPlan

extension InputSet {
    /// The state a `tally` or `refs` trial shares, made now (before its clock) and dropped after it;
    /// nil for other workloads.
    ///
    /// - `tally`: a zeroed table. In-process modes get it in tvp's memory, with one per-worker table
    ///   per runner the mode starts when the sync is `local`. Under process modes a shared sync's table
    ///   is a POSIX shared-memory object `/tvp-PID-N` that the workers map and `remove()` unlinks
    ///   (left over by a killed tvp, `removeOrphanedCopies` finds it by that name); a `local` one is
    ///   empty, filled from the tables the workers send back.
    /// - `refs`: the graph every thread walks, or a copy per runner; nothing under process modes,
    ///   whose workers build their own.
    static func stageSharedState(_ cell: Cell, number: () -> Int) throws -> StagedInput? {
        switch cell.workload {
        case .tally(let tally):
            let processes = cell.mode.usesProcesses
            let name = processes && tally.sync.sharesTable ? "/tvp-\(currentProcessID())-\(number())" : nil
            let slots = tally.sync == .local && !processes ? runners(cell) : 0
            let table = try TallyTable.create(bins: tally.bins, slots: slots, padded: tally.layout == .padded, sharedName: name)
            return StagedInput(input: .tally(table), remove: { table.remove() })
        case .refs(let refs):
            guard !cell.mode.usesProcesses else { return StagedInput(input: .none, remove: {}) }
            let graphs = RefGraphSet(nodes: refs.nodes, shared: refs.graph == .shared, copies: runners(cell))
            return StagedInput(input: .graphs(graphs), remove: {})
        default:
            return nil
        }
    }

    /// How many task runners an in-process mode starts for `cell`: one per thread, one per task
    /// under `async` (which makes a runner for each child task).
    private static func runners(_ cell: Cell) -> Int {
        switch cell.mode {
        case .serial: 1
        case .async: cell.tasks
        default: cell.workers
        }
    }
}
