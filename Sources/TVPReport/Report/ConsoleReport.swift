import Foundation
import TVPAnalysis
import TVPFormatting
import TVPResults

/// The tables printed after a run: per workload, rows by mode and workers with the median wall
/// time, its interval, the speedup with its interval, efficiency and flags for doubtful cells.
public enum ConsoleReport {
    /// The report as text.
    public static func render(_ summaries: [CellSummary], breakEvens: [Crossover.BreakEven] = []) -> String {
        var out = ""
        var variants: [String] = []
        for s in summaries where !variants.contains(s.variant) { variants.append(s.variant) }
        // A run that places its cells (`affinity`) says where each row ran; one that does not
        // prints the table it always did.
        let placed = summaries.contains { $0.affinity != "any" }
        for variant in variants {
            let rows = summaries.filter { $0.variant == variant }
            out += "\n\(variant) — \(rows.first!.tasks) tasks per trial\n"
            var header = ["mode", "workers", "median wall", "95% CI", "speedup", "95% CI", "efficiency", "per task", "notes"]
            if placed { header.insert("affinity", at: 2) }
            let table = rows.map { s in
                var row = [s.mode, String(s.workers), Seconds.format(s.wallMedian, .fixed),
                           "\(Seconds.format(s.wallCI.lowerBound, .fixed))–\(Seconds.format(s.wallCI.upperBound, .fixed))",
                           s.speedup.map { Ratio.format($0, .hundredths) } ?? "–",
                           s.speedupCI.map { String(format: "%.2f–%.2f", $0.lowerBound, $0.upperBound) } ?? "–",
                           s.efficiency.map { Percent.format($0, .whole) } ?? "–",
                           Seconds.format(s.perTaskMicroseconds / 1e6, .fixed), notes(s)]
                if placed { row.insert(s.affinity, at: 2) }
                return row
            }
            out += format([header] + table)
        }
        let shipped = summaries.filter { $0.transferMegabytesPerSecond != nil || $0.poolStartMedian != nil && $0.cell?.workload.shipsData == true }
        if !shipped.isEmpty {
            out += "\nShipping the shared input: how fast workers received it, and the pool start\n"
            let header = ["variant", "mode", "workers", "received at", "throughput", "pool start"]
            out += format([header] + shipped.map { s in
                [s.variant, s.mode, String(s.workers),
                 s.transferMegabytesPerSecond.map { Rate.format(megabytesPerSecond: $0) } ?? "in place",
                 s.megabytesPerSecond.map { Rate.format(megabytesPerSecond: $0) } ?? "–",
                 s.poolStartMedian.map { Seconds.format($0, .fixed) } ?? "–"]
            })
        }
        let conversations = summaries.filter { $0.messagesPerSecond != nil }
        if !conversations.isEmpty {
            out += "\nWorkers that talk: wall time per message sent, messages per second, and ping-pong's round trips\n"
            let header = ["variant", "mode", "workers", "per message", "messages/s", "round trip p50", "p99"]
            out += format([header] + conversations.map { s in
                [s.variant, s.mode, String(s.workers),
                 String(format: "%.0f ns", s.perUpdateNanoseconds ?? .nan),
                 String(format: "%.3g", s.messagesPerSecond ?? .nan),
                 s.roundTripP50Microseconds.map { String(format: "%.1f µs", $0) } ?? "–",
                 s.roundTripP99Microseconds.map { String(format: "%.1f µs", $0) } ?? "–"]
            })
        }
        let sharing = summaries.filter { $0.perUpdateNanoseconds != nil && $0.messagesPerSecond == nil }
        if !sharing.isEmpty {
            out += "\nWhere sharing hurts: wall time per update (tally: an increment; alloc: a free and a malloc; refs: a step)\n"
            let header = ["variant", "mode", "workers", "per update", "lost updates (median)"]
            out += format([header] + sharing.map { s in
                [s.variant, s.mode, String(s.workers),
                 String(format: "%.2f ns", s.perUpdateNanoseconds ?? 0),
                 s.lostUpdatesMedian.map { String(format: "%.0f", $0) } ?? "–"]
            })
        }
        if !breakEvens.isEmpty {
            out += "\nCrossover (mixed): where a process mode starts to beat a thread mode\n"
            out += breakEvens.map { "  \(CrossoverText.verdict($0))\n" }.joined()
        }
        let noisy = summaries.filter(\.isNoisy).count
        if noisy > 0 {
            out += "\nWarning: \(noisy) of \(summaries.count) cells are noisy (coefficient of variation above "
                + "\(Percent.format(Summarizer.noisyCoefficientOfVariation, .spaced))). Their medians are less certain: look at the "
                + "confidence intervals, add repetitions, or quiet the machine (steal, other load).\n"
        }
        let outliers = summaries.map(\.outliers).reduce(0, +)
        if outliers > 0 {
            out += "Warning: \(outliers) statistical outlier trials (modified z-score above "
                + "\(Int(Summarizer.outlierThreshold))); other programs or steal may have disturbed them.\n"
        }
        return out
    }

    static func notes(_ s: CellSummary) -> String {
        var notes: [String] = []
        if s.failed > 0 { notes.append("\(s.failed) failed") }
        if s.isNoisy { notes.append("noisy (CV \(Percent.format(s.wallCV, .whole)))") }
        if s.outliers > 0 { notes.append("\(s.outliers) outlier\(s.outliers == 1 ? "" : "s")") }
        if s.n < 3 { notes.append("n=\(s.n)") }
        return notes.joined(separator: ", ")
    }

    /// Left-aligned text columns with two spaces between them.
    public static func format(_ rows: [[String]]) -> String {
        let widths = rows[0].indices.map { column in rows.map { $0[column].count }.max()! }
        return rows.map { row in
            row.enumerated().map { $0.element.padding(toLength: widths[$0.offset], withPad: " ", startingAt: 0) }
                .joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }.joined(separator: "\n") + "\n"
    }
}
