import ArgumentParser
import Foundation
import TVPAnalysis
import TVPFormatting
import TVPMeasure
import TVPPlan
import TVPReport
import TVPResults
import TVPRun

/// `tvp paired BASELINE CURRENT [SCENARIO]`: the regression gate that cancels drift.
struct PairedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "paired",
        abstract: "Run two builds in alternating rounds and fail when the current one regressed.",
        discussion: """
            BASELINE and CURRENT are builds: folders holding tvp and its tvp-worker (e.g. a checkout's \
            .build/release), or their tvp executables. In each round both builds run SCENARIO once \
            (`tvp run --repetitions R --warmup W`, the same seed), in ABBA order over the rounds; each cell \
            is judged on its per-round ratios current/baseline (Hodges-Lehmann estimate with an exact \
            Wilcoxon signed-rank interval), so the machine's drift between runs, which `tvp compare` must \
            allow for, cancels. Each of the m cells is judged at confidence 1 - alpha/m, so the chance of \
            any false alarm is at most alpha. A cell regressed when its whole interval lies above \
            1 + threshold, improved below 1 - threshold, is unchanged within, inconclusive otherwise.

            Use it when both builds are at hand (a CI job has base and head); use `tvp compare` for two \
            runs made apart (a stored baseline), which can only see changes larger than the drift.

            Results go to OUT/<UTC timestamp>-paired-<scenario>/: every round's runs, paired.csv (each \
            cell's figures per round), comparison.md and meta.json.

            Exit status: 0 no regression; 2 a regression (or, with --strict, an inconclusive cell); 1 an \
            error; 130/143 interrupted (the finished rounds are judged and kept).
            """
    )

    @Argument(help: "The reference build: a folder holding tvp and tvp-worker, or its tvp.", completion: .file())
    var baseline: String

    @Argument(help: "The build to judge, the same way.", completion: .file())
    var current: String

    @Argument(help: "The scenario both builds run.", completion: .file(extensions: ["yaml", "yml"]))
    var scenario: String = "scenarios/ci.yaml"

    @Option(name: .long, help: "Rounds (default: the fewest that can reach each cell's confidence, plus 2, at least 10).")
    var rounds: Int?

    @Option(name: .long, help: "Counted trials per cell in each build's run of a round.")
    var repetitions: Int = 3

    @Option(name: .long, help: "Warm-up trials per cell in each build's run of a round.")
    var warmup: Int = 1

    @Option(name: .long, help: "Folder for the paired folder.")
    var out: String = "results"

    @Option(name: .long, help: "What to compare per cell and round.")
    var metric: ComparisonMetric = .wall

    @OptionGroup var gate: GateOptions

    @Option(name: .long, help: "Chance of any false alarm over all cells (Bonferroni).")
    var alpha: Double = 0.01

    @Option(name: .long, help: "Seed of round 1's trial order.")
    var seed: UInt64 = 1

    @Flag(name: .long, help: "No progress lines on stderr.")
    var quiet = false

    func validate() throws {
        guard alpha.isFinite, alpha > 0, alpha < 1 else { throw ValidationError("--alpha must be in (0, 1), e.g. 0.01; got \(alpha)") }
        if let rounds, !(2...1_000).contains(rounds) { throw ValidationError("--rounds must be between 2 and 1000, got \(rounds)") }
        guard (1...10_000).contains(repetitions) else { throw ValidationError("--repetitions must be between 1 and 10000, got \(repetitions)") }
        guard (0...1_000).contains(warmup) else { throw ValidationError("--warmup must be between 0 and 1000, got \(warmup)") }
    }

    func run() throws {
        let builds: (Build, Build)
        let loaded: Scenario
        do {
            builds = (try Build(path: baseline), try Build(path: current))
            loaded = try ScenarioLoader.load(path: scenario, cpus: try UsableCPUs.resolve(option: nil, environment: ProcessInfo.processInfo.environment).count)
        } catch {
            fail("\(error)")
        }
        let options = PairedOptions(metric: metric, threshold: gate.threshold, familyAlpha: alpha, strict: gate.strict)
        let cellCount = loaded.cells.filter { metric != .speedup || $0.mode != .serial }.count
        let plannedRounds = rounds ?? max(10, options.minimumRounds(cells: cellCount) + 2)
        let plan = PairedPlan(scenarioPath: scenario, rounds: plannedRounds, repetitions: repetitions, warmup: warmup, seed: seed)

        do { try Interruption.install() } catch { fail("\(error)") }
        let directory: String
        var meta = PairedMeta(
            baseline: PairedMeta.buildFacts(builds.0), current: PairedMeta.buildFacts(builds.1), scenarioPath: scenario,
            roundsPlanned: plannedRounds, repetitions: repetitions, warmup: warmup, seed: seed, commandLine: CommandLine.arguments)
        for notice in PairedRounds.markKilledRuns(in: out) { printError("tvp: \(notice)") }
        do {
            directory = try ResultsWriter.makeFolder(outDirectory: out, name: "paired-\(loaded.name)")
            try ResultsWriter.writeFile(try meta.json(), name: "meta.json", in: directory)
        } catch {
            fail("\(error)")
        }
        if !quiet {
            printError("tvp paired: \(plannedRounds) rounds of \(scenario), \(cellCount) cells; results in \(directory)/")
        }
        let pairedRounds = PairedRounds(baseline: builds.0, current: builds.1, plan: plan, directory: directory)
        var finished: [PairedRound] = []
        var failure: String?
        do {
            finished = try pairedRounds.run { event in
                guard !quiet, case .ran(let round, let side, let seconds) = event else { return }
                printError("  round \(round)/\(plannedRounds): \(side) ran in \(Seconds.format(seconds, .tenths))")
            }
        } catch {
            failure = "\(error)"
        }
        meta.roundsCompleted = finished.count
        meta.endedAt = RunMeta.timestamp()
        let signal = Interruption.received
        meta.status = failure != nil ? "failed" : signal != nil ? "interrupted" : "complete"
        meta.reason = failure ?? signal.map { "tvp received \(Interruption.name(of: $0))" }
        try? ResultsWriter.writeFile(try meta.json(), name: "meta.json", in: directory)
        if let failure { fail("\(failure)\nthe finished rounds are kept in \(directory)") }

        let report: ComparisonReport
        do {
            let (judged, figures) = try PairedComparator.compare(finished, options: options, baselinePath: baseline, currentPath: current)
            report = judged
            try ResultsWriter.writeFile(PairedCSV.text(figures, metric: metric), name: "paired.csv", in: directory)
            try ResultsWriter.writeFile(ComparisonFormatter.render(report, as: .markdown), name: "comparison.md", in: directory)
        } catch {
            fail("\(error)")
        }
        print(ComparisonFormatter.render(report, as: gate.format), terminator: "")
        if let signal {
            printError("tvp: interrupted by \(Interruption.name(of: signal)) after \(finished.count) of \(plannedRounds) rounds; judged on those, kept in \(directory)")
            throw ExitCode(Interruption.exitStatus(for: signal))
        }
        if report.exitCode != 0 { throw ExitCode(report.exitCode) }
    }
}
