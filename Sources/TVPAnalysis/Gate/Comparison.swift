import TVPFormatting
import TVPMeasure
import TVPPlan
import TVPStatistics
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

    /// Per-cell values of the counted, successful trials of one run: the metric's values, and for
    /// `speedup` the cell's wall times beside those of its serial cell (a cell whose serial cell has
    /// no counted successful trial is absent), so both can be resampled.
    public func samples(in samples: [TrialSample]) -> [Cell: MetricSample] {
        let counted = Dictionary(grouping: samples.filter { !$0.isWarmup && $0.ok }, by: \.cell)
        guard self == .speedup else {
            return counted.mapValues { trials in MetricSample(values: trials.compactMap { value(of: $0) }) }
        }
        var result: [Cell: MetricSample] = [:]
        for (cell, trials) in counted {
            guard let serial = counted[cell.serialBaseline], !serial.isEmpty else { continue }
            result[cell] = MetricSample(values: trials.map(\.wallSeconds), serialWalls: serial.map(\.wallSeconds))
        }
        return result
    }
}

/// One run's values of a metric in one cell.
public struct MetricSample: Sendable {
    /// The metric per counted successful trial; for `speedup`, the cell's wall times.
    public var values: [Double]
    /// `speedup` only: the wall times of the run's serial cell of the same workload.
    public var serialWalls: [Double]? = nil

    /// The run's figure: the median value, or for `speedup` median serial wall ÷ median wall.
    public var median: Double {
        guard let serialWalls else { return Statistics.median(values) }
        return Statistics.median(serialWalls) / Statistics.median(values)
    }

    /// Per-trial values for the rank test: for `speedup`, the serial median ÷ each trial's wall.
    var perTrial: [Double] {
        guard let serialWalls else { return values }
        let serial = Statistics.median(serialWalls)
        return values.map { serial / $0 }
    }

    /// Counted trials behind the figure (for `speedup`, the fewer of the cell's and its serial cell's).
    public var count: Int { min(values.count, serialWalls?.count ?? values.count) }
}

/// How `tvp compare` decides.
public struct ComparisonOptions: Sendable {
    /// The metric compared.
    public var metric: ComparisonMetric
    /// Relative change tolerated before a cell counts as changed (0.05 = 5 %).
    public var threshold: Double
    /// How much two separately made runs of the same build may differ in a cell with no change at
    /// all, as a fraction (0.5: a cell's median may be up to 1.5× slower or faster): the machine's
    /// speed moves between runs by more than one run's own interval shows. A change within it is
    /// inconclusive, not a regression. Cells of the process modes get `processDrift` instead.
    public var drift: Double
    /// The drift allowed in cells of the process modes (`processes`, `process-pool`): besides the
    /// machine's speed, their spawns and pipe wake-ups move with where the hypervisor places the
    /// vCPUs (a pipe round trip costs 4 µs on one core and 49–94 µs across cores on a machine with
    /// SHA instructions), so they drift further between runs than cells inside tvp's process.
    public var processDrift: Double
    /// Whether an inconclusive cell fails the gate as a regression does.
    public var strict: Bool
    /// Seed of the bootstrap resampling; each cell derives its own stream from it.
    public var seed: UInt64

    /// The drift allowed by default between two runs made apart, in cells inside tvp's process and in
    /// those of the process modes (see docs/ci.md for the A/A measurements behind them).
    public static let defaultDrift = 0.5, defaultProcessDrift = 0.75

    /// Options with the command line's defaults: wall_s, 5 %, the default drifts, not strict, seed 42.
    /// `processDrift` defaults to the default process drift, or to `drift` when that is 0 (no drift at all).
    public init(metric: ComparisonMetric = .wall, threshold: Double = 0.05, drift: Double = ComparisonOptions.defaultDrift,
                processDrift: Double? = nil, strict: Bool = false, seed: UInt64 = 42) {
        self.metric = metric
        self.threshold = threshold
        self.drift = drift
        self.processDrift = processDrift ?? (drift == 0 ? 0 : max(drift, ComparisonOptions.defaultProcessDrift))
        self.strict = strict
        self.seed = seed
    }

    /// The drift allowed in `cell`.
    public func drift(for cell: Cell) -> Double { cell.mode.usesProcesses ? processDrift : drift }
}

/// The judgement on one cell.
public enum Verdict: String, CaseIterable, Sendable, Codable {
    /// Worse beyond the noise and beyond the drift: the whole confidence interval of the cost ratio
    /// lies above 1 + threshold, and the ratio itself above (1 + threshold) × (1 + drift).
    case regression
    /// Better beyond both: the whole interval below 1 − threshold, the ratio below (1 − threshold) ÷ (1 + drift).
    case improvement
    /// The whole confidence interval lies within 1 ± threshold.
    case unchanged
    /// Anything else: the interval straddles a bound, the change lies within the drift between runs,
    /// or a side has fewer than 3 counted successful trials.
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
    /// `tvp compare --history`: the band the cell was judged against (in the metric's unit); nil when
    /// it was judged by the two-run rule.
    public var band: HistoryBand? = nil
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

/// How the two sides of a comparison were measured.
public enum ComparisonDesign: Sendable, Equatable {
    /// Two runs made apart (`tvp compare`): the drift between them is allowed for.
    case crossRun
    /// Both builds run in alternating rounds of one job (`tvp paired`): each cell judged on its
    /// per-round ratios at `cellConfidence`.
    case paired(rounds: Int, cellConfidence: Double)
    /// One run against the stored history of its scenario on its machine kind (`tvp compare
    /// --history`): `runs` runs in the window (at most `window`), the family of cells held to `familyAlpha`.
    case history(runs: Int, window: Int, familyAlpha: Double)
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
    /// How the sides were measured.
    public var design: ComparisonDesign = .crossRun

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
    public static func compare(baseline: RunFolder, current: RunFolder,
                               options: ComparisonOptions = ComparisonOptions()) throws -> ComparisonReport {
        // Schemas tvp reads differ only by added columns, which no compared metric uses.
        let readable = TrialSchema.readableVersions
        guard baseline.schemaVersion == current.schemaVersion
                || readable.contains(baseline.schemaVersion) && readable.contains(current.schemaVersion) else {
            throw ComparisonError.schemaMismatch(
                baseline: baseline.trialsPath, baselineVersion: baseline.schemaVersion,
                current: current.trialsPath, currentVersion: current.schemaVersion)
        }
        let baselineCells = Set(baseline.trials.map(\.cell)), currentCells = Set(current.trials.map(\.cell))
        let common = baselineCells.intersection(currentCells).sorted()
        guard !common.isEmpty else {
            throw ComparisonError.noCommonCell(baseline: baseline.trialsPath, current: current.trialsPath)
        }
        let metric = options.metric
        let compared = metric == .speedup ? common.filter { $0.mode != .serial } : common
        guard !compared.isEmpty else {
            throw ComparisonError.noParallelCell(baseline: baseline.trialsPath, current: current.trialsPath)
        }

        let baselineSamples = metric.samples(in: baseline.trials), currentSamples = metric.samples(in: current.trials)
        let comparisons = compared.map { cell in
            // Each cell resamples with its own stream, so adding a cell does not move the others' intervals.
            compare(cell: cell, baseline: baselineSamples[cell], current: currentSamples[cell], options: options)
        }
        return ComparisonReport(
            baselinePath: baseline.trialsPath, currentPath: current.trialsPath, options: options,
            comparisons: comparisons,
            onlyInBaseline: baselineCells.subtracting(currentCells).sorted(),
            onlyInCurrent: currentCells.subtracting(baselineCells).sorted(),
            warnings: warnings(baseline: baseline, current: current, metric: metric))
    }

    /// Compares one cell's samples from both runs.
    static func compare(cell: Cell, baseline: MetricSample?, current: MetricSample?, options: ComparisonOptions) -> CellComparison {
        let metric = options.metric
        let before = baseline ?? MetricSample(values: []), after = current ?? MetricSample(values: [])
        let result = verdict(baseline: before, current: after, threshold: options.threshold, drift: options.drift(for: cell),
                             seed: options.seed ^ stableHash("\(cell.label)/\(cell.tasks)"), higherIsBetter: metric.higherIsBetter)
        var note = note(baselineN: before.count, currentN: after.count, hasInterval: result.ci.upperBound.isFinite, metric: metric)
        if note == nil, result.verdict == .inconclusive,
           let drifted = driftNote(result.ci, drift: options.drift(for: cell), options: options) { note = drifted }
        return CellComparison(
            cell: cell, baselineN: before.count, currentN: after.count,
            baselineMedian: before.values.isEmpty ? .nan : before.median, currentMedian: after.values.isEmpty ? .nan : after.median,
            ratio: result.ratio, ratioCI: result.ci, pValue: result.pValue, verdict: result.verdict, note: note)
    }

    /// Judges two samples of a cost metric (`tvp compare` with no drift: the same judgement on plain values).
    public static func verdict(baseline: [Double], current: [Double], threshold: Double, drift: Double = 0, seed: UInt64,
                               higherIsBetter: Bool = false)
        -> (ratio: Double, ci: ClosedRange<Double>, pValue: Double, verdict: Verdict)
    {
        verdict(baseline: MetricSample(values: baseline), current: MetricSample(values: current), threshold: threshold,
                drift: drift, seed: seed, higherIsBetter: higherIsBetter)
    }

    /// Judges two samples of one metric: the ratio of their figures current ÷ baseline (medians, or
    /// speedups), its 95 % bootstrap interval (every sample resampled, the serial cells of a speedup
    /// included; deterministic in `seed`), the Mann–Whitney p-value and the verdict.
    ///
    /// The verdict always judges the cost ratio: the ratio itself, or 1 ÷ ratio when `higherIsBetter`, so a
    /// falling speedup is a regression. A regression needs two things, as mature gates ask for a test
    /// and a magnitude (asv: p < 0.002 and a minimum ratio; Perfherder: a t-test and a size): the
    /// change is beyond the noise — the whole interval above 1 + threshold — and beyond the drift
    /// between runs — the ratio above (1 + threshold) × (1 + drift). What one run per side cannot tell
    /// from the drift stays inconclusive. (With no drift the second follows from the first.) A side
    /// with fewer than 3 values makes it inconclusive; an empty side (ratio NaN) or a value that is not
    /// positive and finite leaves the uninformative interval `0...infinity`.
    static func verdict(baseline: MetricSample, current: MetricSample, threshold: Double, drift: Double, seed: UInt64,
                        higherIsBetter: Bool)
        -> (ratio: Double, ci: ClosedRange<Double>, pValue: Double, verdict: Verdict)
    {
        // A range cannot hold NaN bounds; "anywhere from 0 to infinity" is the honest interval, and it
        // leads to an inconclusive verdict by the same rules as any wide interval.
        let noInterval = 0...Double.infinity
        let pValue = Statistics.mannWhitneyU(baseline.perTrial, current.perTrial).pValue
        guard !baseline.values.isEmpty, !current.values.isEmpty else { return (.nan, noInterval, pValue, .inconclusive) }
        let ratio = current.median / baseline.median
        // A resampled median of 0 would divide by zero; such a metric has no meaningful ratio.
        let usable = { (sample: MetricSample) in
            (sample.values + (sample.serialWalls ?? [])).allSatisfy { $0 > 0 && $0.isFinite }
        }
        guard usable(baseline), usable(current), ratio.isFinite else { return (ratio, noInterval, pValue, .inconclusive) }
        let ci = bootstrapRatioCI(current: current, baseline: baseline, seed: seed)
        guard baseline.count >= minimumTrials, current.count >= minimumTrials else {
            return (ratio, ci, pValue, .inconclusive)
        }
        let cost = higherIsBetter ? (1 / ci.upperBound)...(1 / ci.lowerBound) : ci
        let costRatio = higherIsBetter ? 1 / ratio : ratio
        let allowance = 1 + drift
        let verdict: Verdict =
            if cost.lowerBound > 1 + threshold, costRatio > (1 + threshold) * allowance { .regression }
            else if cost.upperBound < 1 - threshold, costRatio < (1 - threshold) / allowance { .improvement }
            else if cost.lowerBound >= 1 - threshold, cost.upperBound <= 1 + threshold { .unchanged }
            else { .inconclusive }
        return (ratio, ci, pValue, verdict)
    }

    /// Percentile-bootstrap interval of current ÷ baseline figures, resampling every sample behind them.
    static func bootstrapRatioCI(current: MetricSample, baseline: MetricSample, seed: UInt64) -> ClosedRange<Double> {
        guard let currentSerial = current.serialWalls, let baselineSerial = baseline.serialWalls else {
            // Cost metrics: cur ÷ base.
            return Statistics.bootstrapRatioCI(ofMediansOf: [current.values, baseline.values], confidence: confidence, seed: seed) {
                $0[0] / $0[1]
            }
        }
        // Speedup: (serial_cur ÷ cur) ÷ (serial_base ÷ base).
        return Statistics.bootstrapRatioCI(ofMediansOf: [current.values, baseline.values, currentSerial, baselineSerial],
                                           confidence: confidence, seed: seed) { ($0[2] / $0[0]) / ($0[3] / $0[1]) }
    }

    /// What an inconclusive verdict means when the interval lies beyond the threshold but within the
    /// drift allowed between runs; nil otherwise.
    static func driftNote(_ ci: ClosedRange<Double>, drift allowed: Double, options: ComparisonOptions) -> String? {
        let cost = options.metric.higherIsBetter ? (1 / ci.upperBound)...(1 / ci.lowerBound) : ci
        let drift = Percent.format(allowed)
        if cost.lowerBound > 1 + options.threshold {
            return "slower beyond the runs' noise, but within the ±\(drift) drift between runs; confirm with `tvp paired`"
        }
        if cost.upperBound < 1 - options.threshold {
            return "faster beyond the runs' noise, but within the ±\(drift) drift between runs"
        }
        return nil
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
    static func warnings(baseline: RunFolder, current: RunFolder, metric: ComparisonMetric) -> [String] {
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
