import TVPSystem
import TVPWorkloads
import TVPPlan

/// Runs one trial of a cell under the clocks and counters: wall time, CPU of tvp and its children,
/// peak memory, context switches, page faults, steal and I/O, and per-task latencies.
public struct TrialMeasurer: Sendable {
    /// The `tvp-worker` executable process modes spawn.
    public var workerPath: String
    /// The `tvp-plugin-worker` executable they spawn for `plugin` tasks.
    public var pluginWorkerPath: String
    /// Longest one task may run, seconds.
    public var taskTimeoutSeconds: Double
    /// `gil` modes: the lock's switch interval, nanoseconds.
    public var switchIntervalNanoseconds: UInt64

    /// Creates a measurer.
    public init(workerPath: String, pluginWorkerPath: String? = nil, taskTimeoutSeconds: Double,
                switchIntervalNanoseconds: UInt64 = 5_000_000) {
        self.workerPath = workerPath
        self.pluginWorkerPath = pluginWorkerPath ?? WorkerLocator.pluginWorkerPath(besideWorker: workerPath)
        self.taskTimeoutSeconds = taskTimeoutSeconds
        self.switchIntervalNanoseconds = switchIntervalNanoseconds
    }

    /// Runs `trial` once and measures it; `expectedDigest` is the reference every mode must match
    /// (nil: the digest is not checked, `digest_check=skipped`).
    public func measure(_ trial: PlannedTrial, scenario: String, input: TaskInput,
                        expectedDigest: TaskDigest?) -> TrialRecord {
        let cell = trial.cell
        let executor = cell.mode.executor(workerPath: cell.workload.isPlugin ? pluginWorkerPath : workerPath)
        let request = ExecutionRequest(workload: cell.workload, input: input, tasks: cell.tasks,
                                       workers: cell.workers, taskTimeoutSeconds: taskTimeoutSeconds,
                                       switchIntervalNanoseconds: switchIntervalNanoseconds)

        // Counters are read in mirror order around the clock, the CPU-time snapshots innermost, so that
        // reading /proc adds nothing to the trial's CPU time and only the first read's few bytes to
        // its I/O counters.
        ProcFS.releaseFreeMemory()
        ProcFS.resetPeakResidentMemory()
        // Outside the clock: each count of the threads costs some 7 µs.
        let threadsBefore = HelperThreads.threadCountWithoutHelpers()
        let stealBefore = ProcFS.stealSeconds()
        let ioBefore = ProcFS.ioCounters()
        let selfBefore = ResourceUsage.currentProcess()
        let stoppedBefore = StoppedTime.nanoseconds()
        let start = MonotonicInstant.now()
        let result = executor.runTrial(request)
        let end = MonotonicInstant.now()
        let stoppedNanoseconds = StoppedTime.nanoseconds() &- stoppedBefore
        let selfDelta = ResourceUsage.currentProcess().subtracting(selfBefore)
        let ioAfter = ProcFS.ioCounters()
        let stealSeconds = ProcFS.stealSeconds() - stealBefore
        let peakSelfKiB = ProcFS.peakResidentKiB()
        // Threads a mode leaves running (the cooperative pool's) were there during the trial too.
        let threadsAfter = HelperThreads.threadCountWithoutHelpers()

        let total = selfDelta.adding(result.childUsage)
        let digest = result.combinedDigest
        var error = result.errorSummary
        let check = DigestCheck(digest, expected: expectedDigest)
        // A race loses updates, and its table differs from serial's: that is its result, counted.
        let lost = cell.workload.kind.mayLoseUpdates && (result.tally?.lostUpdates ?? 0) > 0
        if error == nil, check == .differs, let expectedDigest, !lost {
            var message = "digest \(digest?.hex ?? "none") differs from the serial reference \(expectedDigest.hex)"
            if let hint = cell.workload.kind.digestMismatchHint { message += "; \(hint)" }
            error = message
        }
        let outcomes = result.outcomes
        var record = TrialRecord(
            scenario: scenario, trial: trial, wallSeconds: end.seconds(since: start),
            usage: ResourceUsageSummary(
                userSeconds: total.userSeconds, systemSeconds: total.systemSeconds,
                maxRSSKiB: max(peakSelfKiB, result.childUsage.maxRSSKiB),
                voluntaryContextSwitches: total.voluntaryContextSwitches,
                involuntaryContextSwitches: total.involuntaryContextSwitches,
                minorFaults: total.minorFaults, majorFaults: total.majorFaults),
            taskLatencyMicroseconds: LatencySummary(nanoseconds: outcomes.filter { $0.error == nil }.map(\.durationNanoseconds))
                ?? LatencySummary(nanoseconds: [0])!,
            spawnMicroseconds: LatencySummary(nanoseconds: outcomes.compactMap(\.spawnNanoseconds)),
            processesSpawned: result.processesSpawned, threadsCreated: result.threadsCreated,
            distinctProcesses: Set(outcomes.filter { $0.error == nil }.map(\.processID)).count,
            osThreadsMax: max(threadsBefore, result.osThreadsMax, threadsAfter),
            gilSwitches: result.gil?.switches,
            gilWaitMaxMicroseconds: result.gil.map { Double($0.longestWaitNanoseconds) / 1e3 },
            stealSeconds: stealSeconds,
            ioReadBytes: ioAfter.readChars - ioBefore.readChars,
            ioDiskReadBytes: ioAfter.storageReadBytes - ioBefore.storageReadBytes,
            poolStartSeconds: result.poolStartNanoseconds.map { Double($0) / 1e9 },
            transferSeconds: Double(outcomes.reduce(0) { $0 + $1.transferNanoseconds }) / 1e9,
            transferBytes: result.bytesTransferred,
            lostUpdates: digest == nil ? nil : result.tally?.lostUpdates,
            digest: digest, digestCheck: check, ok: error == nil, error: error, abandonedRun: result.abandoned != nil)
        record.tvpMaxRSSKiB = peakSelfKiB
        record.stoppedSeconds = Double(stoppedNanoseconds) / 1e9
        // Only tasks that connect (`download`) fail on a connection.
        record.connectionErrors = outcomes.count { $0.error?.contains(DownloadError.connectionPrefix) ?? false }
        return record
    }
}
