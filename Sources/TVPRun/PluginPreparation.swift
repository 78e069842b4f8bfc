import TVPSystem
import TVPWorkloads
import TVPMeasure
import TVPPlan

/// What a run does with its `plugin` workloads before the first trial, outside every clock:
///
/// 1. opens each library in tvp and checks it (file, ABI version, symbol) before the run folder is
///    made: a bad one stops the run with a message naming it and the fix;
/// 2. computes each serial cell's reference digests in `tvp-plugin-worker` processes, one per task,
///    so that a task that crashes or fails is caught and named before tvp runs it in its own
///    process;
/// 3. sets each plugin up in tvp (for the modes that run inside it) and calls every task a second
///    time (in tvp when the scenario has such a mode, else in fresh workers): a task whose digest
///    differs between the two calls cannot be checked, and stops the run unless the scenario
///    declares `deterministic: false`.
///
/// A plugin declared nondeterministic still gets steps 1 and 2 (errors and crashes are found the
/// same way) but no reference: its trials are not compared (`digest_check=skipped`).
struct PluginPreparation {
    /// The plugin worker.
    let pluginWorkerPath: String
    /// Longest one task may run, seconds.
    let taskTimeoutSeconds: Double
    /// The run folder, for the crash guard's message.
    let runDirectory: String

    /// Worker processes of the reference passes at once: the passes are not timed.
    static let referenceWorkers = 2

    /// Step 1, before the run folder is made: opens and checks every plugin of `cells`, and that
    /// the plugin worker is there.
    static func check(_ cells: [Cell], pluginWorkerPath: String, source: String = "beside tvp") throws {
        let plugins = distinct(cells.compactMap(\.plugin))
        guard !plugins.isEmpty else { return }
        for plugin in plugins {
            do {
                try PluginHost.check(plugin)
            } catch {
                throw PluginRunError(message: error.description)
            }
        }
        guard Files.isExecutable(pluginWorkerPath) else {
            throw PluginRunError(message: "\(pluginWorkerPath): the plugin worker (found \(source)) is missing or not executable; build it with `swift build -c release` (it sits next to tvp), or set $TVP_PLUGIN_WORKER to it")
        }
    }

    /// Steps 2 and 3: returns the reference digest of each plugin cell's serial baseline (none for a
    /// nondeterministic plugin), with every plugin of an in-process cell set up in tvp.
    func prepare(_ cells: [Cell], inputs: InputSet, events: (RunEvent) -> Void) throws -> [Cell: TaskDigest] {
        let baselines = Self.distinct(cells.filter(\.workload.isPlugin).map(\.serialBaseline))
        guard !baselines.isEmpty else { return [:] }
        let inProcess = cells.contains { $0.workload.isPlugin && !$0.mode.usesProcesses }
        if inProcess { try PluginCrashGuard.install() }

        var references: [Cell: TaskDigest] = [:]
        for baseline in baselines {
            guard let plugin = baseline.plugin else { continue }
            events(.preparing("calling \(baseline.workload.label) in worker processes for its reference digests"))
            let input = inputs.input(for: baseline)
            let first = try digests(of: baseline, input: input, inProcess: false)
            guard plugin.deterministic else { continue }
            events(.preparing("calling \(baseline.workload.label) again to check that it is deterministic"))
            let second = try digests(of: baseline, input: input, inProcess: inProcess)
            if let index = first.indices.first(where: { first[$0] != second[$0] }) {
                throw PluginRunError(message: "\(plugin.library): \(plugin.symbol) is nondeterministic: task \(index) of \(baseline.tasks) gave digest \(first[index].hex) in one call and \(second[index].hex) in another (\(inProcess ? "a worker process, then tvp" : "two worker processes")), so tvp cannot check that every mode did the same work; make the digest depend only on the task index, task count, input and parameter, or declare `deterministic: false` under workloads.plugin (trials.csv then says digest_check=skipped)")
            }
            references[baseline] = TaskDigest.combining(first)
        }
        if inProcess {
            for plugin in Self.distinct(baselines.compactMap(\.plugin)) { try setUpInTVP(plugin) }
        }
        return references
    }

    /// Tears down what `prepare` set up in tvp.
    func finish() {
        PluginCrashGuard.setMessage(subject: "of a plugin crashed tvp's own process after the last trial",
                                    advice: "Every trial is in \(runDirectory)/trials.csv; fix the plugin's SYMBOL_teardown.")
        PluginHost.tearDownAll()
    }

    /// Sets the crash guard's message for a trial of `cell`; plugin cells of in-process modes only.
    func guardTrial(of cell: Cell) {
        guard let plugin = cell.plugin, !cell.mode.usesProcesses else { return }
        setCrashMessage(plugin, under: "`\(cell.mode.rawValue)` with \(cell.workers) worker\(cell.workers == 1 ? "" : "s")")
    }

    /// The task digests of `baseline`, from worker processes or (`inProcess`) from tvp itself.
    private func digests(of baseline: Cell, input: TaskInput, inProcess: Bool) throws -> [TaskDigest] {
        guard let plugin = baseline.plugin else { return [] }
        let result: ExecutionResult
        if inProcess {
            try setUpInTVP(plugin)
            setCrashMessage(plugin, under: "while tvp checked that it is deterministic (its second call, in tvp)")
            result = SerialExecutor().run(ExecutionRequest(workload: baseline.workload, input: input, tasks: baseline.tasks, workers: 1))
        } else {
            // The serial cell reads its input in place; a worker gets it by pipe (the same bytes).
            let request = ExecutionRequest(workload: baseline.workload.withTransfer(.pipe), input: input, tasks: baseline.tasks,
                                           workers: Self.referenceWorkers, taskTimeoutSeconds: taskTimeoutSeconds)
            result = ProcessExecutor(workerPath: pluginWorkerPath).run(request)
        }
        // Ctrl-C during a pass stops the run as an interruption, not as a failed plugin.
        try Interruption.checkpoint()
        if let abandoned = result.abandoned { throw PluginRunError(message: abandoned) }
        let digests = result.outcomes.compactMap(\.digest)
        guard digests.count == baseline.tasks else {
            throw PluginRunError(message: failureMessage(plugin, baseline: baseline, result: result, inProcess: inProcess))
        }
        return digests
    }

    /// Why the reference run failed, with the first failures and how to reproduce one.
    private func failureMessage(_ plugin: PluginWorkload, baseline: Cell, result: ExecutionResult, inProcess: Bool) -> String {
        let failed = result.outcomes.enumerated().filter { $0.element.error != nil }
        let shown = failed.prefix(3).map { "task \($0.offset): \($0.element.error ?? "")" }.joined(separator: "; ")
        let more = failed.count > 3 ? " (and \(failed.count - 3) more)" : ""
        let place = inProcess ? "in tvp" : "in tvp-plugin-worker processes"
        var message = "\(plugin.library): the reference run of \(baseline.workload.label) \(place) failed before any trial: \(shown)\(more); fix the task"
        if let index = failed.first?.offset, !inProcess {
            let input = plugin.input == nil ? TaskSpec.encode(TaskInput.taskCount(baseline.tasks)) : "slices=\(baseline.tasks);from=stdin"
            let stdin = plugin.input == nil ? "" : " (its slice arrives on stdin)"
            message += ", then try it alone, under a debugger if it crashes: \(pluginWorkerPath) task '\(TaskSpec.encode(baseline.workload.withTransfer(.pipe)))' '\(input)' \(index)\(stdin)"
        }
        return message
    }

    private func setUpInTVP(_ plugin: PluginWorkload) throws {
        setCrashMessage(plugin, under: "during its set-up in tvp")
        do {
            try PluginHost.setUp(plugin)
        } catch {
            throw PluginRunError(message: error.description)
        }
    }

    private func setCrashMessage(_ plugin: PluginWorkload, under context: String) {
        PluginCrashGuard.setMessage(
            subject: "of plugin \(plugin.library) (symbol \(plugin.symbol)) crashed tvp's own process \(context.hasPrefix("`") ? "under " : "")\(context)",
            advice: """
                tvp cannot survive a task that crashes the process it runs in. Every trial that finished is in \
                \(runDirectory)/trials.csv (the supervising tvp marks meta.json "failed"). Run the scenario with \
                `modes: [processes]` first: there a crash fails only its trial and names the task and the signal. \
                Under threads, gil-release and async the task must also be thread-safe.
                """)
    }

    private static func distinct<T: Hashable>(_ items: [T]) -> [T] {
        var seen = Set<T>()
        return items.filter { seen.insert($0).inserted }
    }
}

/// A plugin that cannot be run: the message names the library and the fix.
struct PluginRunError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

