import ArgumentParser
import TVPAnalysis
import TVPReport
import TVPResults
import TVPStore

extension ComparisonMetric: ExpressibleByArgument {}
extension ComparisonFormat: ExpressibleByArgument {}

/// `tvp compare BASELINE CURRENT`: the regression gate.
struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare two runs cell by cell and fail when the current one regressed.",
        discussion: """
            BASELINE and CURRENT are run folders (results/<run>/) or their trials.csv files. Cells \
            (workload + parameters + mode + workers + tasks) are matched between the runs; only counted, \
            successful trials are used. Per cell, the ratio of medians current/baseline gets a 95% bootstrap \
            confidence interval and a Mann-Whitney U p-value. The interval knows only the noise within each \
            run; two runs of the same build made apart also differ by a drift of their own (the machine's \
            speed, its spawn cost, where the hypervisor puts the vCPUs), so a cell regressed only when it \
            is worse beyond the noise (its whole interval above 1 + threshold) and beyond the drift (its \
            ratio above (1 + threshold) x (1 + drift); --process-drift for cells of the process modes), \
            improved in the mirror case, is unchanged when its interval lies within 1 +/- threshold, and is \
            inconclusive otherwise (a change within the drift is inconclusive, with a note) or with fewer \
            than 3 trials on a side. To see smaller changes, run both builds interleaved with `tvp paired`, \
            which cancels the drift. For --metric speedup (median serial wall / median wall of the same run, \
            both resampled) higher is better, so verdicts judge its inverse, the cost.

            With --history URL, only CURRENT is given: each of its cells is judged against the band of its \
            own history in the store (the last --window complete runs of the same scenario on the same \
            machine kind, with the labels of --where): a regression lies above its band and beyond \
            --threshold; a cell with fewer than 8 runs of history is judged by the two-run rule against \
            the newest stored run (docs/history.md).

            Exit status: 0 no regression; 2 at least one regression (or, with --strict, an inconclusive \
            cell); 1 an error: a missing or unreadable file, different schema versions, no cell in common. \
            A malformed command line exits with 64.
            """
    )

    /// BASELINE and CURRENT, or with --history only CURRENT.
    @Argument(help: ArgumentHelp("BASELINE CURRENT: run folders or their trials.csv; with --history, CURRENT alone.",
                                 valueName: "run"), completion: .file())
    var runs: [String]

    /// A store to judge CURRENT against instead of a baseline run.
    @Option(name: .long, help: ArgumentHelp("Judge CURRENT against its history in this store (SQLite file or postgres:// URL).",
                                            valueName: "URL"))
    var history: String?

    /// Runs of history per cell.
    @Option(name: .long, help: "With --history: the most recent stored runs each band is learned from.")
    var window: Int = 20

    /// Label filters on the history.
    @Option(name: .customLong("where"), help: ArgumentHelp("With --history: only stored runs with this label, e.g. branch=main (repeatable).",
                                                           valueName: "key=value"))
    var filters: [String] = []

    /// The metric compared per trial.
    @Option(name: .long, help: "What to compare per trial.")
    var metric: ComparisonMetric = .wall

    /// Relative change tolerated, as a fraction.
    @OptionGroup var gate: GateOptions

    /// The drift allowed between two separately made runs.
    @Option(name: .long, help: ArgumentHelp(
        "Drift allowed between two runs of one build made apart, as a fraction (0.5: up to 1.5x either way).",
        valueName: "fraction"))
    var drift: Double = ComparisonOptions.defaultDrift

    /// The drift allowed in cells of the process modes.
    @Option(name: .customLong("process-drift"), help: ArgumentHelp(
        "Drift allowed in cells of the process modes (processes, process-pool), whose spawns and pipe wake-ups move further between runs. (default: 0.75, or --drift when that is larger or 0)",
        valueName: "fraction"))
    var processDrift: Double?

    /// Seed of the bootstrap.
    @Option(name: .long, help: "Seed of the bootstrap resampling.")
    var seed: UInt64 = 42

    /// Rejects run counts and drifts that cannot be judged.
    func validate() throws {
        if history == nil, runs.count != 2 {
            throw ValidationError("give BASELINE and CURRENT (two runs), or --history URL and CURRENT; got \(runs.count) run\(runs.count == 1 ? "" : "s")")
        }
        if history != nil, runs.count != 1 {
            throw ValidationError("with --history, give only CURRENT (one run); got \(runs.count)")
        }
        guard window >= 2 else { throw ValidationError("--window must be at least 2, got \(window)") }
        guard drift.isFinite, drift >= 0, drift <= 10 else {
            throw ValidationError("--drift must be a fraction from 0 to 10, e.g. 0.5 for runs that may differ by 1.5x; got \(drift)")
        }
        if let processDrift, !(processDrift.isFinite && processDrift >= 0 && processDrift <= 10) {
            throw ValidationError("--process-drift must be a fraction from 0 to 10, e.g. 0.75 for runs that may differ by 1.75x; got \(processDrift)")
        }
    }

    /// Loads both runs, compares them, prints the report and exits with the gate's status.
    func run() throws {
        let report: ComparisonReport
        let options = ComparisonOptions(metric: metric, threshold: gate.threshold, drift: drift, processDrift: processDrift,
                                        strict: gate.strict, seed: seed)
        do {
            if let history {
                report = try HistoryJudgement.judge(current: runs[0], store: StoreLocation(history),
                                                    filters: try RunLabels.parse(filters), window: window, options: options)
            } else {
                report = try Comparator.compare(baseline: try RunFolder.load(runs[0], reading: .trials),
                                                current: try RunFolder.load(runs[1], reading: .trials), options: options)
            }
        } catch {
            fail("\(error)")
        }
        print(ComparisonFormatter.render(report, as: gate.format), terminator: "")
        if report.exitCode != 0 { throw ExitCode(report.exitCode) }
    }
}
