import TVPMeasure
import TVPSystem
import TVPWorkloads
import TVPPlan

extension InputSet {
    /// The state a trial of `cell` shares, made now (before its clock) and dropped after it, as its
    /// workload stages it (`WorkloadKind.stageSharedState`: a `tally` table, a `refs` graph); nil
    /// when its tasks share nothing; for a workload whose tasks talk (`conversation`), the channels
    /// of the trial's conversations (under `async`, an `AsyncChannel` per direction). A
    /// shared-memory object is named `/tvp-PID-N`, so that one left over by a killed tvp is found
    /// by `removeOrphanedCopies`.
    static func stageSharedState(_ cell: Cell, number: () -> Int) throws -> StagedInput? {
        if let shape = cell.workload.conversation {
            // The channels of the trial's conversations; a mode with one runner (serial) plays every party in turn.
            let suspending: ((ConversationEdge) -> any SuspendingMessageLink)? = cell.mode == .async ? { AsyncExecutor.conversationLink($0) } : nil
            let conversation = try Conversation.stage(shape, tasks: cell.tasks, processes: cell.mode.usesProcesses,
                                                      interleaved: !cell.mode.usesProcesses && runners(cell) == 1,
                                                      sharedName: { "/tvp-\(currentProcessID())-\(number())" },
                                                      suspending: suspending)
            return StagedInput(input: .conversation(conversation), remove: { conversation.close() })
        }
        let staged = try cell.workload.kind.stageSharedState(processes: cell.mode.usesProcesses, runners: runners(cell),
                                                             sharedName: { "/tvp-\(currentProcessID())-\(number())" })
        return staged.map { StagedInput(input: $0.input, remove: $0.remove) }
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
