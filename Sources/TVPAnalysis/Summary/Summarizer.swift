import TVPMeasure
import TVPPlan
import TVPStatistics
/// Turns trial samples into per-cell statistics: medians with confidence intervals, speedups
/// against the serial cell of the same workload, efficiency, outliers and noise flags.
///
/// Intervals are exact order-statistic intervals of the median and their MOVER combination for
/// speedups (`Statistics.medianInterval`, `Statistics.medianRatio`): deterministic, no seed.
public struct Summarizer: Sendable {
    /// Coefficient of variation above which a cell is flagged noisy.
    public static let noisyCoefficientOfVariation = 0.05
    /// Modified z-score (0.6745·(x − median) / MAD) above which a trial is an outlier. hyperfine flags
    /// |x − median| / MAD > 14.826, which is this score above 10.
    public static let outlierThreshold = 10.0
    /// CPUs the machine let tvp use, for parallel efficiency.
    public var usableCPUs: Int

    /// Creates a summarizer.
    public init(usableCPUs: Int) {
        self.usableCPUs = usableCPUs
    }

    /// One summary per cell that has counted trials, in `cellOrder` (cells missing from it last).
    ///
    /// Statistics use the successful trials whose wall time is a positive, finite number; any other
    /// counted trial counts as failed (trials.csv is validated when read, so only values built in
    /// memory can be unusable), and a cell without a usable trial has no summary.
    public func summarize(_ samples: [TrialSample], cellOrder: [Cell] = []) -> [CellSummary] {
        let counted = samples.filter { !$0.isWarmup }
        let byCell = Dictionary(grouping: counted, by: \.cell)
        let order = cellOrder.filter { byCell[$0] != nil } + byCell.keys.filter { !cellOrder.contains($0) }.sorted()
        let usable = byCell.mapValues { $0.filter { $0.ok && $0.wallSeconds.isFinite && $0.wallSeconds > 0 } }
        // A speedup compares the tasks' time: under `serial` a foreground (`responsiveness`) runs
        // alone before the tasks, so its baseline is the background's time (bytes ÷ its rate).
        let usableWalls = Dictionary(uniqueKeysWithValues: usable.map { cell, trials in
            (cell, trials.map { trial in
                guard cell.mode == .serial, let rate = trial.backgroundMegabytesPerSecond, rate > 0 else { return trial.wallSeconds }
                return Double(cell.workload.bytesPerTrial(tasks: cell.tasks)) / (rate * 1e6)
            })
        })
        return order.compactMap { cell -> CellSummary? in
            let all = byCell[cell] ?? []
            let good = usable[cell] ?? []
            let walls = good.map(\.wallSeconds)
            guard let wallInterval = Statistics.medianInterval(walls) else {
                return nil
            }
            let median = Statistics.median(walls)
            var speedup: Double?, speedupCI: ClosedRange<Double>?, efficiency: Double?
            // A cell with more tasks than serial's (`tasks_per_worker`) is compared by throughput.
            if let serial = cell.speedupBaseline(in: usableWalls, hasTrials: { !$0.isEmpty }) {
                let ratio = Statistics.medianRatio(numerator: serial.value.map { $0 * serial.scale }, denominator: usableWalls[cell] ?? walls)
                speedup = ratio.value
                speedupCI = ratio.interval
                efficiency = ratio.value / Double(max(1, min(cell.workers, usableCPUs)))
            }
            let cpus = good.map { $0.userSeconds + $0.systemSeconds }, systems = good.map(\.systemSeconds)
            let bytes = Double(cell.workload.bytesPerTrial(tasks: cell.tasks))
            let spawns = good.compactMap(\.spawnP50Microseconds)
            let poolStarts = good.compactMap(\.poolStartSeconds)
            let transferRates = good.compactMap { $0.transferSeconds > 0 && $0.transferBytes > 0 ? $0.transferBytes / $0.transferSeconds / 1e6 : nil }
            var summary = CellSummary(cell: cell)
            summary.n = walls.count
            summary.failed = all.count - good.count
            summary.wallMedian = median
            summary.wallMean = Statistics.mean(walls)
            summary.wallMin = walls.min() ?? .nan
            summary.wallMax = walls.max() ?? .nan
            summary.wallStandardDeviation = Statistics.standardDeviation(walls)
            summary.wallCI = wallInterval.range
            summary.wallCV = Statistics.coefficientOfVariation(walls)
            summary.cpuMedian = Statistics.median(cpus)
            summary.userMedian = Statistics.median(good.map(\.userSeconds))
            summary.systemMedian = Statistics.median(systems)
            summary.maxRSSMedianKiB = Statistics.median(good.map(\.maxRSSKiB))
            summary.tasksPerSecond = Double(cell.tasks) / median
            summary.megabytesPerSecond = bytes > 0 ? bytes / median / 1e6 : nil
            summary.speedup = speedup
            summary.speedupCI = speedupCI
            summary.efficiency = efficiency
            summary.perTaskMicroseconds = median / Double(cell.tasks) * 1e6
            summary.taskP50Microseconds = Statistics.median(good.map(\.taskP50Microseconds))
            summary.spawnP50Microseconds = spawns.isEmpty ? nil : Statistics.median(spawns)
            summary.stealMedian = Statistics.median(good.map(\.stealSeconds))
            summary.diskReadMedianBytes = Statistics.median(good.map(\.ioDiskReadBytes))
            summary.outliers = Statistics.outlierCount(walls, threshold: Summarizer.outlierThreshold)
            summary.usableCPUs = usableCPUs
            summary.cpuCI = Statistics.medianInterval(cpus)?.range
            summary.systemCI = Statistics.medianInterval(systems)?.range
            summary.trials = CellSummary.TrialValues(walls: walls, cpus: cpus, systems: systems)
            summary.trials.taskWalls = usableWalls[cell] ?? walls
            summary.poolStartMedian = poolStarts.isEmpty ? nil : Statistics.median(poolStarts)
            let netWalls = good.map { $0.wallSeconds - ($0.poolStartSeconds ?? 0) }
            summary.perTaskNetMicroseconds = Statistics.median(netWalls) / Double(cell.tasks) * 1e6
            summary.transferMegabytesPerSecond = transferRates.isEmpty ? nil : Statistics.median(transferRates)
            if let updates = cell.workload.updates(tasks: cell.tasks), updates > 0 {
                // Per update, or per message of a conversation.
                summary.perUpdateNanoseconds = median / Double(updates) * 1e9
            }
            let roundTrips50 = good.compactMap(\.roundTripP50Microseconds), roundTrips99 = good.compactMap(\.roundTripP99Microseconds)
            summary.roundTripP50Microseconds = roundTrips50.isEmpty ? nil : Statistics.median(roundTrips50)
            summary.roundTripP99Microseconds = roundTrips99.isEmpty ? nil : Statistics.median(roundTrips99)
            summary.trials.roundTripP50 = roundTrips50
            summary.trials.roundTripP99 = roundTrips99
            if cell.workload.conversation != nil, let messages = cell.workload.updates(tasks: cell.tasks), median > 0 {
                summary.messagesPerSecond = Double(messages) / median
            }
            let lost = good.compactMap(\.lostUpdates)
            summary.lostUpdatesMedian = lost.isEmpty ? nil : Statistics.median(lost)
            summary.trials.lost = lost
            summary.trials.threads = good.map(\.osThreadsMax)
            summary.trials.tvpRSSKiB = good.map(\.tvpMaxRSSKiB)
            summary.threadsCreatedMedian = Statistics.median(good.map(\.threadsCreated))
            summary.osThreadsMaxMedian = Statistics.median(good.map(\.osThreadsMax))
            summary.tvpMaxRSSMedianKiB = Statistics.median(good.map(\.tvpMaxRSSKiB))
            let serverCPU = good.compactMap(\.serverCPUSeconds), serverRSS = good.compactMap(\.serverMaxRSSKiB)
            summary.serverCPUMedian = serverCPU.isEmpty ? nil : Statistics.median(serverCPU)
            summary.serverMaxRSSMedianKiB = serverRSS.isEmpty ? nil : Statistics.median(serverRSS)
            summary.connectionErrors = Int(all.reduce(0) { $0 + $1.connectionErrors })
            let drops = all.compactMap(\.listenDrops)
            summary.listenDrops = drops.isEmpty ? nil : Int(drops.reduce(0, +))
            func medianIfAny(_ values: [Double]) -> Double? { values.isEmpty ? nil : Statistics.median(values) }
            summary.trials.latenessP50 = good.compactMap(\.latenessP50Microseconds)
            summary.trials.latenessP99 = good.compactMap(\.latenessP99Microseconds)
            summary.trials.latenessP999 = good.compactMap(\.latenessP999Microseconds)
            summary.trials.latenessMax = good.compactMap(\.latenessMaxMicroseconds)
            summary.trials.backgroundRates = good.compactMap(\.backgroundMegabytesPerSecond)
            summary.latenessP50Microseconds = medianIfAny(summary.trials.latenessP50)
            summary.latenessP90Microseconds = medianIfAny(good.compactMap(\.latenessP90Microseconds))
            summary.latenessP99Microseconds = medianIfAny(summary.trials.latenessP99)
            summary.latenessP999Microseconds = medianIfAny(summary.trials.latenessP999)
            summary.latenessMaxMicroseconds = medianIfAny(summary.trials.latenessMax)
            summary.latenessTicksMedian = medianIfAny(good.compactMap(\.latenessTicks))
            summary.backgroundMegabytesPerSecond = medianIfAny(summary.trials.backgroundRates)
            return summary
        }
    }
}

/// FNV-1a of `text`: a hash that, unlike `hashValue`, is the same in every process.
func stableHash(_ text: String) -> UInt64 {
    text.utf8.reduce(0xcbf2_9ce4_8422_2325) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }
}

extension Cell {
    /// The serial cell a speedup of this cell is measured against, its entry in `table`, and the
    /// factor that scales its time to this cell's task count: the serial cell of the same workload
    /// and task count (factor 1), else the one of the same workload with the most tasks, scaled by
    /// tasks ÷ its tasks. A cell of `tasks_per_worker` runs more tasks than its serial baseline: its
    /// speedup is then a ratio of throughputs (tasks per second), the same number when the counts
    /// are equal. Only entries for which `hasTrials` holds count; nil when there is none.
    func speedupBaseline<Entry>(in table: [Cell: Entry], hasTrials: (Entry) -> Bool) -> (cell: Cell, value: Entry, scale: Double)? {
        if let exact = table[serialBaseline], hasTrials(exact) { return (serialBaseline, exact, 1) }
        let candidates = table.filter { $0.key.mode == .serial && $0.key.workload == workload && $0.key.affinity == affinity && hasTrials($0.value) }
        guard let largest = candidates.max(by: { $0.key.tasks < $1.key.tasks }) else { return nil }
        return (largest.key, largest.value, Double(tasks) / Double(largest.key.tasks))
    }
}
