import Foundation
import Testing
import TVPWorkloads
@testable import TVPAnalysis
@testable import TVPPlan
@testable import TVPStatistics

/// The paired gate: the signed-rank interval against an independent computation, and verdicts on
/// synthetic rounds with drift, a real change and noise.
@Suite("Paired comparison")
struct PairedComparisonTests {
    // Reference: scipy 1.17 / brute force over all 2^10 sign patterns (see the commit that added this):
    // k = 9 (95 %), 4 (99 %), 1 (99.8 %); Hodges–Lehmann 0.07; exact two-sided p 0.013671875.
    static let differences = [0.12, -0.03, 0.08, 0.15, 0.02, 0.11, 0.09, -0.01, 0.07, 0.05]

    @Test("the signed-rank interval and p-value equal an exact computation by enumeration")
    func signedRankMatchesReference() {
        for (confidence, low, high, achieved) in [(0.95, 0.02, 0.11, 0.951171875), (0.99, -0.005, 0.12, 0.990234375),
                                                   (0.998, -0.03, 0.15, 0.998046875)] {
            let interval = SignedRank.interval(Self.differences, confidence: confidence)
            #expect(abs(interval.lower - low) < 1e-12 && abs(interval.upper - high) < 1e-12, "\(confidence): \(interval)")
            #expect(abs(interval.achieved - achieved) < 1e-12)
            #expect(interval.isAvailable)
            #expect(abs(interval.estimate - 0.07) < 1e-12)
        }
        #expect(abs(SignedRank.pValue(Self.differences) - 0.013671875) < 1e-12)
        // 10 differences cannot give 99.9 %: 2 × 2^-10 > 0.001.
        #expect(!SignedRank.interval(Self.differences, confidence: 0.9995).isAvailable)
        #expect(SignedRank.minimumCount(confidence: 0.998) == 10)
        #expect(SignedRank.minimumCount(confidence: 0.999) == 11)
    }

    @Test("the interval covers the centre as often as it says, on skewed noise")
    func signedRankCoverage() {
        var generator = SeededGenerator(seed: 11)
        var covered = 0
        let trials = 2_000
        for _ in 0..<trials {
            // Log ratios of two log-normal figures: symmetric, heavy-ish tails, centre 0.
            let x = (0..<12).map { _ in normal(&generator) * 0.1 - normal(&generator) * 0.1 }
            if SignedRank.interval(x, confidence: 0.95).lower <= 0, SignedRank.interval(x, confidence: 0.95).upper >= 0 { covered += 1 }
        }
        let rate = Double(covered) / Double(trials)
        #expect(rate >= 0.93 && rate <= 0.975, "coverage \(rate)")
    }

    /// A round of one cpu cell under threads: the baseline's trials around `baseline` s, the current's around `current`.
    static func round(_ number: Int, baseline: Double, current: Double, noise: Double, generator: inout SeededGenerator) -> PairedRound {
        func run(_ median: Double) -> RunFolder {
            let walls = (0..<3).map { _ in median * exp(noise * normal(&generator)) }
            return ComparisonTests.run(walls.map { ComparisonTests.trial(.threads, workers: 2, wall: $0) })
        }
        return PairedRound(number: number, baseline: run(baseline), current: run(current))
    }

    @Test("machine drift shared by both builds cancels; a 20 % change under it is found")
    func driftCancels() throws {
        var generator = SeededGenerator(seed: 5)
        // The machine's speed wanders by ±40 % from round to round; both builds see the same round.
        let drift = (1...15).map { _ in exp(0.3 * normal(&generator)) }
        let same = drift.enumerated().map { Self.round($0.offset + 1, baseline: $0.element, current: $0.element, noise: 0.02, generator: &generator) }
        let slower = drift.enumerated().map { Self.round($0.offset + 1, baseline: $0.element, current: 1.2 * $0.element, noise: 0.02, generator: &generator) }
        let aa = try PairedComparator.compare(same, options: PairedOptions(), baselinePath: "a", currentPath: "b").report
        #expect(aa.comparisons[0].verdict == .unchanged, "\(aa.comparisons[0].ratioCI)")
        #expect(aa.exitCode == 0)
        let ab = try PairedComparator.compare(slower, options: PairedOptions(), baselinePath: "a", currentPath: "b").report
        #expect(ab.comparisons[0].verdict == .regression)
        #expect(abs(ab.comparisons[0].ratio - 1.2) < 0.03)
        #expect(ab.exitCode == 2)
        if case .paired(let rounds, let confidence) = ab.design {
            #expect(rounds == 15 && abs(confidence - 0.99) < 1e-12)
        } else {
            Issue.record("a paired report says it is paired")
        }
    }

    @Test("each of m cells is judged at 1 − alpha/m, and too few rounds are inconclusive with a warning")
    func bonferroniAndTooFewRounds() throws {
        let options = PairedOptions(familyAlpha: 0.01)
        #expect(abs(options.cellConfidence(cells: 21) - (1 - 0.01 / 21)) < 1e-15)
        #expect(options.minimumRounds(cells: 21) == 13)
        var generator = SeededGenerator(seed: 9)
        let rounds = (1...5).map { Self.round($0, baseline: 1, current: 2, noise: 0.01, generator: &generator) }
        let report = try PairedComparator.compare(rounds, options: PairedOptions(familyAlpha: 0.001), baselinePath: "a", currentPath: "b").report
        // 5 rounds cannot reach 99.9 %: even a doubling stays inconclusive rather than overclaimed.
        #expect(report.comparisons[0].verdict == .inconclusive)
        #expect(report.comparisons[0].note?.contains("cannot reach") == true)
        #expect(report.warnings.contains { $0.contains("--rounds") })
    }

    @Test("rounds alternate which build runs first (ABBA)")
    func abbaOrder() {
        #expect((1...6).map(PairedPlan.baselineFirst(inRound:)) == [true, false, true, false, true, false])
    }
}

/// A standard normal draw (Box–Muller).
func normal(_ generator: inout SeededGenerator) -> Double {
    let u1 = Double.random(in: Double.ulpOfOne..<1, using: &generator)
    let u2 = Double.random(in: 0..<1, using: &generator)
    return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
}
