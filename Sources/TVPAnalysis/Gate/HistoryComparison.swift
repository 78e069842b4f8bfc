import TVPMeasure
import TVPPlan
import TVPStatistics

/// One stored run as the history gate reads it: a name to print and its trials.
public struct HistoryRun: Sendable {
    /// How the run is named in reports (its folder's name, or its start time).
    public var name: String
    /// The run's trials.
    public var run: RunFolder

    /// A history run from its parts.
    public init(name: String, run: RunFolder) {
        self.name = name
        self.run = run
    }
}

/// `tvp compare --history`: each cell of one run judged against the band its own history of run
/// medians gives (`HistoryBand`); a cell with fewer than `HistoryBand.minimumRuns` runs of history
/// falls back to the two-run rule against the newest run that has it.
public enum HistoryComparator {
    /// Judges `current` against `history` (oldest first). `startIndex[cell]` is where an accepted
    /// change restarted the cell's history (earlier runs are ignored for that cell). `window` is
    /// recorded in the report.
    public static func compare(current: RunFolder, history: [HistoryRun], startIndex: [Cell: Int] = [:],
                               window: Int, options: ComparisonOptions = ComparisonOptions(),
                               storeDescription: String) throws -> ComparisonReport {
        let metric = options.metric
        let currentSamples = metric.samples(in: current.trials)
        let cells = currentSamples.keys.filter { metric != .speedup || $0.mode != .serial }.sorted()
        guard !cells.isEmpty else { throw ComparisonError.noCommonCell(baseline: storeDescription, current: current.trialsPath) }
        let historySamples = history.map { metric.samples(in: $0.run.trials) }
        var comparisons: [CellComparison] = []
        var fallbacks = 0
        for cell in cells {
            let current = currentSamples[cell]!
            let start = startIndex[cell] ?? 0
            let past = historySamples.indices.filter { $0 >= start }.compactMap { index in
                historySamples[index][cell].map { (index, $0) }
            }
            let costs = past.map { metric.higherIsBetter ? 1 / $0.1.median : $0.1.median }
            let trialCosts = past.flatMap { metric.higherIsBetter ? $0.1.perTrial.map { 1 / $0 } : $0.1.values }
            if let band = HistoryBand.learn(from: costs, trials: trialCosts, trialsPerRun: current.count, cells: cells.count) {
                let value = current.median, cost = metric.higherIsBetter ? 1 / value : value
                let shown = metric.higherIsBetter ? band.inverted : band
                comparisons.append(CellComparison(
                    cell: cell, baselineN: band.runs, currentN: current.count, baselineMedian: shown.center,
                    currentMedian: value, ratio: value / shown.center,
                    ratioCI: (shown.lower / shown.center)...(shown.upper / shown.center), pValue: .nan,
                    verdict: current.count == 0 ? .inconclusive : band.verdict(cost: cost, threshold: options.threshold),
                    note: note(restartedRunsAgo: start > 0 ? history.count - start : nil, band: band, trials: current.count),
                    band: shown))
            } else if let (index, newest) = past.last {
                fallbacks += 1
                var judged = Comparator.compare(cell: cell, baseline: newest, current: current, options: options)
                let reason = "\(past.count) runs of history (fewer than \(HistoryBand.minimumRuns)): two-run rule against \(history[index].name)"
                judged.note = judged.note.map { "\(reason); \($0)" } ?? reason
                comparisons.append(judged)
            } else {
                comparisons.append(CellComparison(
                    cell: cell, baselineN: 0, currentN: current.count, baselineMedian: .nan, currentMedian: current.median,
                    ratio: .nan, ratioCI: 0...Double.infinity, pValue: .nan, verdict: .inconclusive,
                    note: "no stored run of the same scenario and machine kind has this cell"))
            }
        }
        var warnings = current.notes.map { "current: \($0)" }
        if fallbacks > 0 {
            warnings.append("\(fallbacks) of \(cells.count) cells have fewer than \(HistoryBand.minimumRuns) runs of history and were judged by the two-run rule (drift ±\(Int(options.drift * 100)) %, ±\(Int(options.processDrift * 100)) % in process cells)")
        }
        var report = ComparisonReport(
            baselinePath: storeDescription, currentPath: current.trialsPath, options: options, comparisons: comparisons,
            onlyInBaseline: [], onlyInCurrent: [], warnings: warnings)
        report.design = .history(runs: history.count, window: window, familyAlpha: HistoryBand.familyAlpha)
        return report
    }

    /// A banded cell's note: an accepted change that restarted its history, an edge its history's
    /// trials moved out; nil when neither.
    static func note(restartedRunsAgo: Int?, band: HistoryBand, trials: Int) -> String? {
        var parts: [String] = []
        if let runs = restartedRunsAgo { parts.append("history restarted by an accepted change \(runs) runs ago") }
        if band.widenedByTrials { parts.append("band widened to where the history's trials put a median of \(trials) trials") }
        return parts.isEmpty ? nil : parts.joined(separator: "; ")
    }
}
