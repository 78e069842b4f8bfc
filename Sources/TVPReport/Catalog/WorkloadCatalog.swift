import Foundation
import TVPWorkloads

/// The registered workloads and their parameters as `tvp list` prints them and as
/// docs/workloads.md holds them (`tvp list --markdown`): both come from the declarations alone.
public enum WorkloadCatalog {
    /// One line per workload, then one per parameter it takes in a scenario.
    public static func text() -> String {
        var rows: [[String]] = []
        for kind in Workload.kinds {
            rows.append(["  \(kind.name)", kind.summary])
            for parameter in kind.parameters where parameter.inScenario {
                rows.append(["    \(parameter.name)", "\(takes(parameter))\(defaultText(parameter).map { ", default \($0)" } ?? ""): \(parameter.summary)"])
            }
        }
        return format(rows)
    }

    /// The Markdown table of every workload's parameters.
    public static func markdown() -> String {
        var lines = ["| workload | parameter | takes | default | CSV column | meaning |", "| --- | --- | --- | --- | --- | --- |"]
        for kind in Workload.kinds {
            if kind.parameters.isEmpty { lines.append("| `\(kind.name)` | — | | | | \(kind.summary) |") }
            for parameter in kind.parameters {
                let key = parameter.inScenario ? "`\(parameter.name)`" : "(`\(parameter.name)`, set by tvp)"
                let column = parameter.inCSV ? "`\(parameter.column)`" : "—"
                let value = defaultText(parameter).map { "`\($0)`" } ?? (parameter.isOptional ? "none" : "required")
                lines.append("| `\(kind.name)` | \(key) | \(takes(parameter, bar: "\\|")) | \(value) | \(column) | \(parameter.summary.replacingOccurrences(of: "|", with: "\\|")) |")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// What values a parameter takes, in a few words.
    static func takes(_ parameter: WorkloadParameter, bar: String = "|") -> String {
        let choices = parameter.scenarioChoices
        return switch parameter.kind {
        case .count(let range): "whole number \(range.lowerBound)–\(range.upperBound == Int.max ? "∞" : String(range.upperBound))"
        case .bytes(let range): "size \(SizeSyntax.format(range.lowerBound))–\(SizeSyntax.format(range.upperBound))"
        case .milliseconds(let range): "ms \(ParameterValue.number(range.lowerBound).text)–\(ParameterValue.number(range.upperBound).text)"
        case .number(let range): "number \(ParameterValue.number(range.lowerBound).text)–\(ParameterValue.number(range.upperBound).text)"
        case .choice(let names): (choices ?? names).joined(separator: " \(bar) ")
        case .flag: "true \(bar) false"
        case .text: "text"
        case .file: "a file, relative to the scenario"
        case .identifier: "a C identifier"
        }
    }

    private static func defaultText(_ parameter: WorkloadParameter) -> String? {
        guard let value = parameter.defaultValue else { return nil }
        if case .bytes = parameter.kind { return SizeSyntax.format(value.integer) }
        return value.text.isEmpty ? "\"\"" : value.text
    }

    private static func format(_ rows: [[String]]) -> String {
        let width = rows.map { $0[0].count }.max() ?? 0
        return rows.map { $0[0].padding(toLength: width + 2, withPad: " ", startingAt: 0) + $0[1] + "\n" }.joined()
    }
}
