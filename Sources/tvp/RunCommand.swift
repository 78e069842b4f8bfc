import ArgumentParser
import Foundation
import TVPCore

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a scenario and write trials.csv, summary.csv and meta.json.",
        discussion: """
            With no SCENARIO, runs scenarios/default.yaml (or the same matrix built into tvp when that \
            file is absent). Results go to OUT/<UTC timestamp>-<scenario>/.

            Exit status: 0 every trial succeeded; 1 an error or a failed trial; 2 a failed expectation.
            """
    )

    @Argument(help: "The scenario YAML file.", completion: .file(extensions: ["yaml", "yml"]))
    var scenario: String?

    @Option(name: .long, help: "Folder for run folders.")
    var out: String = "results"

    @Option(name: .long, help: "Override the scenario's seed (trial order, bootstrap).")
    var seed: UInt64?

    @Option(name: .long, help: "Override the scenario's counted trials per cell (1-10000).")
    var repetitions: Int?

    @Option(name: .long, help: "Override the scenario's warm-up trials per cell (0-1000).")
    var warmup: Int?

    @Flag(name: .long, help: "No progress line on stderr.")
    var quiet = false

    @Flag(name: .long, help: "Run even when the matrix is forecast to take more than an hour.")
    var yes = false

    @Flag(name: .long, help: "Do not draw the charts at the end.")
    var noPlot = false

    /// Rejects overrides outside the ranges a scenario file accepts.
    func validate() throws {
        if let repetitions, !(1...10_000).contains(repetitions) {
            throw ValidationError("--repetitions must be between 1 and 10000, got \(repetitions)")
        }
        if let warmup, !(0...1_000).contains(warmup) {
            throw ValidationError("--warmup must be between 0 and 1000, got \(warmup)")
        }
    }

    func run() throws {
        let loaded: (scenario: Scenario, path: String, text: String)
        do {
            loaded = try ScenarioSource.load(path: scenario)
        } catch {
            fail("\(error)")
        }
        var scenario = loaded.scenario
        if let seed { scenario.seed = seed }
        if let repetitions { scenario.repetitions = repetitions }
        if let warmup { scenario.warmup = warmup }

        do { try Interruption.install() } catch { fail("\(error)") }
        let progress = ProgressLine(enabled: !quiet)
        let runner = Runner(
            scenario: scenario, scenarioPath: loaded.path, scenarioText: loaded.text,
            options: RunOptions(outDirectory: out, workerPath: WorkerLocator.path(environment: ProcessInfo.processInfo.environment),
                                confirmedLongRun: yes))
        let report: RunReport
        do {
            report = try runner.run { progress.handle($0) }
        } catch {
            progress.clear()
            fail("\(error)")
        }
        progress.clear()
        print(ConsoleReport.render(report.summaries, breakEvens: report.breakEvens))
        for failure in report.failures.prefix(5) {
            printError("failed trial: \(failure.trial.cell.label) round \(failure.trial.round): \(failure.error ?? "")")
        }
        print("Results: \(report.directory)/ (trials.csv, summary.csv, meta.json)")
        if !noPlot && !report.summaries.isEmpty { drawCharts(report.directory) }
        if let signal = report.interruptedBy {
            printError("tvp: interrupted by \(Interruption.name(of: signal)) after \(report.trialsCompleted) of \(report.meta.trialsPlanned) trials; the finished trials are saved in \(report.directory)")
            throw ExitCode(Interruption.exitStatus(for: signal))
        }
        if let abandoned = report.abandoned {
            printError("tvp: run stopped after \(report.trialsCompleted) of \(report.meta.trialsPlanned) trials: \(abandoned)")
            throw ExitCode(1)
        }
        if !report.expectations.isEmpty {
            print("\nExpectations:")
            report.expectations.forEach { print($0.line) }
        }
        if !report.failures.isEmpty {
            printError("tvp: \(report.failures.count) of \(report.trialsCompleted) trials failed")
            throw ExitCode(1)
        }
        let failed = report.expectations.filter { !$0.passed }
        if !failed.isEmpty {
            printError("tvp: \(failed.count) of \(report.expectations.count) expectations failed")
            throw ExitCode(2)
        }
    }
}

extension RunCommand {
    /// Draws the charts of a finished run; a missing gnuplot or a failure is reported, not fatal:
    /// the CSV files are the results, the charts a view of them.
    func drawCharts(_ directory: String) {
        do {
            let files = try ChartRenderer.render(runDirectory: directory, environment: ProcessInfo.processInfo.environment)
            print("Charts: \(directory)/charts/ (\(files.count) files)")
        } catch ChartError.gnuplotMissing {
            printError("note: no charts: gnuplot is not installed (apt-get install -y gnuplot-nox), then run `tvp plot \(directory)`")
        } catch {
            printError("note: no charts: \(error)")
        }
    }
}
