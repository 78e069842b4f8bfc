import TVPWorkloads
import Yams

extension NodeReader {
    /// The scenario a top-level mapping declares; nil when it has problems (collected in `problems`).
    mutating func scenario(_ mapping: Node.Mapping, defaultName: String) -> Scenario? {
        let keys = entries(mapping, allowed: ScenarioLoader.topLevelKeys, path: nil)
        let name = keys["name"].flatMap { string($0, "name") } ?? defaultName
        if !name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." }) || name.isEmpty {
            problem(keys["name"], "name", "use letters, digits, '-', '_' or '.' only (it names the run folder), got '\(name)'")
        }
        let description = keys["description"].flatMap { string($0, "description") } ?? ""
        let repetitions = keys["repetitions"].flatMap { integer($0, "repetitions", Limits.repetitions) } ?? 5
        let warmup = keys["warmup"].flatMap { integer($0, "warmup", Limits.warmup) } ?? 1
        let seed = keys["seed"].flatMap { integer($0, "seed", 0...Int.max) } ?? 42
        let tasks = keys["tasks"].flatMap { count($0, "tasks", Limits.tasks) } ?? 32
        let tasksPerWorker = keys["tasks_per_worker"].flatMap { integer($0, "tasks_per_worker", Limits.tasksPerWorker) }
        let timeout = keys["task_timeout_s"].flatMap { number($0, "task_timeout_s", Limits.taskTimeoutSeconds) } ?? 300
        // CPython's default, sys.getswitchinterval().
        let switchInterval = keys["switch_interval_ms"].flatMap {
            number($0, "switch_interval_ms", Limits.switchIntervalMilliseconds)
        } ?? 5

        var workers = [1, 2, 4, 8, 16]
        if let node = keys["workers"] {
            let items = list(node, "workers").compactMap { count($0, "workers", Limits.workers) }
            if items.isEmpty { problem(node, "workers", "give at least one worker count, e.g. [1, 2, 4]") }
            workers = Array(Set(items)).sorted()
        }

        var maxWorkers: [Mode: Int] = [:]
        if let node = keys["max_workers"] {
            if case .mapping(let mapping) = node {
                for (keyNode, value) in mapping {
                    guard let text = keyNode.string, let mode = Mode(rawValue: text) else {
                        let text = keyNode.string ?? "?"
                        let hint = closestMatch(to: text, in: Mode.allCases.map(\.rawValue)).map { "; did you mean `\($0)`?" } ?? ""
                        problem(keyNode, "max_workers.\(text)", "unknown mode\(hint): cap modes by name, e.g. `{ processes: 1000 }`")
                        continue
                    }
                    maxWorkers[mode] = count(value, "max_workers.\(text)", Limits.workers)
                }
            } else {
                problem(node, "max_workers", "expected a mapping of modes to their widest worker count, e.g. `{ processes: 1000 }`")
            }
        }

        var modes = Mode.defaultSelection
        if let node = keys["modes"] {
            modes = []
            for item in list(node, "modes") {
                guard let text = string(item, "modes") else { continue }
                if let mode = Mode(rawValue: text) {
                    if !modes.contains(mode) { modes.append(mode) }
                } else {
                    let hint = closestMatch(to: text, in: Mode.allCases.map(\.rawValue)).map { "; did you mean `\($0)`?" } ?? ""
                    problem(item, "modes", "unknown mode '\(text)'\(hint) (modes: \(Mode.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
            }
            if modes.isEmpty && problems.isEmpty { problem(node, "modes", "give at least one mode, e.g. [serial, threads]") }
        }

        let affinities = keys["affinity"].map { self.affinities($0) } ?? Affinity.defaultSelection

        var workloads: [Workload] = []
        var taskCounts: [String: [Mode?: Int]] = [:]
        if let node = keys["workloads"] {
            (workloads, taskCounts) = self.workloads(node)
        } else {
            problem(nil, "workloads", "missing: declare at least one workload, e.g. `workloads: { cpu: { bytes_per_task: 8MiB } }`")
        }

        var expectations: [ExpectationSource] = []
        if let node = keys["expect"] {
            for item in list(node, "expect") {
                if let text = string(item, "expect") { expectations.append(.init(text: text, line: item.mark?.line ?? 0)) }
            }
        }

        guard problems.isEmpty else { return nil }
        let scenario = Scenario(name: name, description: description, repetitions: repetitions, warmup: warmup,
                                seed: UInt64(seed), tasks: tasks, workloads: workloads, modes: modes, workers: workers, affinities: affinities,
                                taskTimeoutSeconds: timeout, switchIntervalMilliseconds: switchInterval,
                                expectations: expectations, taskCounts: taskCounts, tasksPerWorker: tasksPerWorker,
                                maxWorkers: maxWorkers, cpus: cpus)
        checkConversations(scenario, keys: keys)
        return problems.isEmpty ? scenario : nil
    }

    /// The placements `affinity` names: one (`packed`) or a list to sweep (`[any, packed, spread]`),
    /// in the order given, duplicates merged.
    mutating func affinities(_ node: Node) -> [Affinity] {
        var result: [Affinity] = []
        let names = Affinity.allCases.map(\.rawValue)
        for item in list(node, "affinity") {
            guard let text = string(item, "affinity") else { continue }
            guard let affinity = Affinity(rawValue: text) else {
                let hint = closestMatch(to: text, in: names).map { "; did you mean `\($0)`?" } ?? ""
                problem(item, "affinity", "unknown placement '\(text)'\(hint): write `affinity: packed` or a list to sweep, e.g. `affinity: [any, packed, spread]` (\(names.joined(separator: ", ")))")
                continue
            }
            if !result.contains(affinity) { result.append(affinity) }
        }
        if result.isEmpty && problems.isEmpty { problem(node, "affinity", "give at least one placement, e.g. `affinity: [any, packed]`") }
        return result.isEmpty ? Affinity.defaultSelection : result
    }
}
