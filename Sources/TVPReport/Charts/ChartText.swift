import Foundation
import TVPAnalysis
import TVPResults

/// Text of charts and findings: numbers with their units, and escaping for gnuplot's enhanced text.
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

    /// A duration in seconds with an SI prefix and three significant digits: "104 ms", "4.90 ms", "40.0 µs".
    static func seconds(_ value: Double) -> String {
        guard value.isFinite, value > 0 else { return value == 0 ? "0 s" : "–" }
        let prefixes: [(Double, String)] = [(1, "s"), (1e-3, "ms"), (1e-6, "µs"), (1e-9, "ns")]
        let (scale, unit) = prefixes.first { value >= $0.0 * 0.9995 } ?? (1e-9, "ns")
        return "\(significant(value / scale)) \(unit)"
    }

    /// Three significant digits, trailing digits kept: 104, 4.90, 40.0.
    static func significant(_ value: Double) -> String {
        let magnitude = abs(value)
        let format = magnitude >= 99.95 ? "%.0f" : magnitude >= 9.995 ? "%.1f" : "%.2f"
        return String(format: format, value)
    }

    /// A ratio as "1.9×" (two significant digits, three from 10 on: "14×", "120×").
    static func times(_ value: Double) -> String {
        guard value.isFinite else { return "–" }
        return (value >= 9.95 ? String(format: "%.0f", value) : value >= 0.995 ? String(format: "%.2g", value) : String(format: "%.2f", value)) + "×"
    }

    /// A share as a percentage: "0.3 %", "5 %", "12 %".
    static func percent(_ fraction: Double) -> String {
        let value = 100 * fraction
        return fraction < 0.1 && value != value.rounded() ? String(format: "%.1f %%", value) : String(format: "%.0f %%", value)
    }

    /// A byte count as "64 MiB".
    static func bytes(_ count: Double) -> String {
        let gib = 1_073_741_824.0, mib = 1_048_576.0
        return count >= gib ? "\(CrossoverText.number(count / gib)) GiB"
            : count >= mib ? "\(CrossoverText.number(count / mib)) MiB"
            : "\(CrossoverText.number(count / 1024)) KiB"
    }

    /// Items joined as prose: "a", "a and b", "a, b and c".
    static func list(_ items: [String]) -> String {
        items.count <= 1 ? items.joined() : items.dropLast().joined(separator: ", ") + " and " + items[items.count - 1]
    }
}
