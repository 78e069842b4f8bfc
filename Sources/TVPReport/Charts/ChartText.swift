import Foundation
import TVPAnalysis
import TVPResults

/// Text of charts and findings: headings, lists, and escaping for gnuplot's enhanced text (numbers
/// with their units are TVPFormatting's).
enum ChartText {
    /// `text` with the markup characters of gnuplot's enhanced mode escaped (`my_run` would
    /// otherwise print `run` as a subscript).
    static func enhanced(_ text: String) -> String {
        text.reduce(into: "") { result, character in
            if "_^{}@&~\\".contains(character) { result.append("\\") }
            result.append(character)
        }
    }

    /// Sets a chart's `title` and, under it, its `subtitle`: the run's context line and `note`
    /// (both enhanced text, escaped; lib.gp sets them as the multiplot title).
    static func setHeading(_ title: String, _ run: RunFolder, note: String? = nil, in settings: inout GnuplotSettings) {
        settings.set("title", enhanced(title))
        settings.set("subtitle", enhanced(context(run) + (note.map { " · \($0)" } ?? "")))
    }

    /// "scenario default · 32 tasks per trial · median of 10 trials per cell · 2 usable CPUs".
    static func context(_ run: RunFolder) -> String {
        let rows = run.summary
        func span(_ values: [Int]) -> String {
            guard let low = values.min(), let high = values.max() else { return "0" }
            return low == high ? "\(low)" : "\(low)–\(high)"
        }
        var parts = ["scenario \(run.scenario ?? run.meta?.scenario ?? "?")",
                     "\(span(rows.map(\.tasks))) tasks per trial", "median of \(span(rows.map(\.n))) trials per cell"]
        if let cpus = rows.map(\.usableCPUs).first(where: { $0 > 0 }) { parts.append("\(cpus) usable CPUs") }
        return parts.joined(separator: " · ")
    }

    /// Items joined as prose: "a", "a and b", "a, b and c".
    static func list(_ items: [String]) -> String {
        items.count <= 1 ? items.joined() : items.dropLast().joined(separator: ", ") + " and " + items[items.count - 1]
    }
}
