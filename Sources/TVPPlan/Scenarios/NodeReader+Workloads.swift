import Foundation
import TVPSystem
import TVPWorkloads
import Yams

extension NodeReader {
    /// The workload variants in declaration order, and the task counts of those that set `tasks`.
    mutating func workloads(_ node: Node) -> ([Workload], [String: [Mode?: Int]]) {
        guard case .mapping(let mapping) = node else {
            problem(node, "workloads", "expected a mapping of workload names to parameters, e.g. `cpu: { bytes_per_task: 8MiB }`")
            return ([], [:])
        }
        var result: [Workload] = []
        var taskCounts: [String: [Mode?: Int]] = [:]
        for (keyNode, value) in mapping {
            guard let name = keyNode.string, let kind = Workload.kind(named: name) else {
                let text = keyNode.string ?? "?"
                let hint = closestMatch(to: text, in: Workload.names).map { "; did you mean `\($0)`?" } ?? ""
                problem(keyNode, "workloads.\(text)", "unknown workload\(hint) (workloads: \(Workload.names.joined(separator: ", ")))")
                continue
            }
            let path = "workloads.\(name)"
            let allowed = kind.parameters.filter(\.inScenario).map(\.name) + ["tasks"]
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
            // A parameter that is a fact about the task, not a variant, takes one value: its cells would
            // be the same cells, and one value would silently win.
            var facts = true
            for declaration in kind.parameters where !declaration.sweeps {
                if let node = parameters[declaration.name], case .sequence = node {
                    problem(node, "\(path).\(declaration.name)", "takes one value, not a list: \(declaration.summary) (a list does not sweep it)")
                    facts = false
                }
            }
            guard facts else { continue }
            // A sweep can name one variant twice (a tally's layout means nothing to a shared table).
            for variant in sweep(parameters) {
                if let workload = workload(kind, variant, path: path), !result.contains(workload) { result.append(workload) }
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
            return count(node, path, Limits.tasks).map { [nil: $0] } ?? [:]
        }
        var counts: [Mode?: Int] = [:]
        for (keyNode, value) in mapping {
            guard let text = keyNode.string, let mode = Mode(rawValue: text) else {
                let text = keyNode.string ?? "?"
                let hint = closestMatch(to: text, in: Mode.allCases.map(\.rawValue)).map { "; did you mean `\($0)`?" } ?? ""
                problem(keyNode, "\(path).\(text)", "unknown mode\(hint): give tasks per mode, e.g. `{ threads: 100000, processes: 500 }`")
                continue
            }
            counts[mode] = count(value, "\(path).\(text)", Limits.tasks)
        }
        return counts
    }

    /// A variant of `kind` from its parameters, each read as its declaration says; nil (with
    /// problems) when one is wrong or missing.
    mutating func workload(_ kind: any WorkloadKind.Type, _ p: [String: Node], path: String) -> Workload? {
        // A missing key is reported on the line of the workload's first parameter.
        let first = p.values.min { ($0.mark?.line ?? 0) < ($1.mark?.line ?? 0) }
        var values = ParameterValues()
        var ok = true
        for declaration in kind.parameters where declaration.inScenario {
            let key = "\(path).\(declaration.name)"
            guard let node = p[declaration.name] else {
                if declaration.defaultValue == nil && !declaration.isOptional {
                    problem(first, key, "missing: \(declaration.summary)")
                    ok = false
                }
                continue
            }
            guard let text = string(node, key) else { ok = false; continue }
            if let choices = declaration.scenarioChoices ?? declaration.choices, !choices.contains(text) {
                let hint = closestMatch(to: text, in: choices).map { "; did you mean `\($0)`?" } ?? ""
                problem(node, key, declaration.choiceMessage(choices, got: text) + hint + " (a list sweeps them)")
                ok = false
                continue
            }
            do {
                values[declaration.name] = try declaration.parse(text)
            } catch {
                problem(node, key, error.message)
                ok = false
                continue
            }
            if declaration.kind == .file {
                guard let resolved = file(text, node: node, key: key) else { ok = false; continue }
                values.resolvedFiles[declaration.name] = resolved
            }
        }
        guard ok else { return nil }
        do {
            return try Self.make(kind, values.withDefaults(kind.parameters.filter { !$0.isOptional }))
        } catch {
            problem(p[error.parameter] ?? first, "\(path).\(error.parameter)", error.message)
            return nil
        }
    }

    private static func make<Kind: WorkloadKind>(_ kind: Kind.Type, _ values: ParameterValues) throws(ParameterProblem) -> Workload {
        Workload(try Kind(parameters: values))
    }

    /// A file a scenario names, resolved against the scenario's folder, when a file is there (or
    /// files are not required); a problem otherwise.
    private mutating func file(_ text: String, node: Node, key: String) -> String? {
        guard !text.isEmpty else {
            problem(node, key, "must name a file, e.g. `build/libmytask.so`")
            return nil
        }
        let resolved = URL(fileURLWithPath: text.hasPrefix("/") ? text : "\(directory)/\(text)").standardized.path
        if requiresFiles, let kind = Files.irregularKind(resolved) {
            problem(node, key, "\(resolved) is \(kind), not a shared library; name the plugin's .so file, e.g. `build/libmytask.so`")
            return nil
        }
        var isDirectory: ObjCBool = false
        guard !requiresFiles || (FileManager.default.fileExists(atPath: resolved, isDirectory: &isDirectory) && !isDirectory.boolValue) else {
            problem(node, key, "no file \(resolved) (`\(key.split(separator: ".").last ?? "")` is relative to the scenario file's folder, \(directory)); build the plugin first (see its Makefile or Package.swift), or correct the path")
            return nil
        }
        return resolved
    }
}

extension WorkloadParameter {
    /// The names a `choice` parameter takes; nil for other kinds.
    var choices: [String]? {
        if case .choice(let names) = kind { names } else { nil }
    }
}
