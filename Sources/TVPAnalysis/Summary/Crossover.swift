import TVPWorkloads
import TVPMeasure
import TVPPlan
import TVPStatistics

/// Where processes start to pay off against threads, from a run's `mixed` cells: for each pair of a
/// thread mode (`threads`, and `gil` as Python's threads) and a process mode (`processes`,
/// `process-pool`) at the same worker count, the ratio of their wall times at every task size and
/// CPU share, and the smallest task size from which the process mode wins at every larger size too.
/// Values only: `CrossoverText` words them, `ResultsWriter` writes crossover.csv and breakeven.csv.
public enum Crossover {
    /// Thread modes the process modes are compared with, when the run has them.
    static let threadModes: [Mode] = [.threads, .gil]
    /// Process modes compared.
    static let processModes: [Mode] = [.processes, .processPool]

    /// One cell of the crossover: a pair of modes at one worker count, task size and CPU share.
    public struct Point: Sendable, Equatable {
        /// The thread mode (`threads` or `gil`).
        public var threadMode: Mode
        /// The process mode (`processes` or `process-pool`).
        public var processMode: Mode
        /// Workers of both modes.
        public var workers: Int
        /// The task's time budget, milliseconds.
        public var taskMilliseconds: Double
        /// The share of the budget spent hashing (0: all sleep, 1: all hashing).
        public var cpuShare: Double
        /// Median wall time of the thread mode, seconds.
        public var threadWall: Double
        /// Median wall time of the process mode, seconds.
        public var processWall: Double
        /// threadWall ÷ processWall: above 1 the process mode is faster.
        public var ratio: Double
        /// 95 % bootstrap interval of the ratio.
        public var ratioCI: ClosedRange<Double>

        /// Whether the process mode was faster here beyond the noise: the whole 95 % interval of the
        /// ratio lies above 1 (on this machine, medians alone flip with the CPU's speed).
        public var processWins: Bool { ratioCI.lowerBound > 1 }

        /// Creates the value from its parts.
        public init(threadMode: Mode, processMode: Mode, workers: Int, taskMilliseconds: Double, cpuShare: Double, threadWall: Double, processWall: Double, ratio: Double, ratioCI: ClosedRange<Double>) {
            self.threadMode = threadMode
            self.processMode = processMode
            self.workers = workers
            self.taskMilliseconds = taskMilliseconds
            self.cpuShare = cpuShare
            self.threadWall = threadWall
            self.processWall = processWall
            self.ratio = ratio
            self.ratioCI = ratioCI
        }
    }

    /// The break-even task size of one pair of modes.
    public struct BreakEven: Sendable, Equatable {
        /// The thread mode.
        public var threadMode: Mode
        /// The process mode.
        public var processMode: Mode
        /// Workers of both modes.
        public var workers: Int
        /// The smallest task size from which the process mode beat the thread mode at every larger
        /// size measured too (at each size, at some CPU share, with the ratio's 95 % interval above 1).
        /// nil: it did not win at the largest size measured.
        public var paysOffFromMilliseconds: Double?
        /// The largest task size measured.
        public var largestMeasuredMilliseconds: Double
        /// The best ratio seen at any size and share.
        public var bestRatio: Double
        /// The task size of the best ratio, milliseconds.
        public var bestAtMilliseconds: Double
        /// The CPU share of the best ratio.
        public var bestAtShare: Double
    }

    /// The crossover points of `samples` (counted, successful trials of `mixed` cells).
    public static func points(_ samples: [TrialSample], seed: UInt64) -> [Point] {
        var walls: [Cell: [Double]] = [:]
        for sample in samples where sample.ok && !sample.isWarmup {
            if sample.cell.workload.is(MixedWorkload.self) { walls[sample.cell, default: []].append(sample.wallSeconds) }
        }
        var result: [Point] = []
        for (cell, processWalls) in walls where processModes.contains(cell.mode) {
            guard let mixed = cell.workload.as(MixedWorkload.self) else { continue }
            for threadMode in threadModes {
                let twin = Cell(workload: cell.workload, mode: threadMode, workers: cell.workers, tasks: cell.tasks, affinity: cell.affinity)
                guard let threadWalls = walls[twin] else { continue }
                let threadWall = Statistics.median(threadWalls), processWall = Statistics.median(processWalls)
                result.append(Point(
                    threadMode: threadMode, processMode: cell.mode, workers: cell.workers,
                    taskMilliseconds: Double(mixed.taskNanoseconds) / 1e6, cpuShare: mixed.cpuShare,
                    threadWall: threadWall, processWall: processWall, ratio: threadWall / processWall,
                    ratioCI: Statistics.bootstrapRatioCI(numerator: threadWalls, denominator: processWalls,
                                                         seed: seed ^ stableHash(twin.label + cell.label))))
            }
        }
        return result.sorted {
            ($0.threadMode, $0.processMode, $0.workers, $0.taskMilliseconds, $0.cpuShare)
                < ($1.threadMode, $1.processMode, $1.workers, $1.taskMilliseconds, $1.cpuShare)
        }
    }

    /// The break-even task size of each pair of modes in `points`.
    ///
    /// At a task size the process mode *wins* when it wins at the CPU share where it does best: the
    /// share whose ratio has the highest lower bound, and that bound is above 1 (`processWins`). The
    /// break-even is the smallest size from which it wins at that size and at every larger size
    /// measured, so a single lucky point, a win at one size followed by a loss at a larger one,
    /// cannot set it.
    public static func breakEvens(_ points: [Point]) -> [BreakEven] {
        let pairs = Dictionary(grouping: points) { "\($0.threadMode.rawValue) \($0.processMode.rawValue) \($0.workers)" }
        return pairs.values.compactMap { group -> BreakEven? in
            guard let best = group.max(by: { $0.ratio < $1.ratio }) else { return nil }
            let sizes = Dictionary(grouping: group, by: \.taskMilliseconds)
            var paysOffFrom: Double?
            for size in sizes.keys.sorted(by: >) {
                guard sizes[size, default: []].contains(where: \.processWins) else { break }
                paysOffFrom = size
            }
            return BreakEven(
                threadMode: best.threadMode, processMode: best.processMode, workers: best.workers,
                paysOffFromMilliseconds: paysOffFrom,
                largestMeasuredMilliseconds: sizes.keys.max() ?? best.taskMilliseconds,
                bestRatio: best.ratio, bestAtMilliseconds: best.taskMilliseconds, bestAtShare: best.cpuShare)
        }.sorted { ($0.threadMode, $0.processMode, $0.workers) < ($1.threadMode, $1.processMode, $1.workers) }
    }
}
