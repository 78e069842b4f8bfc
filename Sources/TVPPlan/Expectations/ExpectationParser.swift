import Foundation
import TVPWorkloads

/// Parses and validates expectations against the scenario's own matrix, so a reference to a cell the
/// matrix lacks is an error when the scenario loads, not at the end of a long run.
public enum ExpectationParser {
    /// Parses the scenario's expectations; problems name the file and line.
    public static func expectations(of scenario: Scenario, source: String) throws -> [Expectation] {
        var problems: [ScenarioError.Problem] = []
        var result: [Expectation] = []
        for expectation in scenario.expectations {
            do {
                result.append(try ExpectationParser.parse(expectation, scenario: scenario))
            } catch {
                problems.append(.init(line: expectation.line, key: "expect", message: "\(error.message): `\(expectation.text)`"))
            }
        }
        if !problems.isEmpty { throw ScenarioError(source: source, problems: problems) }
        return result
    }

    /// Parses `source` against the cells of `scenario`; the message of a thrown problem says what to fix.
    static func parse(_ source: ExpectationSource, scenario: Scenario) throws(ExpectationSyntaxError) -> Expectation {
        let text = source.text
        guard let opStart = text.firstIndex(where: { $0 == "<" || $0 == ">" }) else {
            throw ExpectationSyntaxError("expected a comparison (>=, <=, > or <) between two sides, e.g. `threads.speedup(cpu, workers: 2) >= 1.7`")
        }
        var opEnd = text.index(after: opStart)
        if opEnd < text.endIndex && text[opEnd] == "=" { opEnd = text.index(after: opEnd) }
        guard let comparison = Expectation.Comparison(rawValue: String(text[opStart..<opEnd])) else {
            throw ExpectationSyntaxError("expected a comparison (>=, <=, > or <) between two sides, e.g. `threads.speedup(cpu, workers: 2) >= 1.7`")
        }
        let range = opStart..<opEnd
        let left = try term(String(text[..<range.lowerBound]), scenario: scenario)
        let right = try term(String(text[range.upperBound...]), scenario: scenario)
        if left.cell == nil && right.cell == nil {
            throw ExpectationSyntaxError("at least one side must measure a cell, e.g. `threads.speedup(cpu, workers: 2)`")
        }
        return Expectation(text: text, line: source.line, left: left, comparison: comparison, right: right)
    }

    private static func term(_ raw: String, scenario: Scenario) throws(ExpectationSyntaxError) -> Expectation.Term {
        var text = raw.trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else { throw ExpectationSyntaxError("a side of the comparison is empty") }
        if let number = Double(text) ?? (CPUExpression.mentionsCPUs(text) ? CPUExpression.value(text, cpus: scenario.cpus) : nil) {
            // Every metric is a time, a rate or a ratio of them: never negative, never infinite.
            guard number.isFinite, number >= 0 else {
                throw ExpectationSyntaxError("the bound '\(text)' is not a finite number of at least 0; write a bound as `threads.speedup(cpu, workers: 2) >= 1.4` or `>= 0.6 * cpus`")
            }
            return .constant(number)
        }
        var factor = 1.0
        // `FACTOR * MODE.METRIC(...)`: the factor is what precedes the metric's mode, up to a `*`.
        if let call = metricCallStart(text), call > text.startIndex {
            var factorText = text[..<call].trimmingCharacters(in: .whitespaces)
            guard factorText.hasSuffix("*") else {
                throw ExpectationSyntaxError("'\(text)' is neither a number nor [FACTOR *] MODE.METRIC(WORKLOAD, workers: N)")
            }
            factorText = String(factorText.dropLast()).trimmingCharacters(in: .whitespaces)
            guard let value = Double(factorText) ?? CPUExpression.value(factorText, cpus: scenario.cpus) else {
                throw ExpectationSyntaxError("'\(factorText)' is not a number; write a factor as `10 * processes.overhead(null, workers: 2)` or `cpus * threads.wall(...)`")
            }
            guard value.isFinite, value > 0 else {
                throw ExpectationSyntaxError("the factor '\(factorText)' must be a finite number above 0 (a metric is never negative); write a factor as `10 * processes.overhead(null, workers: 2)`")
            }
            factor = value
            text = String(text[call...])
        }
        guard let dot = text.firstIndex(of: "."), let open = text.firstIndex(of: "("), text.hasSuffix(")"), dot < open else {
            throw ExpectationSyntaxError("'\(text)' is neither a number nor MODE.METRIC(WORKLOAD, workers: N)")
        }
        let modeName = String(text[..<dot])
        let metricName = String(text[text.index(after: dot)..<open])
        let arguments = splitArguments(text[text.index(after: open)..<text.index(before: text.endIndex)])

        guard let mode = Mode(rawValue: modeName) else {
            throw ExpectationSyntaxError("unknown mode '\(modeName)'\(hint(modeName, Mode.allCases.map(\.rawValue)))")
        }
        guard scenario.modes.contains(mode) else {
            throw ExpectationSyntaxError("mode '\(modeName)' is not in this scenario's `modes`")
        }
        guard let metric = Expectation.Metric(rawValue: metricName) else {
            throw ExpectationSyntaxError("unknown metric '\(metricName)'\(hint(metricName, Expectation.Metric.allCases.map(\.rawValue))) (metrics: \(Expectation.Metric.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        let workersText = (2...3).contains(arguments.count) && arguments[1].hasPrefix("workers:")
            ? arguments[1].dropFirst("workers:".count).trimmingCharacters(in: .whitespaces) : ""
        guard let workers = Int(workersText) ?? CPUExpression.count(workersText, cpus: scenario.cpus) else {
            throw ExpectationSyntaxError("write the cell as \(modeName).\(metricName)(WORKLOAD, workers: N), N a number or an expression of `cpus`")
        }
        let affinity = try self.affinity(arguments.count == 3 ? arguments[2] : nil, scenario: scenario)
        let workload = try self.workload(arguments[0], scenario: scenario)
        let cell = Cell(workload: workload, mode: mode, workers: workers,
                        tasks: scenario.tasks(for: workload, mode: mode, workers: mode == .serial ? 1 : workers), affinity: affinity)
        guard scenario.cells.contains(cell) else {
            let available = scenario.cells.filter { $0.workload == workload && $0.mode == mode && $0.affinity == affinity }.map { String($0.workers) }
            throw ExpectationSyntaxError("the matrix has no cell \(cell.label); \(mode.rawValue) runs \(arguments[0]) with workers \(available.joined(separator: ", "))")
        }
        if metric == .perUpdate, workload.updates(tasks: 1) == nil {
            throw ExpectationSyntaxError("per_update is measured on workloads that count updates (tally, alloc, refs) or messages (message), not \(workload.name)")
        }
        if metric == .roundTripP50 || metric == .roundTripP99, workload.conversation?.timesRoundTrips != true {
            throw ExpectationSyntaxError("\(metric.rawValue) is measured on ping-pong conversations (the message workload with `pattern: ping-pong`); \(workload.label) times no round trips")
        }
        if metric == .lost, !type(of: workload.kind).countsLostUpdates {
            throw ExpectationSyntaxError("lost counts the updates missing from a tally table; \(workload.name) has none")
        }
        if metric.needsCompanion, !workload.hasCompanion {
            throw ExpectationSyntaxError("\(metric.rawValue) is measured on a foreground beside the tasks (the responsiveness workload); \(workload.name) has none")
        }
        if metric == .speedup || metric == .efficiency, !scenario.modes.contains(.serial) {
            throw ExpectationSyntaxError("\(metric.rawValue) is measured against `serial`, which this scenario's `modes` lacks")
        }
        return .metric(factor: factor, metric: metric, cell: cell)
    }

    /// The call's arguments, split at the commas outside parentheses (`workers: max(2, cpus)`).
    private static func splitArguments(_ text: Substring) -> [String] {
        var parts: [String] = [], current = "", depth = 0
        for c in text {
            if c == "(" || c == "[" { depth += 1 } else if c == ")" || c == "]" { depth -= 1 }
            if c == ",", depth == 0 { parts.append(current); current = "" } else { current.append(c) }
        }
        parts.append(current)
        return parts.map { $0.trimmingCharacters(in: .whitespaces) }
    }

    /// Where the metric call `MODE.METRIC(` starts in `text`, if it has one.
    private static func metricCallStart(_ text: String) -> String.Index? {
        var index = text.startIndex
        while index < text.endIndex {
            let rest = text[index...]
            let atWordStart = index == text.startIndex || !(text[text.index(before: index)].isLetter || text[text.index(before: index)] == "-")
            // Longest names first: `gil-release` before `gil`, `process-pool` before `processes`.
            if atWordStart, Mode.allCases.map(\.rawValue).sorted(by: { $0.count > $1.count }).contains(where: { rest.hasPrefix($0 + ".") }) {
                return index
            }
            index = text.index(after: index)
        }
        return nil
    }

    private static func workload(_ name: String, scenario: Scenario) throws(ExpectationSyntaxError) -> Workload {
        // The declared variants, and the in-place variants of `shared` that in-process modes run.
        var seen = Set<String>()
        let variants = (scenario.workloads + scenario.cells.map(\.workload)).filter { seen.insert($0.label).inserted }
        if let exact = variants.first(where: { $0.label == name }) { return exact }
        let byName = scenario.workloads.filter { $0.name == name }
        if byName.count == 1 { return byName[0] }
        if byName.isEmpty {
            let known = scenario.workloads.map(\.label)
            throw ExpectationSyntaxError("the scenario has no workload '\(name)'\(hint(name, known)) (workloads: \(known.joined(separator: ", ")))")
        }
        throw ExpectationSyntaxError("'\(name)' is ambiguous: name a variant, one of \(byName.map(\.label).joined(separator: ", "))")
    }

    /// The placement a cell names (`affinity: packed`, a third argument); without one, the
    /// scenario's only placement, and an error when it sweeps several.
    private static func affinity(_ argument: String?, scenario: Scenario) throws(ExpectationSyntaxError) -> Affinity {
        guard let argument else {
            guard scenario.affinities.count == 1 else {
                throw ExpectationSyntaxError("this scenario sweeps `affinity` (\(scenario.affinities.map(\.rawValue).joined(separator: ", "))): name the cell's, e.g. `threads.wall(cpu, workers: 2, affinity: \(scenario.affinities[0].rawValue))`")
            }
            return scenario.affinities[0]
        }
        let text = argument.hasPrefix("affinity:") ? argument.dropFirst("affinity:".count).trimmingCharacters(in: .whitespaces) : ""
        guard let affinity = Affinity(rawValue: text) else {
            throw ExpectationSyntaxError("'\(argument)' is not a placement; write the third argument as `affinity: any`, `affinity: packed` or `affinity: spread`")
        }
        guard scenario.affinities.contains(affinity) else {
            throw ExpectationSyntaxError("`affinity: \(text)` is not in this scenario's `affinity` (\(scenario.affinities.map(\.rawValue).joined(separator: ", ")))")
        }
        return affinity
    }

    private static func hint(_ word: String, _ candidates: [String]) -> String {
        closestMatch(to: word, in: candidates).map { "; did you mean '\($0)'?" } ?? ""
    }
}

/// Why an expectation could not be read.
struct ExpectationSyntaxError: Error {
    let message: String
    init(_ message: String) { self.message = message }
}
