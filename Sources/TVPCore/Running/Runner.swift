import Foundation
import TVPSystem
import TVPWorkloads

/// What the runner reports while it works, for a progress display.
public enum RunEvent: Sendable {
    /// Fixtures and reference digests are being prepared.
    case preparing(String)
    /// The trials start: how many.
    case started(totalTrials: Int, directory: String)
    /// A trial finished.
    case trialFinished(TrialRecord, completed: Int, total: Int)
}

/// How a run should go, beyond its scenario.
public struct RunOptions: Sendable {
    /// Folder under which the run folder is created.
    public var outDirectory: String
    /// The `tvp-worker` executable.
    public var workerPath: String
    /// The command line, for meta.json.
    public var commandLine: [String]
    /// Run even when the forecast says it takes more than an hour.
    public var confirmedLongRun = false
    /// Where the run's fixture files and staged inputs go: `$TMPDIR`, else /tmp.
    public var scratchDirectory = Files.temporaryDirectory
    /// The `tvp` executable started as `tvp serve` for `download` tasks: the one next to the worker.
    public var serverPath: String

    /// Creates options.
    public init(outDirectory: String, workerPath: String, commandLine: [String] = CommandLine.arguments,
                confirmedLongRun: Bool = false) {
        self.outDirectory = outDirectory
        self.workerPath = workerPath
        self.commandLine = commandLine
        self.confirmedLongRun = confirmedLongRun
        let directory = workerPath.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        serverPath = (directory.isEmpty && !workerPath.hasPrefix("/") ? "." : directory) + "/tvp"
    }
}

/// The result of a finished run.
public struct RunReport: Sendable {
    /// The run folder.
    public var directory: String
    /// One summary per cell.
    public var summaries: [CellSummary]
    /// Trials that finished.
    public var trialsCompleted: Int
    /// Finished trials that failed, with their errors.
    public var failures: [TrialRecord]
    /// What meta.json says.
    public var meta: RunMeta
    /// The signal that stopped the run early, nil when it ran to the end.
    public var interruptedBy: Int32?
    /// Why the run stopped early on its own (a trial it could not stop), when it did.
    public var abandoned: String?
    /// The scenario's expectations, evaluated on this run.
    public var expectations: [ExpectationResult]
    /// Runs with `mixed` cells: where each process mode starts to pay off against threads.
    public var breakEvens: [Crossover.BreakEven] = []
}

/// Runs a scenario: prepares fixtures and reference digests outside any clock, runs the trials in
/// their interleaved order, streams every trial to trials.csv, then writes summary.csv and meta.json.
public struct Runner {
    /// The scenario to run.
    public var scenario: Scenario
    /// Where it came from, and its text (recorded in meta.json).
    public var scenarioPath: String
    /// The scenario's text.
    public var scenarioText: String
    /// Output folder, worker path, command line.
    public var options: RunOptions

    /// Creates a runner.
    public init(scenario: Scenario, scenarioPath: String, scenarioText: String, options: RunOptions) {
        self.scenario = scenario
        self.scenarioPath = scenarioPath
        self.scenarioText = scenarioText
        self.options = options
    }

    /// Runs every trial and writes the results; `events` hears about progress.
    public func run(events: (RunEvent) -> Void = { _ in }) throws -> RunReport {
        guard Files.isExecutable(options.workerPath) || !scenario.modes.contains(where: \.usesProcesses) else {
            throw ResultsError(path: options.workerPath, problem: "the worker executable is missing or not executable; build it with `swift build -c release` (it must sit next to tvp)")
        }
        // Every download in flight and every worker's pipe is a descriptor: take all the kernel allows.
        let descriptorLimit = DescriptorLimit.raiseToHard()
        if let problem = DescriptorBudget.problem(scenario.cells, limit: descriptorLimit, source: scenarioPath) {
            throw RunRefusal(message: problem)
        }
        let estimate = DurationEstimate.seconds(scenario, usableCPUs: ProcFS.usableCPUs())
        guard estimate < DurationEstimate.confirmationSeconds || options.confirmedLongRun else {
            throw RunRefusal(message: "\(scenarioPath): this matrix of \(scenario.cells.count) cells would run for about \(DurationEstimate.format(estimate)); pass --yes to run it anyway, or shrink `workers`, `tasks`, `repetitions` or the workloads")
        }
        events(.preparing("estimated duration \(DurationEstimate.format(estimate))"))
        let writer = try ResultsWriter(outDirectory: options.outDirectory, scenarioName: scenario.name)
        let machine = MachineFacts.current()
        // `mixed` tasks hash for a share of their budget: how many bytes that is depends on this machine.
        var scenario = self.scenario
        var hashingRate: Double?
        if scenario.workloads.contains(where: { if case .mixed = $0 { true } else { false } }) {
            events(.preparing("measuring the hashing rate for mixed tasks"))
            let rate = TaskRunner.measureHashingRate()
            hashingRate = rate
            scenario.workloads = scenario.workloads.map {
                if case .mixed(let mixed) = $0 { .mixed(mixed.calibrated(bytesPerSecond: rate)) } else { $0 }
            }
        }
        let steal0 = ProcFS.stealSeconds(), cpu0 = ProcFS.totalCPUSeconds()
        let cells = scenario.cells
        let plan = TrialPlanner.plan(cells: cells, warmup: scenario.warmup, repetitions: scenario.repetitions, seed: scenario.seed)
        var meta = RunMeta(
            schemaVersion: CSVFormat.schemaVersion, scenario: scenario.name, scenarioPath: scenarioPath,
            scenarioText: scenarioText, scenarioSHA256: SHA256Hasher.hash(Array(scenarioText.utf8)).hex,
            seed: scenario.seed, commandLine: options.commandLine, startedAt: RunMeta.timestamp(), endedAt: nil,
            status: "running", trialsPlanned: plan.count, trialsCompleted: 0, trialsFailed: 0, machine: machine)
        meta.estimatedSeconds = estimate
        meta.hashingRateMBPerSecond = hashingRate.map { $0 / 1e6 }
        try writer.writeMeta(meta)

        events(.preparing("writing fixture files and shared inputs"))
        let inputs = try InputSet(workloads: scenario.workloads, tasks: scenario.maximumTasks(for:), scratchDirectory: options.scratchDirectory)
        defer { inputs.remove() }
        events(.preparing("computing reference digests"))
        // One reference per serial cell (workload and task count): every mode and transfer must match it.
        var references: [Cell: TaskDigest] = [:]
        for cell in cells {
            let baseline = cell.serialBaseline
            guard references[baseline] == nil else { continue }
            // Downloads are checked against the files themselves: no server, no serial run of hours.
            if let download = baseline.workload.download {
                references[baseline] = download.referenceDigest(tasks: baseline.tasks)
                continue
            }
            let request = ExecutionRequest(workload: baseline.workload, input: inputs.input(for: baseline), tasks: baseline.tasks, workers: 1)
            let result = SerialExecutor().run(request)
            guard let digest = result.combinedDigest else {
                throw ResultsError(path: inputs.directory, problem: "the reference run of \(baseline.workload.label) failed: \(result.errorSummary ?? "")")
            }
            references[baseline] = digest
        }

        events(.started(totalTrials: plan.count, directory: writer.directory))
        let measurer = TrialMeasurer(workerPath: options.workerPath, taskTimeoutSeconds: scenario.taskTimeoutSeconds,
                                     switchIntervalNanoseconds: UInt64((scenario.switchIntervalMilliseconds * 1e6).rounded()))
        var samples: [TrialSample] = []
        samples.reserveCapacity(plan.count)
        var failures: [TrialRecord] = []
        var abandoned: String?
        // Download servers start before the first trial that needs them, and stop after the last.
        let servers = scenario.workloads.contains { $0.download != nil } ? DownloadServers(executable: options.serverPath) : nil
        defer { servers?.stopAll() }
        var lastTrialOfServer: [DownloadServerConfiguration: Int] = [:]
        for (index, trial) in plan.enumerated() {
            if let download = trial.cell.workload.download { lastTrialOfServer[download.server] = index }
        }
        if servers != nil && scenario.modes.contains(.async) { AsyncDownloads.prepare() }
        // Descriptors are counted around the trials only: Foundation opens some of its own once.
        let descriptorsAtStart = ProcFS.openDescriptorCount()
        for (index, trial) in plan.enumerated() {
            if InterruptSignal.received != nil { break }
            try inputs.prepareCache(for: trial.cell.workload)
            let staged = try inputs.stage(trial.cell)
            var input = staged.input
            var server: DownloadServers.Snapshot?
            if let download = trial.cell.workload.download, let servers {
                server = try servers.snapshot(for: download.server)
                input = .server(port: server!.server.port)
            }
            var record = measurer.measure(trial, scenario: scenario.name, input: input,
                                          expectedDigest: references[trial.cell.serialBaseline])
            if let server, let servers {
                servers.complete(&record, since: server)
                if lastTrialOfServer[server.configuration] == index { servers.stop(server.configuration) }
            }
            staged.remove()
            // A trial cut short by Ctrl-C measured nothing worth keeping.
            if InterruptSignal.received != nil { break }
            try writer.append(record)
            samples.append(TrialSample(record))
            if !record.ok { failures.append(record) }
            events(.trialFinished(record, completed: samples.count, total: plan.count))
            if record.abandonedRun {
                abandoned = record.error
                break
            }
        }

        let descriptorsAtEnd = ProcFS.openDescriptorCount()
        let summaries = Summarizer(seed: scenario.seed, usableCPUs: machine.usableCPUs).summarize(samples, cellOrder: cells)
        let expectations = ExpectationEvaluator.evaluate(
            try ExpectationEvaluator.expectations(of: scenario, source: scenarioPath), summaries: summaries)
        try writer.writeSummary(summaries, scenario: scenario.name)
        let crossover = Crossover.points(samples, seed: scenario.seed)
        let breakEvens = Crossover.breakEvens(crossover)
        try writer.writeCrossover(crossover, breakEvens)
        let cpu = ProcFS.totalCPUSeconds() - cpu0
        meta.stealFractionDuringRun = cpu > 0 ? (ProcFS.stealSeconds() - steal0) / cpu : nil
        meta.endedAt = RunMeta.timestamp()
        let interruptedBy = InterruptSignal.received
        meta.status = interruptedBy != nil ? "interrupted" : abandoned != nil ? "abandoned" : "complete"
        meta.trialsCompleted = samples.count
        meta.trialsFailed = failures.count
        meta.openDescriptorsAtStart = descriptorsAtStart
        meta.openDescriptorsAtEnd = descriptorsAtEnd
        meta.zombieChildrenAtEnd = ProcFS.zombieChildren()
        try writer.writeMeta(meta)
        return RunReport(directory: writer.directory, summaries: summaries, trialsCompleted: samples.count,
                         failures: failures, meta: meta, interruptedBy: interruptedBy, abandoned: abandoned,
                         expectations: expectations, breakEvens: breakEvens)
    }
}

/// A run tvp will not start without confirmation.
public struct RunRefusal: Error, CustomStringConvertible, Sendable {
    /// Why, and what to do.
    public var message: String
    public var description: String { message }
}
