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
    /// The CPU ids a cell's `affinity` places workers on: tvp's affinity mask when the measurer
    /// was made (a seam: tests give CPUs that cannot be set).
    public var usableCPUs: [Int]
    /// Variables the `tvp-worker` processes get on top of tvp's environment (`WorkerEnvironment`);
    /// plugin workers get none.
    public var workerEnvironment: [String: String]
    /// Re-reads the worker's file into the page cache before trials that start workers, at most
    /// every 30 s, in the largest folios the kernel gives, so that a spawn maps it with the fewest
    /// faults (`ProgramPages`).
    public let programPages = ProgramPages()

    /// Creates a measurer.
    public init(workerPath: String, pluginWorkerPath: String? = nil, taskTimeoutSeconds: Double,
                switchIntervalNanoseconds: UInt64 = 5_000_000, usableCPUs: [Int] = CPUAffinity.allowedCPUs(),
                workerEnvironment: [String: String] = [:]) {
        self.workerPath = workerPath
        self.pluginWorkerPath = pluginWorkerPath ?? WorkerLocator.pluginWorkerPath(besideWorker: workerPath)
        self.taskTimeoutSeconds = taskTimeoutSeconds
        self.switchIntervalNanoseconds = switchIntervalNanoseconds
        self.usableCPUs = usableCPUs
        self.workerEnvironment = workerEnvironment
    }

    /// Runs `trial` once and measures it; `expectedDigest` is the reference every mode must match
    /// (nil: the digest is not checked, `digest_check=skipped`).
    ///
    /// Under `affinity: packed` the calling (measuring) thread runs on the packed CPU for the trial
    /// and gets its mask back after; a placement whose masks cannot be set fails the trial, with
    /// the reason, without running it.
    public func measure(_ trial: PlannedTrial, input: TaskInput, expectedDigest: TaskDigest?) -> TrialSample {
        // Outside the clock, and before the calling thread is placed (the read is tvp's, not the
        // trial's): the worker's file back in the page cache in large folios.
        if trial.cell.mode.usesProcesses { programPages.refresh(trial.cell.workload.isPlugin ? pluginWorkerPath : workerPath) }
        let placement = Placement(affinity: trial.cell.affinity, usableCPUs: trial.cell.affinity == .any ? [] : usableCPUs)
        if let refusal = placement.check(workers: trial.cell.workers) {
            return measure(trial, input: input, expectedDigest: expectedDigest, placement: placement, refusal: refusal)
        }
        return placement.withCallingThread(on: placement.affinity.measuringThreadCPUs(of: usableCPUs)) {
            measure(trial, input: input, expectedDigest: expectedDigest, placement: placement, refusal: nil)
        } failed: { refusal in
            measure(trial, input: input, expectedDigest: expectedDigest, placement: placement, refusal: refusal)
        }
    }

    /// Measures `trial` under `placement`, or, with a `refusal`, records it failed without running a task.
    private func measure(_ trial: PlannedTrial, input: TaskInput, expectedDigest: TaskDigest?, placement: Placement,
                         refusal: String?) -> TrialSample {
        let cell = trial.cell
        let executor = cell.workload.isPlugin ? cell.mode.executor(workerPath: pluginWorkerPath)
            : cell.mode.executor(workerPath: workerPath, workerEnvironment: workerEnvironment)
        let request = ExecutionRequest(workload: cell.workload, input: input, tasks: cell.tasks,
                                       workers: cell.workers, taskTimeoutSeconds: taskTimeoutSeconds,
                                       switchIntervalNanoseconds: switchIntervalNanoseconds, placement: placement)

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
        let result = refusal.map { ExecutionResult(outcomes: Array(repeating: .failure($0), count: cell.tasks)) } ?? executor.runTrial(request)
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
        var error = refusal ?? result.errorSummary
        let check = DigestCheck(digest, expected: expectedDigest)
        // A race loses updates, and its table differs from serial's: that is its result, counted.
        let lost = cell.workload.kind.mayLoseUpdates && (result.tally?.lostUpdates ?? 0) > 0
        if error == nil, check == .differs, let expectedDigest, !lost {
            var message = "digest \(digest?.hex ?? "none") differs from the serial reference \(expectedDigest.hex)"
            if let hint = cell.workload.kind.digestMismatchHint { message += "; \(hint)" }
            error = message
        }
        // A foreground that recorded no wake-up measured nothing: the trial has no figures to give.
        let lateness = result.companion.flatMap { LatencySummary(nanoseconds: $0.latenessNanoseconds) }
        if error == nil, cell.workload.hasCompanion, lateness == nil {
            error = result.companion == nil ? "the foreground did not run (no thread could be started for it)"
                : "the foreground recorded no wake-up: the background ended before its first tick; give the background more work (`tasks`, `bytes_per_task`)"
        }
        let outcomes = result.outcomes
        var sample = TrialSample(cell: cell, isWarmup: trial.isWarmup, ok: error == nil, wallSeconds: end.seconds(since: start))
        sample.round = trial.round
        sample.position = trial.position
        sample.repetition = trial.repetition
        sample.userSeconds = total.userSeconds
        sample.systemSeconds = total.systemSeconds
        sample.maxRSSKiB = Double(max(peakSelfKiB, result.childUsage.maxRSSKiB))
        sample.voluntaryContextSwitches = Double(total.voluntaryContextSwitches)
        sample.involuntaryContextSwitches = Double(total.involuntaryContextSwitches)
        sample.minorFaults = Double(total.minorFaults)
        sample.majorFaults = Double(total.majorFaults)
        let tasks = LatencySummary(nanoseconds: outcomes.filter { $0.error == nil }.map(\.durationNanoseconds)) ?? LatencySummary(nanoseconds: [0])!
        sample.taskP50Microseconds = tasks.p50
        sample.taskP90Microseconds = tasks.p90
        sample.taskP99Microseconds = tasks.p99
        sample.taskMaxMicroseconds = tasks.max
        let spawns = LatencySummary(nanoseconds: outcomes.compactMap(\.spawnNanoseconds))
        sample.spawnP50Microseconds = spawns?.p50
        sample.spawnMaxMicroseconds = spawns?.max
        sample.processesSpawned = Double(result.processesSpawned)
        sample.threadsCreated = Double(result.threadsCreated)
        sample.distinctProcesses = Double(Set(outcomes.filter { $0.error == nil }.map(\.processID)).count)
        sample.osThreadsMax = Double(max(threadsBefore, result.osThreadsMax, threadsAfter))
        sample.gilSwitches = result.gil.map { Double($0.switches) }
        sample.gilWaitMaxMicroseconds = result.gil.map { Double($0.longestWaitNanoseconds) / 1e3 }
        sample.stealSeconds = stealSeconds
        sample.ioReadBytes = Double(ioAfter.readChars - ioBefore.readChars)
        sample.ioDiskReadBytes = Double(ioAfter.storageReadBytes - ioBefore.storageReadBytes)
        sample.poolStartSeconds = result.poolStartNanoseconds.map { Double($0) / 1e9 }
        sample.transferSeconds = Double(outcomes.reduce(0) { $0 + $1.transferNanoseconds }) / 1e9
        sample.transferBytes = Double(result.bytesTransferred)
        sample.lostUpdates = digest == nil ? nil : result.tally.map { Double($0.lostUpdates) }
        if digest != nil, let roundTrips = result.roundTrips {
            sample.roundTripP50Microseconds = Double(roundTrips.percentile(50)) / 1e3
            sample.roundTripP99Microseconds = Double(roundTrips.percentile(99)) / 1e3
        }
        sample.tvpMaxRSSKiB = Double(peakSelfKiB)
        // Only tasks that connect (`download`) fail on a connection.
        sample.connectionErrors = Double(outcomes.count { $0.error?.contains(DownloadError.connectionPrefix) ?? false })
        sample.stoppedSeconds = Double(stoppedNanoseconds) / 1e9
        if let lateness, let report = result.companion {
            sample.latenessP50Microseconds = lateness.p50
            sample.latenessP90Microseconds = lateness.p90
            sample.latenessP99Microseconds = lateness.p99
            sample.latenessP999Microseconds = lateness.p999
            sample.latenessMaxMicroseconds = lateness.max
            sample.latenessTicks = Double(report.latenessNanoseconds.count)
            let backgroundSeconds = end.seconds(since: start) - Double(report.aloneNanoseconds) / 1e9
            let bytes = Double(cell.workload.bytesPerTrial(tasks: cell.tasks))
            sample.backgroundMegabytesPerSecond = backgroundSeconds > 0 ? bytes / backgroundSeconds / 1e6 : nil
        }
        sample.digest = digest
        sample.digestCheck = check
        sample.error = error
        sample.abandonedRun = result.abandoned != nil
        return sample
    }
}
