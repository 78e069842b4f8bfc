import TVPWorkloads
import Yams

extension NodeReader {
    /// The problems of a scenario whose workloads' tasks talk to each other (`conversation`):
    /// every party of a conversation must run at once, so each non-serial worker count and every
    /// task count must be a whole number of conversations; the modes that cannot give a
    /// conversation its channels yet are refused. Reported before any trial runs.
    mutating func checkConversations(_ scenario: Scenario, keys: [String: Node]) {
        for workload in scenario.workloads {
            guard let shape = workload.conversation else { continue }
            let multiple = shape.parties == 2 ? "even" : "a multiple of \(shape.parties)"
            let what = "`\(workload.name)` (\(workload.label))"
            for mode in scenario.modes where Self.modesWithoutConversations.contains(mode) {
                problem(keys["modes"], "modes", "\(what) cannot run under `\(mode.rawValue)` yet: its workers cannot be handed a conversation's channels; drop `\(mode.rawValue)` from `modes` or put this workload in a scenario of its own")
            }
            let cells = scenario.cells.filter { $0.workload.name == workload.name }
            let oddWorkers = Set(cells.filter { $0.mode != .serial && $0.workers % shape.parties != 0 }.map(\.workers)).sorted()
            if !oddWorkers.isEmpty {
                let given = keys["workers"] == nil ? " (the default worker counts include \(oddWorkers[0]))" : ""
                problem(keys["workers"], "workers", "\(what) runs its workers in \(shape.groupName)s of \(shape.parties), so every worker count must be \(multiple); got \(oddWorkers.map(String.init).joined(separator: ", "))\(given): give e.g. `workers: [\(shape.parties), \(shape.parties * 2)]`")
            }
            let oddTasks = Set(cells.filter { $0.tasks % shape.parties != 0 }.map(\.tasks)).sorted()
            if !oddTasks.isEmpty {
                problem(keys["tasks"] ?? keys["workloads"], "tasks", "\(what): each task is one party of a \(shape.groupName), so the task count must be \(multiple); got \(oddTasks.map(String.init).joined(separator: ", ")): give e.g. `tasks: \(shape.parties)` (or the workload's own `tasks`)")
            }
        }
    }

    /// Modes whose workers cannot yet be handed a conversation's channels.
    static let modesWithoutConversations: [Mode] = [.processPool, .async]
}
