import Foundation
import TVPAnalysis
import TVPFormatting
import TVPMeasure
import TVPPlan

/// The output formats of `tvp compare`.
public enum ComparisonFormat: String, CaseIterable, Sendable {
    /// Aligned tables for a terminal.
    case text
    /// A heading, a status line and a table, for a CI job summary or a pull-request comment.
    case markdown
    /// Stable snake_case keys for tools.
    case json
}

/// Renders a `ComparisonReport`: regressions first, then improvements, inconclusive and unchanged cells.
public enum ComparisonFormatter {
    /// The report in `format`, ending with a newline.
    public static func render(_ report: ComparisonReport, as format: ComparisonFormat) -> String {
        switch format {
        case .text: text(report)
        case .markdown: markdown(report)
        case .json: json(report)
        }
    }

    /// Verdict groups in the order a reader needs them.
    static let displayOrder: [Verdict] = [.regression, .improvement, .inconclusive, .unchanged]

    // MARK: Text

    /// Tables for a terminal, one per verdict, and a one-line verdict at the end.
    public static func text(_ report: ComparisonReport) -> String {
        var out = "\(title(report)), threshold ±\(Percent.format(report.options.threshold)), " + designSummary(report) + "\n"
        out += "baseline: \(report.baselinePath)\ncurrent:  \(report.currentPath)\n"
        out += explanation(report).joined(separator: "\n") + "\n"
        for warning in report.warnings { out += "warning: \(warning)\n" }
        let headings: [Verdict: String] = [
            .regression: "Regressions", .improvement: "Improvements", .inconclusive: "Inconclusive",
            .unchanged: "Unchanged",
        ]
        for verdict in displayOrder {
            let rows = report.comparisons.filter { $0.verdict == verdict }
            guard !rows.isEmpty else { continue }
            out += "\n\(headings[verdict]!) (\(rows.count))\n"
            let table = [tableHeader(report.design)] + rows.map { cells(of: $0, metric: report.options.metric) }
            out += ConsoleReport.format(table.map { ["  " + $0[0]] + $0.dropFirst() })
        }
        for (side, cells) in [("baseline", report.onlyInBaseline), ("current", report.onlyInCurrent)] where !cells.isEmpty {
            out += "\nOnly in \(side) (\(cells.count)): \(cells.map(name).joined(separator: "; "))\n"
        }
        return out + "\n" + verdictLine(report) + "\n"
    }

    // MARK: Markdown

    /// A heading, a status line, warnings as quotes and one table with every compared cell.
    public static func markdown(_ report: ComparisonReport) -> String {
        var out = "## \(title(report, code: true))\n\n"
        out += "**\(verdictLine(report))**\n\n"
        out += "Baseline `\(report.baselinePath)`, current `\(report.currentPath)`; \(designSummary(report)). "
            + "\(explanation(report).joined(separator: " "))\n\n"
        for warning in report.warnings { out += "> **Warning:** \(Markdown.inline(warning))\n>\n" }
        if !report.warnings.isEmpty { out.removeLast(2); out += "\n" }
        out += "| verdict | " + tableHeader(report.design).joined(separator: " | ") + " |\n"
        out += "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | --- |\n"
        for verdict in displayOrder {
            for comparison in report.comparisons where comparison.verdict == verdict {
                var fields = cells(of: comparison, metric: report.options.metric)
                fields[0] = "`\(fields[0])`"
                out += "| \(verdict.rawValue) | " + fields.map(Markdown.inline).joined(separator: " | ") + " |\n"
            }
        }
        for (side, cells) in [("baseline", report.onlyInBaseline), ("current", report.onlyInCurrent)] where !cells.isEmpty {
            out += "\n**Only in \(side)** (\(cells.count)): " + cells.map { "`\(Markdown.inline(name($0)))`" }.joined(separator: ", ") + "\n"
        }
        return out
    }

    // MARK: JSON

    /// The whole report with stable snake_case keys (sorted); numbers that do not exist are null.
    public static func json(_ report: ComparisonReport) -> String {
        let options = report.options
        let document = JSONReport(
            tvpVersion: TVPVersion.string, baseline: report.baselinePath, current: report.currentPath,
            metric: options.metric.rawValue, higherIsBetter: options.metric.higherIsBetter,
            threshold: options.threshold, drift: options.drift, processDrift: options.processDrift, confidence: Comparator.confidence, strict: options.strict, seed: options.seed,
            outcome: report.outcome.rawValue, exitCode: report.exitCode,
            counts: Dictionary(uniqueKeysWithValues: Verdict.allCases.map { ($0.rawValue, report.count($0)) }),
            cells: report.comparisons.map { c in
                JSONComparison(
                    cell: JSONCell(c.cell), verdict: c.verdict.rawValue, baselineN: c.baselineN, currentN: c.currentN,
                    baselineMedian: JSONNumber(c.baselineMedian), currentMedian: JSONNumber(c.currentMedian),
                    ratio: JSONNumber(c.ratio), ratioLow: JSONNumber(c.ratioCI.lowerBound),
                    ratioHigh: JSONNumber(c.ratioCI.upperBound), pValue: JSONNumber(c.pValue), note: c.note,
                    band: c.band.map(JSONBand.init))
            },
            onlyInBaseline: report.onlyInBaseline.map(JSONCell.init), onlyInCurrent: report.onlyInCurrent.map(JSONCell.init),
            warnings: report.warnings)
        var documentWithHistory = document
        if case .history(let runs, _, _) = report.design { documentWithHistory.historyRuns = runs }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        // Every value is a string, an integer, a Bool or a finite number (JSONNumber turns the rest into null).
        let data = try! encoder.encode(documentWithHistory)
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    // MARK: Shared pieces

    /// Column titles of the text and Markdown tables: `n` counts trials (cross-run) or rounds (paired).
    static func tableHeader(_ design: ComparisonDesign) -> [String] {
        switch design {
        case .crossRun: ["cell", "tasks", "n", "baseline", "current", "change", "95% CI", "p", "note"]
        case .history: ["cell", "tasks", "runs/n", "band centre", "current", "change", "band", "p", "note"]
        case .paired(_, let confidence):
            ["cell", "tasks", "rounds", "baseline", "current", "change", "\(Percent.format(confidence, .spacedHundredthsDown).replacingOccurrences(of: " ", with: "")) CI", "p", "note"]
        }
    }

    /// "tvp compare: wall_s" or "tvp paired: wall_s".
    static func title(_ report: ComparisonReport, code: Bool = false) -> String {
        let metric = code ? "`\(report.options.metric.rawValue)`" : report.options.metric.rawValue
        return switch report.design {
        case .crossRun: "tvp compare: \(metric)"
        case .history: "tvp compare --history: \(metric)"
        case .paired: "tvp paired: \(metric)"
        }
    }

    /// How the sides were measured, in a phrase.
    static func designSummary(_ report: ComparisonReport) -> String {
        switch report.design {
        case .crossRun: "drift between runs ±\(Percent.format(report.options.drift)), ±\(Percent.format(report.options.processDrift)) in process cells"
        case .paired(let rounds, let confidence):
            "\(rounds) rounds in ABBA order, each cell at \(Percent.format(confidence, .spacedHundredthsDown)) confidence"
        case .history(let runs, let window, let alpha):
            "against \(runs) stored runs (window \(window)), the family of cells held to \(Percent.format(alpha)) false alarms"
        }
    }

    /// One table row: the cell, its trial counts, both medians, the change with its interval and the p-value.
    static func cells(of c: CellComparison, metric: ComparisonMetric) -> [String] {
        let interval = c.ratioCI.lowerBound.isFinite && c.ratioCI.upperBound.isFinite
            ? "\(change(c.ratioCI.lowerBound)) … \(change(c.ratioCI.upperBound))" : "–"
        return [c.cell.label, String(c.cell.tasks), "\(c.baselineN)/\(c.currentN)",
                value(c.baselineMedian, metric), value(c.currentMedian, metric), change(c.ratio), interval,
                c.pValue.isFinite ? (c.pValue < 0.001 ? "<0.001" : String(format: "%.3f", c.pValue)) : "–",
                c.note ?? ""]
    }

    /// The status word and the counts behind it, e.g. "REGRESSION: 2 of 33 cells regressed …".
    static func verdictLine(_ report: ComparisonReport) -> String {
        let total = report.comparisons.count
        let counts = "\(report.count(.regression)) regressed, \(report.count(.improvement)) improved, "
            + "\(report.count(.inconclusive)) inconclusive, \(report.count(.unchanged)) unchanged"
        var line = switch report.outcome {
        case .regression:
            report.design == .crossRun
                ? "REGRESSION: \(report.count(.regression)) of \(total) cells got worse beyond \(Percent.format(report.options.threshold)) and the drift between runs (\(counts))"
                : "REGRESSION: \(report.count(.regression)) of \(total) cells got worse beyond \(Percent.format(report.options.threshold)) and beyond their bands (\(counts))"
        case .inconclusive:
            "INCONCLUSIVE: no regression, but \(report.count(.inconclusive)) of \(total) cells are inconclusive and --strict is set (\(counts))"
        case .pass:
            "PASS: no regression beyond \(Percent.format(report.options.threshold)) in \(total) cells (\(counts))"
        }
        let missing = report.onlyInBaseline.count + report.onlyInCurrent.count
        if missing > 0 { line += "; \(missing) cell\(missing == 1 ? "" : "s") in one run only" }
        return line + "."
    }

    /// What the numbers mean and which direction is worse, in a few sentences.
    static func explanation(_ report: ComparisonReport) -> [String] {
        let options = report.options
        if case .history = report.design {
            return ["Each cell is judged against the band of its own history: the median of its last run medians ± a multiple "
                    + "of their Qn spread on the log scale (Student's t at 1 % ÷ cells, Bonferroni; see docs/history.md). "
                    + "\"runs/n\" = history runs the band came from / counted trials now; \"band\" = its edges as a change from its centre.",
                    "A regression lies above its band and more than \(Percent.format(options.threshold)) above the band's centre; "
                    + "a cell with fewer than \(HistoryBand.minimumRuns) runs of history is judged by the two-run rule (its note says so)."]
        }
        if case .paired(_, let confidence) = report.design {
            let t = options.threshold
            let worse = options.metric.higherIsBetter
                ? "a regression is an interval wholly below \(change(1 / (1 + t))), an improvement one wholly above \(change(1 / (1 - t)))"
                : "a regression is an interval wholly above +\(Percent.format(t)), an improvement one wholly below -\(Percent.format(t))"
            let family = Percent.format((1 - confidence) * Double(report.comparisons.count))
            return ["Change = Hodges–Lehmann estimate of the per-round ratio current ÷ baseline − 1, with its exact "
                    + "signed-rank interval at \(Percent.format(confidence, .spacedHundredthsDown)) per cell, so that the chance of "
                    + "a false alarm in any of the \(report.comparisons.count) cells is at most \(family); p from the Wilcoxon signed-rank test.",
                    "Both builds ran in every round, so the machine's drift cancels; \(worse)."]
        }
        let basis = options.metric.higherIsBetter
            ? "Change = speedup current ÷ speedup baseline − 1 (each run's median serial wall ÷ its median wall), with its 95% bootstrap interval (both cells of both runs resampled); p from Mann–Whitney U."
            : "Change = median current ÷ median baseline − 1, with its 95% bootstrap interval; p from Mann–Whitney U."
        let t = options.threshold, d = options.drift, dp = options.processDrift
        let drift = "The interval knows the noise within each run; runs made apart also drift, by up to ±\(Percent.format(d)) "
            + "(±\(Percent.format(dp)) in cells of the process modes, whose spawns move with where the vCPUs land), so a change "
            + "whose median lies inside that is inconclusive (`tvp paired` cancels the drift)."
        guard options.metric.higherIsBetter else {
            return [basis, "Lower is better: a regression is an interval wholly above \(change(1 + t)) whose median change "
                + "exceeds \(change((1 + t) * (1 + d))) (\(change((1 + t) * (1 + dp))) in process cells); an improvement the mirror image.", drift]
        }
        return [basis, "Speedup: higher is better. Verdicts judge the cost, 1 ÷ speedup: a regression is an interval wholly "
            + "below \(change(1 / (1 + t))) whose median change is below \(change(1 / ((1 + t) * (1 + d)))) "
            + "(\(change(1 / ((1 + t) * (1 + dp)))) in process cells); an improvement the mirror image.", drift]
    }

    /// A cell's name with its task count, e.g. "cpu[8MiB] threads×4 (32 tasks)".
    static func name(_ cell: Cell) -> String { "\(cell.label) (\(cell.tasks) tasks)" }

    /// A ratio as a signed percentage change, e.g. 1.215 → "+21.5%".
    static func change(_ ratio: Double) -> String {
        ratio.isFinite ? Percent.format(ratio - 1, .signed) : "–"
    }

    /// A median in the metric's unit.
    static func value(_ v: Double, _ metric: ComparisonMetric) -> String {
        guard v.isFinite else { return "–" }
        return switch metric {
        case .wall, .cpu, .user, .system: Seconds.format(v, .fixed)
        case .maxRSS: ByteSize.format(v * 1024, .tenthsOfMiB)
        case .taskP50: Seconds.format(v / 1e6, .fixed)
        case .speedup: Ratio.format(v, .hundredthsOrSignificant)
        }
    }
}

// MARK: JSON documents

/// The JSON document; keys become snake_case.
private struct JSONReport: Encodable {
    var tvpVersion, baseline, current, metric: String
    var higherIsBetter: Bool
    var threshold, drift, processDrift, confidence: Double
    var strict: Bool
    var seed: UInt64
    var outcome: String
    var exitCode: Int32
    var counts: [String: Int]
    var cells: [JSONComparison]
    var onlyInBaseline, onlyInCurrent: [JSONCell]
    var warnings: [String]
    var historyRuns: Int? = nil
}

/// One compared cell in JSON.
private struct JSONComparison: Encodable {
    var cell: JSONCell
    var verdict: String
    var baselineN, currentN: Int
    var baselineMedian, currentMedian, ratio, ratioLow, ratioHigh, pValue: JSONNumber
    var note: String?
    var band: JSONBand?

    func encode(to encoder: Encoder) throws {
        // Written by hand so that a missing note is null rather than an absent key.
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(cell, forKey: .cell)
        try container.encode(verdict, forKey: .verdict)
        try container.encode(baselineN, forKey: .baselineN)
        try container.encode(currentN, forKey: .currentN)
        try container.encode(baselineMedian, forKey: .baselineMedian)
        try container.encode(currentMedian, forKey: .currentMedian)
        try container.encode(ratio, forKey: .ratio)
        try container.encode(ratioLow, forKey: .ratioLow)
        try container.encode(ratioHigh, forKey: .ratioHigh)
        try container.encode(pValue, forKey: .pValue)
        try container.encode(note, forKey: .note)
        if let band { try container.encode(band, forKey: .band) }
    }

    enum CodingKeys: String, CodingKey {
        case cell, verdict, baselineN, currentN, baselineMedian, currentMedian, ratio, ratioLow, ratioHigh, pValue, note, band
    }
}

/// The band a cell was judged against (`tvp compare --history`).
private struct JSONBand: Encodable {
    var center, lower, upper, logSpread: JSONNumber
    var runs: Int
    /// Whether the history's trials moved an edge out (`HistoryBand.widenedByTrials`).
    var widenedByTrials: Bool

    init(_ band: HistoryBand) {
        center = JSONNumber(band.center)
        lower = JSONNumber(band.lower)
        upper = JSONNumber(band.upper)
        logSpread = JSONNumber(band.logSpread)
        runs = band.runs
        widenedByTrials = band.widenedByTrials
    }
}

/// A cell in JSON: its label and the fields that identify it.
private struct JSONCell: Encodable {
    var label, workload: String
    var parameters: [String: String]
    var mode: String
    var workers, tasks: Int

    init(_ cell: Cell) {
        label = cell.label
        workload = cell.workload.name
        parameters = Dictionary(uniqueKeysWithValues: cell.workload.parameters.map { ($0.name, $0.value) })
        mode = cell.mode.rawValue
        workers = cell.workers
        tasks = cell.tasks
    }
}

/// A number that is written as null when it is NaN or infinite (JSON has neither).
private struct JSONNumber: Encodable {
    var value: Double

    init(_ value: Double) { self.value = value }

    func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        if value.isFinite { try container.encode(value) } else { try container.encodeNil() }
    }
}
