import TVPWorkloads
import Yams

extension NodeReader {
    /// The problems of a scenario whose workloads' tasks talk to each other (`conversation`):
    /// every party of a conversation must run at once, so each non-serial worker count and every
    /// task count must be a whole number of conversations; a mode named in `modes` that can run
    /// none of the workload's channels is refused (one that can run some runs those: a channel it
    /// cannot use has no cell, as `processes` has none over `queue`). Reported before any trial runs.
    mutating func checkConversations(_ scenario: Scenario, keys: [String: Node]) {
        var refused: Set<String> = []
        for workload in scenario.workloads {
            guard let shape = workload.conversation else { continue }
            let multiple = shape.parties == 2 ? "even" : "a multiple of \(shape.parties)"
            let what = "`\(workload.name)` (\(workload.label))"
            let variants = scenario.workloads.filter { $0.name == workload.name }
            for mode in scenario.modes where keys["modes"] != nil && !variants.contains(where: { $0.runs(under: mode) })
                && refused.insert("\(workload.name) \(mode.rawValue)").inserted {
                var given: [String] = []
                for variant in variants { if let name = variant.conversation?.channel.rawValue, !given.contains(name) { given.append(name) } }
                let channel = given.count == 1 ? given[0] : "[\(given.joined(separator: ", "))]"
                problem(keys["modes"], "modes", "`\(workload.name)` cannot run under `\(mode.rawValue)` over `channel: \(channel)`: \(Self.channelsOf(mode)); give one of those in `channel` (a list may mix channels: each mode runs those it can), or drop `\(mode.rawValue)` from `modes`")
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

    /// The channels `mode`'s parties can talk through, and why.
    static func channelsOf(_ mode: Mode) -> String {
        if mode.usesProcesses {
            let channels = MessageChannel.allCases.filter(\.crossesProcesses).map { "`\($0.rawValue)`" }.joined(separator: ", ")
            return "worker processes talk through \(channels) (a `queue` or `ring` lives in tvp's memory)"
        }
        let channels = MessageChannel.allCases.filter(\.suspends).map { "`\($0.rawValue)`" }.joined(separator: ", ")
        return "its parties are child tasks on the cooperative pool, which talk through \(channels) (an `AsyncChannel`, whose waits suspend; the other channels wait by blocking a pool thread that a peer may need)"
    }
}
