import Foundation
import Testing
@testable import TVPAnalysis
import TVPMeasure
import TVPPlan
import TVPStatistics

/// The band of a cell's history and the verdict against it, on synthetic histories of run medians.
@Suite("History band")
struct HistoryBandTests {
    /// `count` run medians around `center` with log-normal noise of standard deviation `noise`.
    static func medians(center: Double, noise: Double, count: Int, seed: UInt64) -> [Double] {
        ComparisonTests.sample(median: 1, noise: noise, count: count, seed: seed).map { center * exp($0 - 1) }
    }

    @Test("a stable history gives a narrow band around its median; the t quantile is near its tabled value")
    func stableBand() throws {
        let history = Self.medians(center: 2.0, noise: 0.01, count: 20, seed: 1)
        let band = try #require(HistoryBand.learn(from: history, cells: 1))
        #expect(band.runs == 20)
        #expect(abs(band.center - Statistics.median(history)) / band.center < 0.01)
        #expect(band.lower < band.center && band.center < band.upper)
        #expect(band.upper / band.center < 1.06 && band.upper / band.center > 1.01)
        // t(0.99, 19 df) = 2.539 (tables).
        #expect(abs(HistoryBand.studentQuantile(0.99, degreesOfFreedom: 19) - 2.539) < 0.01)
        // t(0.999, 9 df) = 4.297.
        #expect(abs(HistoryBand.studentQuantile(0.999, degreesOfFreedom: 9) - 4.297) < 0.05)
    }

    @Test("a noisy history gives a wider band than a stable one, and more cells widen every band (Bonferroni)")
    func noisyAndFamily() throws {
        let stable = try #require(HistoryBand.learn(from: Self.medians(center: 1, noise: 0.01, count: 20, seed: 2), cells: 1))
        let noisy = try #require(HistoryBand.learn(from: Self.medians(center: 1, noise: 0.2, count: 20, seed: 2), cells: 1))
        #expect(noisy.upper / noisy.center > 5 * (stable.upper / stable.center - 1) + 1)
        let history = Self.medians(center: 1, noise: 0.05, count: 20, seed: 3)
        let one = try #require(HistoryBand.learn(from: history, cells: 1))
        let thirty = try #require(HistoryBand.learn(from: history, cells: 30))
        #expect(thirty.upper > one.upper && thirty.lower < one.lower)
    }

    @Test("fewer than 8 runs learn no band")
    func tooFewRuns() {
        #expect(HistoryBand.learn(from: [1, 1, 1, 1, 1, 1, 1], cells: 1) == nil)
        #expect(HistoryBand.learn(from: [1, 1, 1, 1, 1, 1, 1, 1], cells: 1) != nil)
        #expect(HistoryBand.learn(from: [1, 1, 1, 1, 1, 1, 1, .nan, 0], cells: 1) == nil)
    }

    @Test("a single wild run does not widen the band (median and Qn)")
    func spikeDoesNotWiden() throws {
        let history = Self.medians(center: 1, noise: 0.01, count: 20, seed: 4)
        var spiked = history
        spiked[7] = 5
        let clean = try #require(HistoryBand.learn(from: history, cells: 1))
        let withSpike = try #require(HistoryBand.learn(from: spiked, cells: 1))
        #expect(withSpike.upper / clean.upper < 1.02)
    }

    @Test("regression needs both: beyond the band and beyond the threshold")
    func verdicts() {
        let band = HistoryBand(center: 1, lower: 0.98, upper: 1.02, runs: 20, logSpread: 0.005, width: 4)
        #expect(band.verdict(cost: 1.03, threshold: 0.05) == .unchanged)   // beyond the band, within 5 %
        #expect(band.verdict(cost: 1.10, threshold: 0.05) == .regression)
        #expect(band.verdict(cost: 0.90, threshold: 0.05) == .improvement)
        let wide = HistoryBand(center: 1, lower: 0.5, upper: 2, runs: 20, logSpread: 0.2, width: 4)
        #expect(wide.verdict(cost: 1.5, threshold: 0.05) == .unchanged)    // beyond 5 %, within the band
        #expect(wide.verdict(cost: 2.5, threshold: 0.05) == .regression)
    }

    @Test("the beta-binomial tail behind the trials' band has its textbook values")
    func betaBinomialTail() {
        // Beta(1, 1) makes the count uniform on 0…n: P(X ≥ k) = (n − k + 1) / (n + 1).
        #expect(abs(HistoryBand.betaBinomialTail(draws: 7, atLeast: 4, a: 1, b: 1) - 0.5) < 1e-12)
        #expect(abs(HistoryBand.betaBinomialTail(draws: 7, atLeast: 7, a: 1, b: 1) - 0.125) < 1e-12)
        // A share known almost exactly is the binomial: 35·0.1⁴·0.9³ + 21·0.1⁵·0.9² + 7·0.1⁶·0.9 + 0.1⁷.
        #expect(abs(HistoryBand.betaBinomialTail(draws: 7, atLeast: 4, a: 100_000, b: 900_000) - 0.0027280) < 1e-6)
        // An unknown share has fatter tails than the share seen: 3 of 84 above, predicted, against 3/84 known.
        #expect(HistoryBand.betaBinomialTail(draws: 7, atLeast: 4, a: 4, b: 82) > 5 * 0.0000522)
        #expect(HistoryBand.betaBinomialTail(draws: 7, atLeast: 0, a: 2, b: 3) == 1)
        #expect(HistoryBand.betaBinomialTail(draws: 7, atLeast: 8, a: 2, b: 3) == 0)
    }

    @Test("a slower state seen in only 3 of 84 trials still covers a run that falls into it for four of seven; 65 % slower is still caught")
    func rareState() throws {
        // Twelve runs: every trial fast (14.5 ms, ±0.4 %) but three, in three runs, at 19.5-19.7 ms.
        let history: [[Double]] = (0..<12).map { run in
            (0..<7).map { trial in
                if trial == 0 && run < 3 { return 0.0195 + 0.0001 * Double(run) }
                return 0.0145 * (1 + 0.001 * Double((run * 7 + trial) % 5))
            }
        }
        let band = try #require(HistoryBand.learn(from: history.map { Statistics.median($0) }, trials: history.flatMap { $0 },
                                                  trialsPerRun: 7, cells: 30))
        // The share seen (3 of 84) would put the edge among the fast trials; its prediction with the
        // share unknown reaches the slow ones.
        #expect(band.widenedByTrials && band.upper >= 0.0195)
        let slowState = Statistics.median([0.0195, 0.0195, 0.0196, 0.0195, 0.0145, 0.0146, 0.0145])
        #expect(band.verdict(cost: slowState, threshold: 0.05) == .unchanged)
        #expect(band.verdict(cost: 1.65 * 0.0146, threshold: 0.05) == .regression)
    }

    /// Twelve runs of seven trials in a cell with two states, 14.5 and 19.5 ms: each run has one to
    /// three slow trials (16 of 84), so every run median is fast, as on the machine that showed it.
    static let twoStateHistory: [[Double]] = (0..<12).map { run in
        (0..<7).map { trial in
            let slow = trial < 1 + run % 3 ? 0.0195 : 0.0145
            return slow * (1 + 0.004 * Double((run * 7 + trial) % 5))
        }
    }

    @Test("a state the run medians never showed but the trials did widens the band: four slow trials of seven are no alarm, 65 % slower still is")
    func twoStates() throws {
        let medians = Self.twoStateHistory.map { Statistics.median($0) }
        let trials = Self.twoStateHistory.flatMap { $0 }
        #expect(medians.allSatisfy { $0 < 0.016 })
        let fromMedians = try #require(HistoryBand.learn(from: medians, cells: 15))
        let band = try #require(HistoryBand.learn(from: medians, trials: trials, trialsPerRun: 7, cells: 15))
        // An unchanged run that fell into the slow state for four of its seven trials.
        let slowState = Statistics.median([0.0195, 0.0196, 0.0197, 0.0195, 0.0145, 0.0146, 0.0145])
        #expect(fromMedians.verdict(cost: slowState, threshold: 0.05) == .regression)
        #expect(band.verdict(cost: slowState, threshold: 0.05) == .unchanged)
        #expect(band.widenedByTrials && band.upper >= 0.0195 && band.upper < 0.021)
        // One more exec per task: 65 % slower in every trial.
        #expect(band.verdict(cost: 1.65 * 0.0146, threshold: 0.05) == .regression)
        // Trials as tight as the medians widen nothing: a 10 % slower cell stays caught.
        let tight = (0..<12).map { run in (0..<7).map { 0.010 * (1 + 0.002 * Double((run + $0) % 5)) } }
        let tightBand = try #require(HistoryBand.learn(from: tight.map { Statistics.median($0) }, trials: tight.flatMap { $0 },
                                                       trialsPerRun: 7, cells: 15))
        #expect(tightBand.verdict(cost: 0.011, threshold: 0.05) == .regression)
    }

    @Test("unchanged runs of 30 cells are flagged in at most about 1 % of runs", arguments: [8, 20])
    func familyWiseRate(historyRuns: Int) throws {
        // 200 A/A runs of 30 cells, each history of `historyRuns` medians and the current run from
        // the same log-normal distribution: the share of runs with any cell flagged stays at most
        // α = 1 % (2 % allowed for the simulation's own noise; 1-2 of 200 when written).
        var flagged = 0
        for run in 0..<200 {
            var any = false
            for cell in 0..<30 {
                let seed = UInt64(historyRuns * 1_000_000 + run * 1000 + cell)
                let values = Self.medians(center: 1, noise: 0.03, count: historyRuns + 1, seed: seed)
                let band = try #require(HistoryBand.learn(from: Array(values.dropLast()), cells: 30))
                if band.verdict(cost: values.last!, threshold: 0) == .regression { any = true }
            }
            if any { flagged += 1 }
        }
        #expect(flagged <= 4, "\(flagged) of 200 unchanged runs flagged")
    }
}

/// One run judged against its history (`tvp compare --history`).
@Suite("History comparison")
struct HistoryComparisonTests {
    static let cell = Cell(workload: .null, mode: .threads, workers: 2, tasks: 8)
    static let other = Cell(workload: .null, mode: .processes, workers: 2, tasks: 8)

    /// A run whose cells have counted trials at the given walls.
    static func run(_ walls: [Cell: [Double]], name: String = "run") -> RunFolder {
        RunFolder(directory: "", trialsPath: "\(name)/trials.csv", parts: .trials, trials: walls.flatMap { cell, values in
            values.map { TrialSample(cell: cell, isWarmup: false, ok: true, wallSeconds: $0) }
        })
    }

    /// `count` history runs with the cell around `center` (±1 % noise) and `other` around 1.
    static func history(count: Int, center: Double = 1) -> [HistoryRun] {
        (0..<count).map { index in
            let wobble = 1 + 0.01 * sin(Double(index))
            return HistoryRun(name: "h\(index)", run: run([cell: [center * wobble, center * wobble * 1.01, center * wobble * 0.99],
                                                           other: [wobble, wobble, wobble]], name: "h\(index)"))
        }
    }

    @Test("a 20 % slower cell is a regression against its band; the unchanged cell passes; exit 2")
    func stepIsCaught() throws {
        let report = try HistoryComparator.compare(
            current: Self.run([Self.cell: [1.2, 1.21, 1.19], Self.other: [1, 1, 1]]), history: Self.history(count: 12),
            window: 20, storeDescription: "store")
        let judged = Dictionary(uniqueKeysWithValues: report.comparisons.map { ($0.cell, $0) })
        #expect(judged[Self.cell]?.verdict == .regression)
        #expect(judged[Self.cell]?.band?.runs == 12)
        #expect(judged[Self.other]?.verdict == .unchanged)
        #expect(report.exitCode == 2)
        #expect(report.design == .history(runs: 12, window: 20, familyAlpha: 0.01))
    }

    @Test("a 3 % change in a stable cell stays within the 5 % threshold: pass")
    func withinThreshold() throws {
        let report = try HistoryComparator.compare(
            current: Self.run([Self.cell: [1.03, 1.03, 1.03], Self.other: [1, 1, 1]]), history: Self.history(count: 12),
            window: 20, storeDescription: "store")
        #expect(report.exitCode == 0)
        #expect(report.comparisons.allSatisfy { $0.verdict == .unchanged })
    }

    @Test("with fewer than 8 runs the two-run rule judges, and the note says so")
    func fallback() throws {
        let report = try HistoryComparator.compare(
            current: Self.run([Self.cell: [1.2, 1.21, 1.19], Self.other: [1, 1, 1]]), history: Self.history(count: 5),
            window: 20, storeDescription: "store")
        #expect(report.comparisons.allSatisfy { $0.band == nil })
        #expect(report.comparisons.allSatisfy { $0.note?.contains("two-run rule against h4") == true })
        // +20 % is within the two-run rule's ±50 % drift: inconclusive, not a regression.
        #expect(report.comparisons.first { $0.cell == Self.cell }?.verdict == .inconclusive)
        #expect(report.warnings.contains { $0.contains("fewer than 8 runs of history") })
    }

    @Test("an accepted change restarts the cell's history: the new level is no regression once it has 8 runs")
    func acceptedChange() throws {
        let history = Self.history(count: 10) + Self.history(count: 9, center: 1.2)
        let current = Self.run([Self.cell: [1.2, 1.2, 1.2], Self.other: [1, 1, 1]])
        let restarted = try HistoryComparator.compare(current: current, history: history, startIndex: [Self.cell: 10],
                                                      window: 20, storeDescription: "s")
        let judged = try #require(restarted.comparisons.first { $0.cell == Self.cell })
        #expect(judged.band?.runs == 9)
        #expect(abs((judged.band?.center ?? 0) - 1.2) < 0.02)
        #expect(judged.verdict == .unchanged)
        // Against the old level only (the new runs not yet stored), the same run regresses.
        let old = try HistoryComparator.compare(current: current, history: Self.history(count: 10), window: 20, storeDescription: "s")
        #expect(old.comparisons.first { $0.cell == Self.cell }?.verdict == .regression)
    }
}
