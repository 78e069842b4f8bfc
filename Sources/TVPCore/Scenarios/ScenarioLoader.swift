import Foundation
import TVPWorkloads
import Yams

/// Reads scenario YAML strictly: an unknown key, a wrong type or an out-of-range value is a problem
/// naming the file, the line and the key, and every problem in the file is reported at once.
public enum ScenarioLoader {
    /// Keys allowed at the top of a scenario.
    static let topLevelKeys = ["name", "description", "repetitions", "warmup", "seed", "tasks", "workers",
                               "modes", "workloads", "task_timeout_s", "switch_interval_ms", "expect"]
    /// Parameters each workload accepts.
    static let workloadKeys: [String: [String]] = [
        "cpu": ["bytes_per_task", "tasks"],
        "io": ["sleep_ms", "files_per_task", "file_size", "cache", "tasks"],
        "null": ["tasks"],
        "shared": ["input_size", "transfer", "tasks"],
        "mixed": ["task_ms", "cpu_share", "tasks"],
    ]

    /// Limits on values, shared by validation and error messages.
    enum Limits {
        static let workers = 1...4096
        static let tasks = 1...10_000_000
        static let repetitions = 1...10_000
        static let warmup = 0...1_000
        static let bytesPerTask = 1...(16 << 30)
        static let fileSize = 1...(1 << 30)
        static let filesPerTask = 1...1_024
        static let sleepMilliseconds = 0.0...3_600_000.0
        static let taskTimeoutSeconds = 0.001...86_400.0
        static let switchIntervalMilliseconds = 0.1...1_000.0
        static let inputSize = 1...(16 << 30)
        static let taskMilliseconds = 0.001...3_600_000.0
        static let cpuShare = 0.0...1.0
    }

    /// Loads and validates the scenario file at `path`.
    public static func load(path: String) throws -> Scenario {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ScenarioError(source: path, problems: [.init(message: "cannot read the scenario file: \(error.localizedDescription)")])
        }
        let fallbackName = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        return try parse(text, source: path, defaultName: fallbackName)
    }

    /// Parses and validates scenario `text`; `source` names it in error messages.
    public static func parse(_ text: String, source: String, defaultName: String = "scenario") throws -> Scenario {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw ScenarioError(source: source, problems: [yamlProblem(error)])
        }
        var reader = NodeReader()
        guard let root, case .mapping(let mapping) = root else {
            throw ScenarioError(source: source, problems: [.init(line: root?.mark?.line, message: "a scenario is a YAML mapping of keys such as `workloads`, `modes` and `workers`")])
        }
        let scenario = reader.scenario(mapping, defaultName: defaultName)
        if !reader.problems.isEmpty || scenario == nil {
            throw ScenarioError(source: source, problems: reader.problems.sorted { ($0.line ?? 0) < ($1.line ?? 0) })
        }
        // Expectations are checked against the matrix now, not at the end of a long run.
        _ = try ExpectationEvaluator.expectations(of: scenario!, source: source)
        return scenario!
    }

    private static func yamlProblem(_ error: YamlError) -> ScenarioError.Problem {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _):
            return .init(line: mark.line, message: "YAML syntax error: \(problem) (column \(mark.column))")
        case .composer(_, let problem, let mark, _):
            return .init(line: mark.line, message: "YAML error: \(problem)")
        default:
            return .init(message: "YAML error: \(error)")
        }
    }
}

/// Walks the YAML node tree, converting values and collecting problems instead of stopping at the first.
struct NodeReader {
    typealias Limits = ScenarioLoader.Limits
    var problems: [ScenarioError.Problem] = []

    mutating func problem(_ node: Node?, _ key: String?, _ message: String) {
        problems.append(.init(line: node?.mark?.line, key: key, message: message))
    }

    /// The mapping's entries by key, reporting unknown and duplicate keys.
    mutating func entries(_ mapping: Node.Mapping, allowed: [String], path: String?) -> [String: Node] {
        var result: [String: Node] = [:]
        for (keyNode, value) in mapping {
            guard let key = keyNode.string else {
                problem(keyNode, path, "keys must be plain names")
                continue
            }
            let fullKey = path.map { "\($0).\(key)" } ?? key
            if !allowed.contains(key) {
                let hint = closestMatch(to: key, in: allowed).map { "; did you mean `\($0)`?" } ?? ""
                let known = allowed.isEmpty ? "it takes no parameters" : "known keys: \(allowed.joined(separator: ", "))"
                problem(keyNode, fullKey, "unknown key\(hint) (\(known))")
            } else if result[key] != nil {
                problem(keyNode, fullKey, "appears twice")
            } else {
                result[key] = value
            }
        }
        return result
    }

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
        let tasks = keys["tasks"].flatMap { integer($0, "tasks", Limits.tasks) } ?? 32
        let timeout = keys["task_timeout_s"].flatMap { number($0, "task_timeout_s", Limits.taskTimeoutSeconds) } ?? 300
        // CPython's default, sys.getswitchinterval().
        let switchInterval = keys["switch_interval_ms"].flatMap {
            number($0, "switch_interval_ms", Limits.switchIntervalMilliseconds)
        } ?? 5

        var workers = [1, 2, 4, 8, 16]
        if let node = keys["workers"] {
            let items = list(node, "workers").compactMap { integer($0, "workers", Limits.workers) }
            if items.isEmpty { problem(node, "workers", "give at least one worker count, e.g. [1, 2, 4]") }
            workers = Array(Set(items)).sorted()
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
        return Scenario(name: name, description: description, repetitions: repetitions, warmup: warmup,
                        seed: UInt64(seed), tasks: tasks, workloads: workloads, modes: modes, workers: workers,
                        taskTimeoutSeconds: timeout, switchIntervalMilliseconds: switchInterval,
                        expectations: expectations, taskCounts: taskCounts)
    }

    /// The workload variants in declaration order, and the task counts of those that set `tasks`.
    mutating func workloads(_ node: Node) -> ([Workload], [String: [Mode?: Int]]) {
        guard case .mapping(let mapping) = node else {
            problem(node, "workloads", "expected a mapping of workload names to parameters, e.g. `cpu: { bytes_per_task: 8MiB }`")
            return ([], [:])
        }
        var result: [Workload] = []
        var taskCounts: [String: [Mode?: Int]] = [:]
        for (keyNode, value) in mapping {
            guard let name = keyNode.string, let allowed = ScenarioLoader.workloadKeys[name] else {
                let text = keyNode.string ?? "?"
                let hint = closestMatch(to: text, in: Workload.names).map { "; did you mean `\($0)`?" } ?? ""
                problem(keyNode, "workloads.\(text)", "unknown workload\(hint) (workloads: \(Workload.names.joined(separator: ", ")))")
                continue
            }
            let path = "workloads.\(name)"
            var parameters: [String: Node] = [:]
            switch value {
            case .mapping(let params): parameters = entries(params, allowed: allowed, path: path)
            case .scalar(let scalar) where scalar.string.isEmpty || scalar.string == "~" || scalar.string == "null": break
            default:
                problem(value, path, "expected a mapping of parameters (or nothing), e.g. `{ \(allowed.first ?? "") : ... }`")
                continue
            }
            // A workload's own task count replaces the scenario's `tasks`: one number, or a number per
            // mode (a mode it leaves out keeps the scenario's count). It is not a sweep.
            if let node = parameters.removeValue(forKey: "tasks") {
                taskCounts[name] = taskCount(node, path: "\(path).tasks")
            }
            for variant in sweep(parameters) {
                if let workload = workload(name, variant, path: path) { result.append(workload) }
            }
        }
        if result.isEmpty && problems.isEmpty { problem(node, "workloads", "declare at least one workload") }
        return (result, taskCounts)
    }

    /// Every combination of parameter values: a parameter written as a list is swept.
    func sweep(_ parameters: [String: Node]) -> [[String: Node]] {
        var variants: [[String: Node]] = [[:]]
        for key in parameters.keys.sorted() {
            let node = parameters[key]!
            let values: [Node] = if case .sequence(let seq) = node { Array(seq) } else { [node] }
            variants = variants.flatMap { partial in values.map { partial.merging([key: $0]) { $1 } } }
        }
        return variants
    }

    /// `tasks: N` (every mode) or `tasks: { MODE: N, ... }`.
    mutating func taskCount(_ node: Node, path: String) -> [Mode?: Int] {
        guard case .mapping(let mapping) = node else {
            return integer(node, path, Limits.tasks).map { [nil: $0] } ?? [:]
        }
        var counts: [Mode?: Int] = [:]
        for (keyNode, value) in mapping {
            guard let text = keyNode.string, let mode = Mode(rawValue: text) else {
                let text = keyNode.string ?? "?"
                let hint = closestMatch(to: text, in: Mode.allCases.map(\.rawValue)).map { "; did you mean `\($0)`?" } ?? ""
                problem(keyNode, "\(path).\(text)", "unknown mode\(hint): give tasks per mode, e.g. `{ threads: 100000, processes: 500 }`")
                continue
            }
            counts[mode] = integer(value, "\(path).\(text)", Limits.tasks)
        }
        return counts
    }

    mutating func workload(_ name: String, _ p: [String: Node], path: String) -> Workload? {
        switch name {
        case "cpu":
            let bytes = p["bytes_per_task"].map { size($0, "\(path).bytes_per_task", Limits.bytesPerTask) } ?? 8 << 20
            return bytes.map { .cpu(CPUWorkload(bytesPerTask: $0)) }
        case "io":
            let sleep = p["sleep_ms"].map { number($0, "\(path).sleep_ms", Limits.sleepMilliseconds) } ?? 20
            let files = p["files_per_task"].map { integer($0, "\(path).files_per_task", Limits.filesPerTask) } ?? 4
            let fileSize = p["file_size"].map { size($0, "\(path).file_size", Limits.fileSize) } ?? 256 << 10
            var cache: CacheState? = .warm
            if let node = p["cache"] {
                cache = string(node, "\(path).cache").flatMap { CacheState(rawValue: $0) }
                if cache == nil { problem(node, "\(path).cache", "must be `warm` or `cold`") }
            }
            guard let sleep, let files, let fileSize, let cache else { return nil }
            return .io(IOWorkload(sleepNanoseconds: UInt64((sleep * 1e6).rounded()), filesPerTask: files,
                                  fileSize: fileSize, cache: cache))
        case "shared":
            let inputSize = p["input_size"].map { size($0, "\(path).input_size", Limits.inputSize) } ?? 64 << 20
            var transfer: Transfer? = .pipe
            if let node = p["transfer"] {
                let names = Transfer.processTransfers.map(\.rawValue)
                transfer = string(node, "\(path).transfer").flatMap { Transfer(rawValue: $0) }.flatMap { names.contains($0.rawValue) ? $0 : nil }
                if transfer == nil {
                    problem(node, "\(path).transfer", "must be `pipe`, `file` or `shm` (a list sweeps them: `[pipe, file, shm]`); threads always read in place")
                }
            }
            guard let inputSize, let transfer else { return nil }
            return .shared(SharedWorkload(inputSize: inputSize, transfer: transfer))
        case "mixed":
            let taskMilliseconds = p["task_ms"].map { number($0, "\(path).task_ms", Limits.taskMilliseconds) } ?? 10
            let share = p["cpu_share"].map { number($0, "\(path).cpu_share", Limits.cpuShare) } ?? 0.5
            guard let taskMilliseconds, let share else { return nil }
            return .mixed(MixedWorkload(taskNanoseconds: UInt64((taskMilliseconds * 1e6).rounded()), cpuShare: share))
        default:
            return .null
        }
    }

    // MARK: Scalars

    mutating func string(_ node: Node, _ key: String) -> String? {
        guard case .scalar(let scalar) = node else {
            problem(node, key, "expected a single value, got a \(kind(node))")
            return nil
        }
        return scalar.string
    }

    mutating func integer(_ node: Node, _ key: String, _ range: ClosedRange<Int>) -> Int? {
        guard let text = string(node, key) else { return nil }
        guard let value = Int(text.replacingOccurrences(of: "_", with: "")) else {
            problem(node, key, "expected a whole number, got '\(text)'")
            return nil
        }
        guard range.contains(value) else {
            problem(node, key, "must be between \(range.lowerBound) and \(range.upperBound), got \(value)")
            return nil
        }
        return value
    }

    mutating func number(_ node: Node, _ key: String, _ range: ClosedRange<Double>) -> Double? {
        guard let text = string(node, key) else { return nil }
        guard let value = Double(text), value.isFinite else {
            problem(node, key, "expected a number, got '\(text)'")
            return nil
        }
        guard range.contains(value) else {
            problem(node, key, "must be between \(clean(range.lowerBound)) and \(clean(range.upperBound)), got \(clean(value))")
            return nil
        }
        return value
    }

    mutating func size(_ node: Node, _ key: String, _ range: ClosedRange<Int>) -> Int? {
        guard let text = string(node, key) else { return nil }
        guard let value = ByteSize.parse(text) else {
            problem(node, key, "expected a size such as 4096, 256KiB, 8MiB or 1GiB, got '\(text)'")
            return nil
        }
        guard range.contains(value) else {
            problem(node, key, "must be between \(ByteSize.format(range.lowerBound)) and \(ByteSize.format(range.upperBound)), got \(text)")
            return nil
        }
        return value
    }

    mutating func list(_ node: Node, _ key: String) -> [Node] {
        switch node {
        case .sequence(let seq): return Array(seq)
        case .scalar: return [node]
        default:
            problem(node, key, "expected a list, e.g. `[1, 2, 4]`")
            return []
        }
    }

    private func kind(_ node: Node) -> String {
        switch node {
        case .mapping: "mapping"
        case .sequence: "list"
        case .scalar: "value"
        case .alias: "alias"
        }
    }

    private func clean(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}
