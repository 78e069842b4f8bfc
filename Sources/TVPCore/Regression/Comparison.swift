/// What `tvp compare` measures per trial.
public enum ComparisonMetric: String, CaseIterable, Sendable {
    /// Wall time, seconds.
    case wall = "wall_s"
    /// CPU time, user + system (children included), seconds.
    case cpu = "cpu_s"
    /// User CPU time, seconds.
    case user = "user_s"
    /// System CPU time, seconds.
    case system = "sys_s"
    /// Peak memory of the largest process, KiB.
    case maxRSS = "max_rss_kib"
    /// The trial's median task duration, microseconds.
    case taskP50 = "task_p50_us"
    /// Median serial wall time of the same run ÷ the trial's wall time (serial cells are not compared).
    case speedup

    /// Whether a larger value is better (only speedup); every other metric is a cost.
    public var higherIsBetter: Bool { self == .speedup }

    /// The metric's value for one trial; nil for `speedup`, which needs the run's serial cell.
    func value(of sample: TrialSample) -> Double? {
        switch self {
        case .wall: sample.wallSeconds
        case .cpu: sample.userSeconds + sample.systemSeconds
        case .user: sample.userSeconds
        case .system: sample.systemSeconds
        case .maxRSS: sample.maxRSSKiB
        case .taskP50: sample.taskP50Microseconds
        case .speedup: nil
        }
    }

    /// Per-cell values of the counted, successful trials of one run. For `speedup` a cell whose serial
    /// cell has no counted successful trial is absent.
    func values(in samples: [TrialSample]) -> [Cell: [Double]] {
        let counted = Dictionary(grouping: samples.filter { !$0.isWarmup && $0.ok }, by: \.cell)
        guard self == .speedup else {
            return counted.mapValues { trials in trials.compactMap { value(of: $0) } }
        }
        var result: [Cell: [Double]] = [:]
        for (cell, trials) in counted {
            guard let serial = counted[cell.serialBaseline], !serial.isEmpty else { continue }
            let serialMedian = Statistics.median(serial.map(\.wallSeconds))
            result[cell] = trials.map { serialMedian / $0.wallSeconds }
        }
        return result
    }
}

/// How `tvp compare` decides.
public struct ComparisonOptions: Sendable {
    /// The metric compared.
    public var metric: ComparisonMetric
    /// Relative change tolerated before a cell counts as changed (0.05 = 5 %).
    public var threshold: Double
    /// Whether an inconclusive cell fails the gate as a regression does.
    public var strict: Bool
    /// Seed of the bootstrap resampling; each cell derives its own stream from it.
    public var seed: UInt64

    /// Options with the command line's defaults: wall_s, 5 %, not strict, seed 42.
    public init(metric: ComparisonMetric = .wall, threshold: Double = 0.05, strict: Bool = false, seed: UInt64 = 42) {
        self.metric = metric
        self.threshold = threshold
        self.strict = strict
        self.seed = seed
    }
}

/// The judgement on one cell.
public enum Verdict: String, CaseIterable, Sendable, Codable {
    /// The whole confidence interval of the cost ratio lies above 1 + threshold.
    case regression
    /// The whole confidence interval of the cost ratio lies below 1 − threshold.
    case improvement
    /// The whole confidence interval lies within 1 ± threshold.
    case unchanged
    /// The interval straddles a threshold, or a side has fewer than 3 counted successful trials.
    case inconclusive
}

/// One cell present in both runs, compared.
public struct CellComparison: Sendable {
    /// The cell.
    public var cell: Cell
    /// Counted successful trials (values of the metric) in the baseline and in the current run.
    public var baselineN, currentN: Int
    /// Median of the metric in each run; `.nan` when that side has no value.
    public var baselineMedian, currentMedian: Double
    /// Current median ÷ baseline median of the metric itself (for speedup, below 1 is worse).
    public var ratio: Double
    /// 95 % bootstrap confidence interval of `ratio`; `0...infinity` (nothing known) when it cannot be computed.
    public var ratioCI: ClosedRange<Double>
    /// Two-sided Mann–Whitney U p-value of the two samples (1 when a side is empty).
    public var pValue: Double
    /// The judgement.
    public var verdict: Verdict
    /// Why the verdict is inconclusive for want of data, when it is.
    public var note: String?
}

/// The gate's overall result.
public enum ComparisonOutcome: String, Sendable {
    /// No regression (and, with `strict`, no inconclusive cell).
    case pass
    /// At least one cell regressed.
    case regression
    /// No regression, but `strict` was set and at least one cell is inconclusive.
    case inconclusive
}

/// Everything `tvp compare` found, ready to be rendered.
public struct ComparisonReport: Sendable {
    /// The baseline's trials.csv.
    public var baselinePath: String
    /// The current run's trials.csv.
    public var currentPath: String
    /// The options the comparison used.
    public var options: ComparisonOptions
    /// Cells present in both runs, in cell order (for speedup, serial cells are left out).
    public var comparisons: [CellComparison]
    /// Cells only the baseline has.
    public var onlyInBaseline: [Cell]
    /// Cells only the current run has.
    public var onlyInCurrent: [Cell]
    /// Things that limit what the numbers mean (different machines or builds, missing meta.json).
    public var warnings: [String]

    /// How many cells got `verdict`.
    public func count(_ verdict: Verdict) -> Int { comparisons.lazy.filter { $0.verdict == verdict }.count }

    /// The gate's result.
    public var outcome: ComparisonOutcome {
        if count(.regression) > 0 { return .regression }
        if options.strict, count(.inconclusive) > 0 { return .inconclusive }
        return .pass
    }

    /// The process exit status: 0 pass, 2 regression (or inconclusive under `strict`).
    public var exitCode: Int32 { outcome == .pass ? 0 : 2 }
}

/// Two runs that cannot be compared at all.
public enum ComparisonError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The files were written with different CSV schemas.
    case schemaMismatch(baseline: String, baselineVersion: Int, current: String, currentVersion: Int)
    /// The runs share no cell.
    case noCommonCell(baseline: String, current: String)
    /// The runs share only serial cells, which have no speedup to compare.
    case noParallelCell(baseline: String, current: String)

    /// The problem and what to do about it.
    public var description: String {
        switch self {
        case .schemaMismatch(let baseline, let baselineVersion, let current, let currentVersion):
            "\(baseline) has schema_version \(baselineVersion) but \(current) has schema_version \(currentVersion): "
                + "runs written by different tvp versions cannot be compared; re-run the baseline with the tvp "
                + "that wrote the current run"
        case .noCommonCell(let baseline, let current):
            "\(baseline) and \(current) have no cell in common (a cell is workload + parameters + mode + workers "
                + "+ tasks); compare two runs of the same scenario"
        case .noParallelCell(let baseline, let current):
            "\(baseline) and \(current) share only serial cells, whose speedup is 1 by definition; "
                + "compare another metric or runs with threads or processes cells"
        }
    }
}

/// The regression gate: matches the cells of two runs and judges each by the confidence interval of
/// the ratio of its medians.
public enum Comparator {
    /// Confidence level of the intervals.
    public static let confidence = 0.95
    /// Fewest counted successful trials per side for a verdict other than inconclusive.
    public static let minimumTrials = 3

    /// Compares `current` against `baseline`; throws `ComparisonError` when they cannot be compared.
    public static func compare(baseline: RunData, current: RunData,
                               options: ComparisonOptions = ComparisonOptions()) throws -> ComparisonReport {
        // Schemas tvp reads differ only by added columns, which no compared metric uses.
        let readable = CSVFormat.readableSchemaVersions
        guard baseline.schemaVersion == current.schemaVersion
                || readable.contains(baseline.schemaVersion) && readable.contains(current.schemaVersion) else {
            throw ComparisonError.schemaMismatch(
                baseline: baseline.trialsPath, baselineVersion: baseline.schemaVersion,
                current: current.trialsPath, currentVersion: current.schemaVersion)
        }
        let baselineCells = Set(baseline.samples.map(\.cell)), currentCells = Set(current.samples.map(\.cell))
        let common = baselineCells.intersection(currentCells).sorted()
        guard !common.isEmpty else {
            throw ComparisonError.noCommonCell(baseline: baseline.trialsPath, current: current.trialsPath)
        }
        let metric = options.metric
        let compared = metric == .speedup ? common.filter { $0.mode != .serial } : common
        guard !compared.isEmpty else {
            throw ComparisonError.noParallelCell(baseline: baseline.trialsPath, current: current.trialsPath)
        }

        let baselineValues = metric.values(in: baseline.samples), currentValues = metric.values(in: current.samples)
        let comparisons = compared.map { cell in
            let before = baselineValues[cell] ?? [], after = currentValues[cell] ?? []
            // Each cell resamples with its own stream, so adding a cell does not move the others' intervals.
            let result = verdict(baseline: before, current: after, threshold: options.threshold,
                                 seed: options.seed ^ stableHash("\(cell.label)/\(cell.tasks)"),
                                 higherIsBetter: metric.higherIsBetter)
            return CellComparison(
                cell: cell, baselineN: before.count, currentN: after.count,
                baselineMedian: Statistics.median(before), currentMedian: Statistics.median(after),
                ratio: result.ratio, ratioCI: result.ci, pValue: result.pValue, verdict: result.verdict,
                note: note(baselineN: before.count, currentN: after.count, hasInterval: result.ci.upperBound.isFinite,
                           metric: metric))
        }
        return ComparisonReport(
            baselinePath: baseline.trialsPath, currentPath: current.trialsPath, options: options,
            comparisons: comparisons,
            onlyInBaseline: baselineCells.subtracting(currentCells).sorted(),
            onlyInCurrent: currentCells.subtracting(baselineCells).sorted(),
            warnings: warnings(baseline: baseline, current: current, metric: metric))
    }

    /// Judges two samples of one metric: the ratio of medians current ÷ baseline, its 95 % bootstrap
    /// interval (deterministic in `seed`), the Mann–Whitney p-value and the verdict.
    ///
    /// The verdict always judges the cost ratio: the ratio itself, or 1 ÷ ratio when `higherIsBetter`, so a
    /// falling speedup is a regression. A side with fewer than 3 values makes it inconclusive; an empty side
    /// (ratio NaN) or a baseline value that is not positive leaves the uninformative interval `0...infinity`.
    public static func verdict(baseline: [Double], current: [Double], threshold: Double, seed: UInt64,
                               higherIsBetter: Bool = false)
        -> (ratio: Double, ci: ClosedRange<Double>, pValue: Double, verdict: Verdict)
    {
        // A range cannot hold NaN bounds; "anywhere from 0 to infinity" is the honest interval, and it
        // leads to an inconclusive verdict by the same rules as any wide interval.
        let noInterval = 0...Double.infinity
        let pValue = Statistics.mannWhitneyU(baseline, current).pValue
        guard !baseline.isEmpty, !current.isEmpty else { return (.nan, noInterval, pValue, .inconclusive) }
        let ratio = Statistics.median(current) / Statistics.median(baseline)
        // A resampled baseline median of 0 would divide by zero; such a metric has no meaningful ratio.
        guard baseline.allSatisfy({ $0 > 0 && $0.isFinite }), current.allSatisfy({ $0 >= 0 && $0.isFinite }) else {
            return (ratio, noInterval, pValue, .inconclusive)
        }
        let ci = Statistics.bootstrapRatioCI(numerator: current, denominator: baseline,
                                             confidence: confidence, seed: seed)
        guard baseline.count >= minimumTrials, current.count >= minimumTrials else {
            return (ratio, ci, pValue, .inconclusive)
        }
        let cost = higherIsBetter ? (1 / ci.upperBound)...(1 / ci.lowerBound) : ci
        let verdict: Verdict =
            if cost.lowerBound > 1 + threshold { .regression }
            else if cost.upperBound < 1 - threshold { .improvement }
            else if cost.lowerBound >= 1 - threshold, cost.upperBound <= 1 + threshold { .unchanged }
            else { .inconclusive }
        return (ratio, ci, pValue, verdict)
    }

    /// Why a cell lacks the data for a verdict; nil when it has enough.
    private static func note(baselineN: Int, currentN: Int, hasInterval: Bool, metric: ComparisonMetric) -> String? {
        guard baselineN < minimumTrials || currentN < minimumTrials else {
            return hasInterval ? nil : "the baseline has values of 0, so the ratio has no confidence interval"
        }
        if metric == .speedup, baselineN == 0 || currentN == 0 {
            let side = baselineN == 0 ? "baseline" : "current run"
            return "the \(side) has no counted successful trial of this cell or of its serial cell"
        }
        return "fewer than \(minimumTrials) counted successful trials (baseline \(baselineN), current \(currentN))"
    }

    /// Warnings about what makes the two runs' numbers hard to compare.
    static func warnings(baseline: RunData, current: RunData, metric: ComparisonMetric) -> [String] {
        var warnings = baseline.notes.map { "baseline: \($0)" } + current.notes.map { "current: \($0)" }
        for (side, run) in [("baseline", baseline), ("current", current)] {
            if let status = run.meta?.status, status != "complete" {
                warnings.append("the \(side) run's meta.json says \"\(status)\": some cells may have fewer trials")
            }
        }
        guard let before = baseline.meta?.machine, let after = current.meta?.machine else { return warnings }
        var differences: [String] = []
        if before.cpuModel != after.cpuModel { differences.append("CPU \"\(before.cpuModel)\" vs \"\(after.cpuModel)\"") }
        if before.usableCPUs != after.usableCPUs { differences.append("\(before.usableCPUs) vs \(after.usableCPUs) usable CPUs") }
        if !differences.isEmpty {
            let machines = "the runs come from different machines (\(differences.joined(separator: ", ")))"
            warnings.append(metric == .speedup
                ? "\(machines): speedups are relative to each run's own serial cell, but still depend on the core count"
                : "\(machines): absolute measurements are not comparable; use --metric speedup to compare scaling")
        }
        if before.optimizedBuild != after.optimizedBuild {
            let kind = { (optimized: Bool) in optimized ? "an optimized build" : "a debug build" }
            warnings.append("the baseline ran \(kind(before.optimizedBuild)) and the current run \(kind(after.optimizedBuild)): "
                + "build both with `swift build -c release` before comparing")
        }
        return warnings
    }
}
