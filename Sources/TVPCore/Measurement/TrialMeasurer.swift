import TVPSystem
import TVPWorkloads

/// Runs one trial of a cell under the clocks and counters: wall time, CPU of tvp and its children,
/// peak memory, context switches, page faults, steal and I/O, and per-task latencies.
public struct TrialMeasurer: Sendable {
    /// The `tvp-worker` executable process modes spawn.
    public var workerPath: String
    /// Longest one task may run, seconds.
    public var taskTimeoutSeconds: Double

    /// Creates a measurer.
    public init(workerPath: String, taskTimeoutSeconds: Double) {
        self.workerPath = workerPath
        self.taskTimeoutSeconds = taskTimeoutSeconds
    }

    /// Runs `trial` once and measures it; `expectedDigest` is the reference every mode must match.
    public func measure(_ trial: PlannedTrial, scenario: String, fixture: IOFixture?,
                        expectedDigest: TaskDigest?) -> TrialRecord {
        let cell = trial.cell
        let executor = cell.mode.executor(workerPath: workerPath)
        let request = ExecutionRequest(workload: cell.workload, fixture: fixture, tasks: cell.tasks,
                                       workers: cell.workers, taskTimeoutSeconds: taskTimeoutSeconds)

        // Counters are read in mirror order around the clock so that reading /proc adds as little as
        // possible to the I/O counters and the CPU time of the trial.
        ProcFS.resetPeakResidentMemory()
        let stealBefore = ProcFS.stealSeconds()
        let selfBefore = ResourceUsage.currentProcess()
        let ioBefore = ProcFS.ioCounters()
        let start = MonotonicInstant.now()
        let result = executor.run(request)
        let end = MonotonicInstant.now()
        let ioAfter = ProcFS.ioCounters()
        let selfDelta = ResourceUsage.currentProcess().subtracting(selfBefore)
        let stealSeconds = ProcFS.stealSeconds() - stealBefore
        let peakSelfKiB = ProcFS.peakResidentKiB()

        let total = selfDelta.adding(result.childUsage)
        let digest = result.combinedDigest
        var error = result.errorSummary
        if error == nil, let expectedDigest, digest != expectedDigest {
            error = "digest \(digest?.hex ?? "none") differs from the serial reference \(expectedDigest.hex)"
        }
        let outcomes = result.outcomes
        return TrialRecord(
            scenario: scenario, trial: trial, wallSeconds: end.seconds(since: start),
            usage: ResourceUsageSummary(
                userSeconds: total.userSeconds, systemSeconds: total.systemSeconds,
                maxRSSKiB: max(peakSelfKiB, result.childUsage.maxRSSKiB),
                voluntaryContextSwitches: total.voluntaryContextSwitches,
                involuntaryContextSwitches: total.involuntaryContextSwitches,
                minorFaults: total.minorFaults, majorFaults: total.majorFaults),
            taskLatencyMicroseconds: LatencySummary(nanoseconds: outcomes.filter { $0.error == nil }.map(\.durationNanoseconds))
                ?? LatencySummary(nanoseconds: [0])!,
            startupMicroseconds: LatencySummary(nanoseconds: outcomes.compactMap(\.startupNanoseconds)),
            processesSpawned: result.processesSpawned, threadsCreated: result.threadsCreated,
            distinctProcesses: Set(outcomes.filter { $0.error == nil }.map(\.processID)).count,
            stealSeconds: stealSeconds,
            ioReadBytes: ioAfter.readChars - ioBefore.readChars,
            ioDiskReadBytes: ioAfter.storageReadBytes - ioBefore.storageReadBytes,
            digest: digest, ok: error == nil, error: error, abandonedRun: result.abandoned != nil)
    }
}
