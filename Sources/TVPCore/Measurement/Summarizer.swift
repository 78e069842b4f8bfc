/// Turns trial samples into per-cell statistics: medians with bootstrap confidence intervals,
/// speedups against the serial cell of the same workload, efficiency, outliers and noise flags.
public struct Summarizer: Sendable {
    /// Coefficient of variation above which a cell is flagged noisy.
    public static let noisyCoefficientOfVariation = 0.05
    /// Modified z-score (0.6745·(x − median) / MAD) above which a trial is an outlier. hyperfine flags
    /// |x − median| / MAD > 14.826, which is this score above 10.
    public static let outlierThreshold = 10.0
    /// Seed of the bootstrap resampling, so the same data always gives the same intervals.
    public var seed: UInt64
    /// CPUs the machine let tvp use, for parallel efficiency.
    public var usableCPUs: Int

    /// Creates a summarizer.
    public init(seed: UInt64, usableCPUs: Int) {
        self.seed = seed
        self.usableCPUs = usableCPUs
    }

    /// The serial wall times a cell's speedup is measured against, and the factor that scales them
    /// to the cell's task count: the serial cell of the same workload and task count (factor 1),
    /// else the one of the same workload with the most tasks, scaled by tasks ÷ its tasks. A cell
    /// of `tasks_per_worker` runs more tasks than its serial baseline: its speedup is then a ratio
    /// of throughputs (tasks per second), which is the same number when the counts are equal.
    func serialWalls(for cell: Cell, in walls: [Cell: [Double]]) -> ([Double], Double)? {
        if let exact = walls[cell.serialBaseline], !exact.isEmpty { return (exact, 1) }
        let candidates = walls.filter { $0.key.mode == .serial && $0.key.workload == cell.workload && !$0.value.isEmpty }
        guard let baseline = candidates.max(by: { $0.key.tasks < $1.key.tasks }) else { return nil }
        return (baseline.value, Double(cell.tasks) / Double(baseline.key.tasks))
    }

    /// One summary per cell that has counted trials, in `cellOrder` (cells missing from it last).
    public func summarize(_ samples: [TrialSample], cellOrder: [Cell] = []) -> [CellSummary] {
        let counted = samples.filter { !$0.isWarmup }
        let byCell = Dictionary(grouping: counted, by: \.cell)
        let order = cellOrder.filter { byCell[$0] != nil } + byCell.keys.filter { !cellOrder.contains($0) }.sorted()
        let goodWalls = byCell.mapValues { $0.filter(\.ok).map(\.wallSeconds) }
        return order.compactMap { cell -> CellSummary? in
            let all = byCell[cell]!
            let good = all.filter(\.ok)
            let walls = goodWalls[cell]!
            guard !walls.isEmpty else {
                return nil
            }
            // Each cell resamples with its own stream derived from the seed and the cell's label.
            let cellSeed = seed ^ stableHash(cell.label)
            let median = Statistics.median(walls)
            var speedup: Double?, speedupCI: ClosedRange<Double>?, efficiency: Double?
            if let (serial, scale) = serialWalls(for: cell, in: goodWalls) {
                speedup = Statistics.median(serial) * scale / median
                speedupCI = Statistics.bootstrapRatioCI(numerator: serial.map { $0 * scale }, denominator: walls, seed: cellSeed &+ 1)
                efficiency = speedup! / Double(min(cell.workers, usableCPUs))
            }
            let bytes = Double(cell.workload.bytesPerTrial(tasks: cell.tasks))
            let startups = good.compactMap(\.startupP50Microseconds)
            let setups = good.compactMap(\.setupSeconds)
            let transferRates = good.compactMap { $0.transferSeconds > 0 && $0.transferBytes > 0 ? $0.transferBytes / $0.transferSeconds / 1e6 : nil }
            var summary = CellSummary(
                cell: cell, n: walls.count, failed: all.count - good.count,
                wallMedian: median, wallMean: Statistics.mean(walls), wallMin: walls.min()!, wallMax: walls.max()!,
                wallStandardDeviation: Statistics.standardDeviation(walls),
                wallCI: Statistics.bootstrapMedianCI(walls, seed: cellSeed),
                wallCV: Statistics.coefficientOfVariation(walls),
                cpuMedian: Statistics.median(good.map { $0.userSeconds + $0.systemSeconds }),
                userMedian: Statistics.median(good.map(\.userSeconds)),
                systemMedian: Statistics.median(good.map(\.systemSeconds)),
                maxRSSMedianKiB: Statistics.median(good.map(\.maxRSSKiB)),
                tasksPerSecond: Double(cell.tasks) / median,
                megabytesPerSecond: bytes > 0 ? bytes / median / 1e6 : nil,
                speedup: speedup, speedupCI: speedupCI, efficiency: efficiency,
                perTaskMicroseconds: median / Double(cell.tasks) * 1e6,
                taskP50Microseconds: Statistics.median(good.map(\.taskP50Microseconds)),
                startupP50Microseconds: startups.isEmpty ? nil : Statistics.median(startups),
                stealMedian: Statistics.median(good.map(\.stealSeconds)),
                diskReadMedianBytes: Statistics.median(good.map(\.ioDiskReadBytes)),
                outliers: Statistics.outlierCount(walls, threshold: Summarizer.outlierThreshold), usableCPUs: usableCPUs)
            summary.setupMedian = setups.isEmpty ? nil : Statistics.median(setups)
            let netWalls = good.map { $0.wallSeconds - ($0.setupSeconds ?? 0) }
            summary.perTaskNetMicroseconds = Statistics.median(netWalls) / Double(cell.tasks) * 1e6
            summary.transferMegabytesPerSecond = transferRates.isEmpty ? nil : Statistics.median(transferRates)
            summary.threadsCreatedMedian = Statistics.median(good.map(\.threadsCreated))
            summary.osThreadsMaxMedian = Statistics.median(good.map(\.osThreadsMax))
            summary.tvpMaxRSSMedianKiB = Statistics.median(good.map(\.tvpMaxRSSKiB))
            let serverCPU = good.compactMap(\.serverCPUSeconds), serverRSS = good.compactMap(\.serverMaxRSSKiB)
            summary.serverCPUMedian = serverCPU.isEmpty ? nil : Statistics.median(serverCPU)
            summary.serverMaxRSSMedianKiB = serverRSS.isEmpty ? nil : Statistics.median(serverRSS)
            summary.connectionErrors = Int(all.reduce(0) { $0 + $1.connectionErrors })
            let drops = all.compactMap(\.listenDrops)
            summary.listenDrops = drops.isEmpty ? nil : Int(drops.reduce(0, +))
            return summary
        }
    }
}

/// FNV-1a of `text`: a hash that, unlike `hashValue`, is the same in every process.
func stableHash(_ text: String) -> UInt64 {
    text.utf8.reduce(0xcbf2_9ce4_8422_2325) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }
}
