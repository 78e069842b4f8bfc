import Foundation
import Yams
import TVPFormatting

/// Walks the YAML node tree, converting values and collecting problems instead of stopping at the first.
struct NodeReader {
    typealias Limits = ScenarioLoader.Limits
    var problems: [ScenarioError.Problem] = []
    /// The scenario file's folder: relative paths in the scenario start there.
    var directory: String = "."
    /// Whether the files the scenario names must exist (false for a finished run's recorded scenario).
    var requiresFiles = true
    /// The machine's usable CPUs, the value of `cpus` in counts (`workers: [1, cpus, 2 * cpus]`).
    var cpus = 1

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

    /// A count of workers or tasks: a whole number, or an expression of `cpus` such as `2 * cpus`,
    /// `cpus / 2` or `max(16, 4 * cpus)`, rounded up and at least 1 (`CPUExpression`).
    mutating func count(_ node: Node, _ key: String, _ range: ClosedRange<Int>) -> Int? {
        guard let text = string(node, key) else { return nil }
        if Int(text.replacingOccurrences(of: "_", with: "")) != nil { return integer(node, key, range) }
        guard let value = CPUExpression.count(text, cpus: cpus) else {
            problem(node, key, "expected a whole number or an expression of `cpus` such as `2 * cpus`, `cpus / 2` or `max(16, 4 * cpus)`, got '\(text)'")
            return nil
        }
        guard range.contains(value) else {
            let with = CPUExpression.mentionsCPUs(text) ? " with cpus = \(cpus)" : ""
            problem(node, key, "'\(text)' is \(value)\(with): it must be between \(range.lowerBound) and \(range.upperBound)")
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
