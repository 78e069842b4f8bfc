import ArgumentParser
import TVPStore
import Foundation
import TVPAnalysis
import TVPMeasure
import TVPPlan
import TVPReport
import TVPResults
import TVPRun

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a scenario and write trials.csv, summary.csv, meta.json, the charts and report.md.",
        discussion: """
            With no SCENARIO, runs scenarios/default.yaml of tvp's checkout or install location (never \
            of the current directory; the same matrix is built into tvp for when that file is absent). \
            `cpus` in the scenario is this machine's usable CPUs (affinity mask, cgroup quota), or --cpus. Results go to OUT/<UTC timestamp>-<scenario>/; at the end the charts are \
            drawn (as `tvp plot` does; not with --no-plot) and report.md is written (as `tvp report` does). \
            Then the finished folder is stored (--store, else TVP_STORE, else OUT/history.sqlite; \
            --store none: not), in one transaction, for `tvp compare --history` and `tvp history`; a store \
            that fails is reported and makes the exit status 1, the folder being complete either way.

            Ctrl-C (or SIGTERM) stops the run within a second and saves what finished; a second Ctrl-C \
            ends tvp at once, removing its temporary files. Whatever stops a run early still writes \
            summary.csv and meta.json for the finished trials, with the reason.

            The trials run in a second tvp process that this one starts and supervises: when code \
            running there (a plugin calling exit or abort, a crash, a signal) ends it before the run \
            finished, this tvp marks meta.json "failed" with how it ended, removes its temporary \
            files and exits 1; a task that does not stop on Ctrl-C is killed with its process.

            Exit status: 0 every trial succeeded; 1 an error, a failed trial or a failed store; 2 a failed expectation; \
            130 or 143 interrupted by SIGINT or SIGTERM (every finished trial saved).
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

    @Flag(name: .long, help: "Do not draw the charts at the end (their data is still written to charts/data/).")
    var noPlot = false

    @Option(name: .long, help: "Also write the run's cells as JSON in hyperfine's layout to FILE (as `tvp export RUN_DIR --format json` does).")
    var exportJson: String?

    @Option(name: .long, help: "Plan the matrix and judge the expectations for N usable CPUs (the scenario's `cpus`) instead of this machine's; also TVP_CPUS=N. Recorded in meta.json.")
    var cpus: Int?

    /// Rejects overrides outside the ranges a scenario file accepts.
    /// Where the run is stored.
    @Option(name: .long, help: ArgumentHelp("Also store the run here once its folder is written: a SQLite file or a postgres:// URL; none: do not (default: TVP_STORE, else history.sqlite in --out).", valueName: "URL|none"))
    var store: String?

    /// Labels recorded with the stored run.
    @Option(name: .long, help: ArgumentHelp("A label recorded with the stored run, e.g. commit=abc123 or branch=main (repeatable).", valueName: "key=value"))
    var label: [String] = []

    func validate() throws {
        do { _ = try RunLabels.parse(label) } catch { throw ValidationError("\(error)") }
        if let repetitions, !(1...10_000).contains(repetitions) {
            throw ValidationError("--repetitions must be between 1 and 10000, got \(repetitions)")
        }
        if let warmup, !(0...1_000).contains(warmup) {
            throw ValidationError("--warmup must be between 0 and 1000, got \(warmup)")
        }
    }

    func run() throws {
        RunSupervision.armParentDeath()
        guard let reporter = RunSupervision.reporter else {
            // The supervising tvp: it loads nothing and runs no code but its own.
            do { try Interruption.install(escalating: false) } catch { fail("\(error)") }
            let status = RunSupervision.supervise(arguments: Array(CommandLine.arguments.dropFirst())) { printError("tvp: \($0)") }
            if status != 0 { throw ExitCode(status) }
            return
        }
        do {
            try measure(reporter)
            reporter.end(0)
        } catch let code as ExitCode {
            reporter.end(code.rawValue)
            throw code
        }
    }

    /// The measuring process: runs the scenario and writes the results, telling the supervising
    /// tvp the run folder and when the trials have ended.
    func measure(_ reporter: RunSupervision.Reporter) throws {
        let loaded: (scenario: Scenario, path: String, text: String)
        let usableCPUs: UsableCPUs
        do {
            usableCPUs = try UsableCPUs.resolve(option: cpus, environment: ProcessInfo.processInfo.environment)
            loaded = try ScenarioSource.load(path: scenario, cpus: usableCPUs.count)
        } catch {
            fail("\(error)")
        }
        var scenario = loaded.scenario
        if let seed { scenario.seed = seed }
        if let repetitions { scenario.repetitions = repetitions }
        if let warmup { scenario.warmup = warmup }

        do { try Interruption.install(escalating: false) } catch { fail("\(error)") }
        RunSupervision.startStoppedTime()
        let progress = ProgressLine(enabled: !quiet)
        let environment = ProcessInfo.processInfo.environment
        // Resolved now: a plugin's set-up may change the current directory.
        let exportPath = exportJson.map(InstallLocation.absolute)
        var options = RunOptions(outDirectory: out, workerPath: WorkerLocator.path(environment: environment),
                                 pluginWorkerPath: WorkerLocator.pluginPath(environment: environment),
                                 confirmedLongRun: yes,
                                 serverPath: WorkerLocator.serverPath(environment: environment, workerPath: WorkerLocator.path(environment: environment)))
        options.workerSource = WorkerLocator.source(of: "TVP_WORKER", environment: environment)
        options.pluginWorkerSource = WorkerLocator.source(of: "TVP_PLUGIN_WORKER", environment: environment)
        options.serverSource = WorkerLocator.source(of: "TVP_SERVER", environment: environment)
        options.cpus = usableCPUs
        let scenarioRun = ScenarioRun(scenario: scenario, scenarioPath: loaded.path, scenarioText: loaded.text, options: options)
        let report: RunReport
        do {
            report = try scenarioRun.run { event in
                switch event {
                case .notice(let text):
                    progress.clear()
                    printError("tvp: \(text)")
                case .folder(let path): reporter.folder(path)
                case .trialsEnded: reporter.trialsEnded()
                default: break
                }
                progress.handle(event)
            }
        } catch {
            progress.clear()
            fail("\(error)")
        }
        progress.clear()
        print(ConsoleReport.render(report.summaries, breakEvens: report.breakEvens))
        for failure in report.failures.prefix(5) {
            printError("failed trial: \(failure.cell.label) round \(failure.round): \(failure.error ?? "")")
        }
        print("Results: \(report.directory)/ (trials.csv, summary.csv, meta.json)")
        if let signal = report.interruptedBy {
            writeReport(report)
            printError("tvp: interrupted by \(Interruption.name(of: signal)) after \(report.trialsCompleted) of \(report.meta.trialsPlanned) trials; the finished trials are saved in \(report.directory)")
            throw ExitCode(Interruption.exitStatus(for: signal))
        }
        if !report.summaries.isEmpty, let signal = drawCharts(report.folder, draw: !noPlot) {
            printError("tvp: interrupted by \(Interruption.name(of: signal)) while drawing the charts; every result file is saved in \(report.directory) (`tvp plot` draws the charts)")
            throw ExitCode(Interruption.exitStatus(for: signal))
        }
        writeReport(report)
        exportJSON(report.folder, to: exportPath)
        let stored = storeRun(report.directory)
        if let failure = report.failure {
            printError("tvp: run failed after \(report.trialsCompleted) of \(report.meta.trialsPlanned) trials: \(failure)")
            printError("tvp: summary.csv and meta.json (status \"failed\", with this reason) for the finished trials are in \(report.directory)")
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
        let failed = report.expectations.filter { $0.verdict == .fail }
        if !failed.isEmpty {
            printError("tvp: \(failed.count) of \(report.expectations.count) expectations failed")
            if let note = report.meta.machine.contentionNote { printError("note: \(note)") }
            throw ExitCode(2)
        }
        if !stored { throw ExitCode(1) }
    }

    /// Stores the finished run folder (`--store`, `TVP_STORE`, or history.sqlite beside the runs);
    /// false when the store failed, which is reported: the folder is whole either way.
    func storeRun(_ directory: String) -> Bool {
        let location = StoreLocation.resolve(option: store, environment: ProcessInfo.processInfo.environment, runsFolder: out)
        guard location != .none else { return true }
        do {
            guard let store = try Stores.open(location) else { return true }
            let run = try RunImport.load(directory, labels: try RunLabels.parse(label))
            switch try store.importRun(run) {
            case .stored, .alreadyStored: print("Stored: \(location)")
            }
            return true
        } catch {
            printError("tvp: the run was not stored: \(error)")
            printError("tvp: the run folder \(directory) is complete; store it later with `tvp store import \(location) \(directory)`")
            return false
        }
    }
}

extension RunCommand {
    /// Writes the chart data of a finished run (always: `gnuplot -c plot.gp RUN` draws from it
    /// later, anywhere) and, with `draw`, draws the charts; a missing gnuplot or a failure is
    /// reported, not fatal: the CSV files are the results, the charts a view of them. Returns the
    /// signal that stopped the drawing, if one did (gnuplot stopped, nothing half-drawn left).
    func drawCharts(_ run: RunFolder, draw: Bool) -> Int32? {
        let directory = run.directory
        do {
            guard draw else {
                try ChartRenderer.prepareData(run)
                return nil
            }
            let rendering = try ChartRenderer.render(run, environment: ProcessInfo.processInfo.environment)
            print("Charts: \(directory)/charts/ (\(rendering.files.count) files)")
        } catch ChartError.gnuplotMissing {
            printError("note: no charts drawn: gnuplot is not installed (apt-get install -y gnuplot-nox); the chart data is in \(directory)/charts/data: draw it with `tvp plot \(directory)` or `gnuplot -c plot.gp \(directory)`")
        } catch ChartError.interrupted(let signal) {
            return signal
        } catch {
            printError("note: no charts: \(error)")
        }
        return nil
    }

    /// Writes the run's JSON export when asked (`--export-json`); a failure is reported, not fatal:
    /// the run folder holds the results.
    func exportJSON(_ run: RunFolder, to path: String?) {
        guard let path else { return }
        do {
            // As `tvp export` on the folder: a run that finished no trial has nothing to export.
            guard !run.trials.isEmpty else { throw TrialsFileError.noTrials(path: run.trialsPath) }
            try JSONExport.write(run, to: path)
            print("JSON: \(path)")
        } catch {
            printError("note: no JSON export: \(error)")
        }
    }

    /// Writes report.md of a finished run, from the values it computed; a failure is reported, not fatal.
    func writeReport(_ report: RunReport) {
        do {
            try ResultsWriter.writeReport(ReportPage.make(report.folder, verdicts: report.verdicts), runDirectory: report.directory)
            print("Report: \(report.directory)/report.md")
        } catch {
            printError("note: no report.md: \(error)")
        }
    }
}
