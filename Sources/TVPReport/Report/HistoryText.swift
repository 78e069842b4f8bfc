import TVPAnalysis
import Foundation
import TVPFormatting
import TVPStatistics

/// `tvp history`'s text: per cell, its recent run medians, its band and its change points.
public enum HistoryText {
    /// The report for `cells` over runs named `runNames` (oldest first).
    public static func render(scenario: String, kind: String, runNames: [String], cells: [CellHistory],
                              acceptances: [(run: String, cell: String, note: String)]) -> String {
        var out = "tvp history: \(scenario) on \(kind), \(runNames.count) runs (\(runNames.first ?? "–") … \(runNames.last ?? "–"))\n"
        out += "Medians of wall time per trial, oldest first; | marks a change point (E-divisive means, p ≤ 0.05, ≥ 5 % change).\n"
        for cell in cells {
            out += "\n\(cell.cell.label) (\(cell.cell.tasks) tasks)\n"
            let band = cell.band.map { "band \(Seconds.format($0.lower, .fixed)) … \(Seconds.format($0.upper, .fixed)) around \(Seconds.format($0.center, .fixed)) from \($0.runs) runs" }
                ?? "no band: fewer than \(HistoryBand.minimumRuns) runs since \(cell.start > 0 ? "the accepted change" : "the first")"
            out += "  \(band)\n"
            var medians = ""
            for (index, median) in cell.medians.enumerated() {
                if cell.changePoints.contains(index) { medians += "| " }
                medians += (median.isFinite ? Seconds.format(median, .fixed) : "–") + " "
            }
            out += "  medians: \(medians.trimmingCharacters(in: .whitespaces))\n"
            for index in cell.changePoints {
                let before = cell.medians[..<index].filter(\.isFinite), after = cell.medians[index...].filter(\.isFinite)
                let change = Statistics.median(Array(after)) / Statistics.median(Array(before)) - 1
                out += "  change point at \(runNames[index]): \(change >= 0 ? "+" : "")\(Percent.format(change)) (median after ÷ before)\n"
            }
        }
        for acceptance in acceptances {
            out += "\naccepted from \(acceptance.run): \(acceptance.cell): \(acceptance.note)"
        }
        return out
    }
}
