import Foundation
import TVPFormatting
import TVPSystem
import TVPWorkloads
import TVPAnalysis
import TVPMeasure
import TVPPlan
import TVPReport
import TVPResults

/// What a run reports while it works, for a progress display.
public enum RunEvent: Sendable {
    /// Fixtures and reference digests are being prepared.
    case preparing(String)
    /// Something the user should know, whatever the display (a leftover removed, a warning).
    case notice(String)
    /// The run folder exists: its absolute path.
    case folder(String)
    /// The trials start: how many.
    case started(totalTrials: Int, directory: String)
    /// The trials have ended (all run, interrupted or failed): no plugin code runs after this.
    case trialsEnded
    /// A trial finished.
    case trialFinished(TrialSample, completed: Int, total: Int)
}

/// How a run should go, beyond its scenario. Every path is absolute, resolved against the
/// working directory when the options are made: a plugin's set-up may `chdir` (item 2 of issue 23).
public struct RunOptions: Sendable {
    /// Folder under which the run folder is created.
    public var outDirectory: String
    /// The `tvp-worker` executable.
    public var workerPath: String
    /// The `tvp-plugin-worker` executable (plugin tasks under process modes).
    public var pluginWorkerPath: String
    /// The command line, for meta.json.
    public var commandLine: [String]
    /// Run even when the forecast says it takes more than an hour.
    public var confirmedLongRun = false
    /// Where the run's fixture files and staged inputs go: `$TMPDIR`, else /tmp.
    public var scratchDirectory = Files.absolutePath(Files.temporaryDirectory)
    /// The `tvp` executable started as `tvp serve` for `download` tasks: this tvp itself, found on
    /// its own terms (not beside `$TVP_WORKER`, which may be a wrapper script).
    public var serverPath: String
    /// The usable CPUs the scenario was planned for (`cpus`), recorded in meta.json.
    public var cpus = UsableCPUs.detected()
    /// How each executable was found ("$TVP_WORKER", "beside tvp"), for the message when one is missing.
    public var workerSource = "beside tvp", pluginWorkerSource = "beside tvp", serverSource = "this tvp"

    /// Creates options.
    public init(outDirectory: String, workerPath: String, pluginWorkerPath: String? = nil,
                commandLine: [String] = CommandLine.arguments, confirmedLongRun: Bool = false, serverPath: String? = nil) {
        self.outDirectory = outDirectory.isEmpty ? "" : Files.absolutePath(outDirectory)
        self.workerPath = Files.absolutePath(workerPath)
        self.pluginWorkerPath = Files.absolutePath(pluginWorkerPath ?? WorkerLocator.pluginWorkerPath(besideWorker: workerPath))
        self.commandLine = commandLine
        self.confirmedLongRun = confirmedLongRun
        self.serverPath = Files.absolutePath(serverPath ?? WorkerLocator.serverPath(workerPath: workerPath))
    }
}

/// The result of a run that has a run folder, whether it ran to its end or not.
public struct RunReport: Sendable {
    /// The run folder.
    public var directory: String
    /// One summary per cell.
    public var summaries: [CellSummary]
    /// Trials that finished.
    public var trialsCompleted: Int
    /// Finished trials that failed, with their errors.
    public var failures: [TrialSample]
    /// What meta.json says.
    public var meta: RunMeta
    /// The signal that stopped the run early, nil when it ran to the end.
    public var interruptedBy: Int32?
    /// Why the run stopped early on an error (a full disk, a fixture that could not be written, a
    /// trial it could not stop), when it did: meta.json says "failed" with this reason.
    public var failure: String?
    /// The scenario's expectations, evaluated on this run (none when it stopped early).
    public var expectations: [ExpectationResult]
    /// Runs with `mixed` cells: where each process mode starts to pay off against threads.
    public var breakEvens: [Crossover.BreakEven] = []
    /// The run folder as its files hold it (`ResultsWriter.written`), for the charts, report.md and
    /// the JSON export: what `tvp plot`, `tvp report` and `tvp export` would read from it.
    public var folder: RunFolder
    /// The expectations for report.md: evaluated on the trials that finished, even when the run
    /// stopped early, or why they could not be.
    public var verdicts: ReportPage.Verdicts
}

/// Runs a scenario: prepares fixtures and reference digests outside any clock, runs the trials in
/// their interleaved order, streams every trial to trials.csv, then writes summary.csv and meta.json.
/// Once the run folder exists, whatever stops the run — an error, a signal — still writes
/// summary.csv and meta.json for the trials that finished ("failed" or "interrupted", with why).
public struct ScenarioRun {
    /// The scenario to run.
    public var scenario: Scenario
    /// Where it came from, and its text (recorded in meta.json).
    public var scenarioPath: String
    /// The scenario's text.
    public var scenarioText: String
    /// Output folder, worker path, command line.
    public var options: RunOptions

    /// Prepares a run of `scenario`.
    public init(scenario: Scenario, scenarioPath: String, scenarioText: String, options: RunOptions) {
        self.scenario = scenario
        self.scenarioPath = scenarioPath
        self.scenarioText = scenarioText
        self.options = options
    }

    /// Runs every trial and writes the results; `events` hears about progress. Throws only before
    /// the run folder exists (bad options, a refused forecast) or when its last files cannot be written.
    public func run(events: (RunEvent) -> Void = { _ in }) throws -> RunReport {
        let builtInProcessCells = Self.spawnsBuiltInWorkers(scenario.cells)
        guard Files.isExecutable(options.workerPath) || !builtInProcessCells else {
            throw ResultsError(path: options.workerPath, problem: "the worker executable (found \(options.workerSource)) is missing or not executable; build it with `swift build -c release` (it sits next to tvp), or set $TVP_WORKER to it")
        }
        if scenario.workloads.contains(where: { $0.is(DownloadWorkload.self) }), !Files.isExecutable(options.serverPath) {
            throw ResultsError(path: options.serverPath, problem: "the download server, `tvp serve` (found as \(options.serverSource)), is missing or not executable; set $TVP_SERVER to a tvp executable")
        }
        try PluginPreparation.check(scenario.cells, pluginWorkerPath: options.pluginWorkerPath, source: options.pluginWorkerSource)
        // Every download in flight and every worker's pipe is a descriptor: take all the kernel allows.
        let descriptorLimit = DescriptorLimit.raiseToHard()
        if let problem = DescriptorBudget.problem(scenario.cells, limit: descriptorLimit, source: scenarioPath) {
            throw RunRefusal(message: problem)
        }
        let estimate = DurationEstimate.seconds(scenario, usableCPUs: ProcFS.usableCPUs())
        guard estimate < DurationEstimate.confirmationSeconds || options.confirmedLongRun else {
            throw RunRefusal(message: "\(scenarioPath): this matrix of \(scenario.cells.count) cells would run for about \(Seconds.format(estimate, .rough)); pass --yes to run it anyway, or shrink `workers`, `tasks`, `repetitions` or the workloads")
        }
        events(.preparing("estimated duration \(Seconds.format(estimate, .rough))"))
        for notice in KilledRuns.mark(in: options.outDirectory) { events(.notice(notice)) }
        let writer = try ResultsWriter(outDirectory: options.outDirectory, scenarioName: scenario.name)
        events(.folder(writer.directory))
        var run = RunProgress(meta: RunMeta(
            schemaVersion: TrialSchema.version, scenario: scenario.name, scenarioPath: scenarioPath,
            scenarioText: scenarioText, scenarioSHA256: SHA256Hasher.hash(Array(scenarioText.utf8)).hex,
            seed: scenario.seed, commandLine: options.commandLine, startedAt: RunMeta.timestamp(), endedAt: nil,
            status: "running", trialsPlanned: 0, trialsCompleted: 0, trialsFailed: 0, machine: MachineFacts.current(cpus: options.cpus)))
        run.meta.estimatedSeconds = estimate
        // The supervising tvp answers for the run; without one (a test running a scenario itself), this process.
        run.meta.ownerProcess = RunSupervision.reporter == nil ? ProcFS.ownIdentity() : ProcFS.processIdentity(parentProcessID())
        run.meta.warnings = []
        do {
            try runTrials(&run, writer: writer, events: events)
        } catch let interrupted as RunInterrupted {
            run.interruptedBy = interrupted.signal
        } catch {
            run.failure = "\(error)"
        }
        events(.trialsEnded)
        if run.interruptedBy == nil, let signal = InterruptSignal.received { run.interruptedBy = signal }
        return try finish(&run, writer: writer)
    }

    /// Whether `cells` start tvp-worker processes (a process mode of a built-in workload).
    private static func spawnsBuiltInWorkers(_ cells: [Cell]) -> Bool {
        cells.contains { $0.mode.usesProcesses && !$0.workload.isPlugin }
    }

    /// Prepares the inputs and references, then runs the plan, recording each trial in `run`.
    private func runTrials(_ run: inout RunProgress, writer: ResultsWriter, events: (RunEvent) -> Void) throws {
        try writer.writeMeta(run.meta)
        // `mixed` tasks hash for a share of their budget: how many bytes that is depends on this machine.
        var scenario = self.scenario
        if scenario.workloads.contains(where: { $0.calibratedVariant(bytesPerSecond: 1) != nil }) {
            events(.preparing("measuring the hashing rate for mixed tasks"))
            let rate = MixedWorkload.measureHashingRate()
            run.meta.hashingRateMBPerSecond = rate / 1e6
            scenario.workloads = scenario.workloads.map { $0.calibratedVariant(bytesPerSecond: rate) ?? $0 }
        }

        run.cells = scenario.cells
        if run.cells.contains(where: \.workload.isPlugin) { run.meta.plugins = PluginFact.of(run.cells) }
        let plan = TrialPlanner.plan(cells: run.cells, warmup: scenario.warmup, repetitions: scenario.repetitions, seed: scenario.seed)
        run.meta.trialsPlanned = plan.count
        run.steal0 = ProcFS.stealSeconds()
        run.cpu0 = ProcFS.totalCPUSeconds()

        for notice in Leftovers.removeOrphans(in: options.scratchDirectory) { events(.notice(notice)) }
        events(.preparing("writing fixture files and shared inputs"))
        let inputs = try InputSet(workloads: scenario.workloads, tasks: scenario.maximumTasks(for:), scratchDirectory: options.scratchDirectory)
        defer { inputs.remove() }
        for warning in inputs.warnings {
            run.meta.warnings?.append(warning)
            events(.notice("warning: \(warning)"))
        }
        try writer.writeMeta(run.meta)
        events(.preparing("computing reference digests"))
        // One reference per serial cell (workload and task count): every mode and transfer must match it.
        var references: [Cell: TaskDigest] = [:]
        for cell in run.cells where !cell.workload.isPlugin && references[cell.serialBaseline] == nil {
            // `tally` and `refs` tasks need the table or graph they share, staged as for a trial.
            let staged = try inputs.stage(cell.serialBaseline)
            defer { staged.remove() }
            references[cell.serialBaseline] = try ReferenceDigests.compute(cell, input: staged.input)
        }
        let plugins = PluginPreparation(pluginWorkerPath: options.pluginWorkerPath, taskTimeoutSeconds: scenario.taskTimeoutSeconds,
                                        runDirectory: writer.directory)
        defer { plugins.finish() }
        references.merge(try plugins.prepare(run.cells, inputs: inputs, events: events)) { $1 }

        var workerEnvironment: [String: String] = [:]
        if Self.spawnsBuiltInWorkers(run.cells) {
            events(.preparing("asking the worker for libcrypto's CPU capabilities"))
            workerEnvironment = WorkerEnvironment.additions(forWorker: options.workerPath, environment: ProcessInfo.processInfo.environment)
            if !workerEnvironment.isEmpty { run.meta.workerEnvironment = workerEnvironment }
        }

        events(.started(totalTrials: plan.count, directory: writer.directory))
        let measurer = TrialMeasurer(workerPath: options.workerPath, pluginWorkerPath: options.pluginWorkerPath,
                                     taskTimeoutSeconds: scenario.taskTimeoutSeconds,
                                     switchIntervalNanoseconds: UInt64((scenario.switchIntervalMilliseconds * 1e6).rounded()),
                                     usableCPUs: PlacementTestHooks.usableCPUs(), workerEnvironment: workerEnvironment)
        if Self.spawnsBuiltInWorkers(run.cells) {
            // The worker's file put in the page cache as every trial of a process mode will find it,
            // and how much of it the cache then holds in 2 MiB folios: a fact of the machine that
            // moves every `processes` cell (docs/overhead.md, row a).
            measurer.programPages.refresh(options.workerPath)
            run.meta.workerHugeMappedKiB = ProgramPages.hugeMappedBytes(options.workerPath).map { $0 / 1024 }
        }
        run.samples.reserveCapacity(plan.count)
        // Download servers start before the first trial that needs them, and stop after the last.
        let servers = scenario.workloads.contains { $0.is(DownloadWorkload.self) } ? DownloadServers(executable: options.serverPath) : nil
        defer { servers?.stopAll() }
        var lastTrialOfServer: [DownloadServerConfiguration: Int] = [:]
        for (index, trial) in plan.enumerated() {
            if let download = trial.cell.workload.as(DownloadWorkload.self) { lastTrialOfServer[download.server] = index }
        }
        if servers != nil && scenario.modes.contains(.async) { AsyncDownloads.prepare() }
        // Descriptors are counted around the trials only: Foundation opens some of its own once.
        run.meta.openDescriptorsAtStart = ProcFS.openDescriptorCount()
        defer { run.meta.openDescriptorsAtEnd = ProcFS.openDescriptorCount() }
        for (index, trial) in plan.enumerated() {
            try Interruption.checkpoint()
            try inputs.prepareCache(for: trial.cell.workload)
            let staged = try inputs.stage(trial.cell)
            plugins.guardTrial(of: trial.cell)
            var input = staged.input
            var server: DownloadServers.Snapshot?
            if let download = trial.cell.workload.as(DownloadWorkload.self), let servers {
                server = try servers.snapshot(for: download.server)
                input = .server(port: server!.server.port)
            }
            var record = measurer.measure(trial, input: input, expectedDigest: references[trial.cell.serialBaseline])
            if let server, let servers {
                servers.complete(&record, since: server)
                if lastTrialOfServer[server.configuration] == index { servers.stop(server.configuration) }
            }
            staged.remove()
            // A trial cut short by Ctrl-C measured nothing worth keeping.
            try Interruption.checkpoint()
            try writer.append(record)
            run.samples.append(record)
            if record.stoppedSeconds > 0 {
                let warning = "tvp was stopped for \(Seconds.format(record.stoppedSeconds, .tenths)) during trial \(run.samples.count) (\(trial.cell.label), "
                    + "round \(trial.round)): its wall time includes that (stopped_s in trials.csv); deadlines did not count it"
                run.meta.warnings?.append(warning)
                events(.notice("warning: \(warning)"))
            }
            if !record.ok { run.failures.append(record) }
            events(.trialFinished(record, completed: run.samples.count, total: plan.count))
            if record.abandonedRun { throw TrialAbandoned(message: record.error ?? "a trial could not be stopped") }
            if let problem = writer.spaceProblem { throw ResultsError(path: writer.trialsPath, problem: problem) }
        }
    }
}

/// What a run has done so far: the state `ScenarioRun` carries from preparation to its last files.
struct RunProgress {
    var meta: RunMeta
    var cells: [Cell] = []
    var samples: [TrialSample] = []
    var failures: [TrialSample] = []
    var interruptedBy: Int32?
    var failure: String?
    var steal0 = 0.0, cpu0 = 0.0
}

/// A trial left work running that tvp cannot stop: the run must end.
struct TrialAbandoned: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

/// A run tvp will not start without confirmation.
public struct RunRefusal: Error, CustomStringConvertible, Sendable {
    /// Why, and what to do.
    public var message: String
    public var description: String { message }
}
