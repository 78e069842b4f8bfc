import Foundation
import Testing
@testable import TVPStatistics

/// Expected values were computed with numpy 2.4.6 / scipy 1.17.1; each is preceded by the Python expression used.
@Suite("Statistics")
struct StatisticsTests {
    /// x = [12.1, 9.8, 10.4, 11.7, 10.0, 13.3, 9.5, 10.9]
    static let sample = [12.1, 9.8, 10.4, 11.7, 10.0, 13.3, 9.5, 10.9]

    // MARK: Generator

    @Test("SeededGenerator matches a reference xoshiro256** seeded through SplitMix64")
    func generatorReferenceSequence() {
        // Reference: a direct Python port of SplitMix64 (to fill the state) and xoshiro256** (Vigna's C code).
        var generator = SeededGenerator(seed: 42)
        #expect(generator.next() == 0x1578_0B2E_0C2E_C716)
        #expect(generator.next() == 0x6104_D986_6D11_3A7E)
        #expect(generator.next() == 0xAE17_5332_39E4_99A1)
        var zero = SeededGenerator(seed: 0)
        #expect(zero.next() == 0x99EC_5F36_CB75_F2B4)
    }

    @Test("nextIndex stays in range and reaches every index")
    func generatorIndices() {
        var generator = SeededGenerator(seed: 7)
        var seen = Set<Int>()
        for _ in 0..<1000 {
            let index = generator.nextIndex(below: 5)
            #expect((0..<5).contains(index))
            seen.insert(index)
        }
        #expect(seen.count == 5)
    }

    // MARK: Descriptive statistics

    @Test("median, mean, percentile and standard deviation match numpy")
    func descriptiveStatistics() {
        let x = Self.sample
        // np.median(x)
        #expect(abs(Statistics.median(x) - 10.65) < 1e-12)
        // np.mean(x)
        #expect(abs(Statistics.mean(x) - 10.9625) < 1e-12)
        // np.percentile(x, 90)
        #expect(abs(Statistics.percentile(x, 90) - 12.459999999999999) < 1e-12)
        // np.percentile(x, 25)
        #expect(abs(Statistics.percentile(x, 25) - 9.95) < 1e-12)
        // np.percentile(x, 0), np.percentile(x, 100)
        #expect(Statistics.percentile(x, 0) == 9.5)
        #expect(Statistics.percentile(x, 100) == 13.3)
        // np.std(x, ddof=1)
        #expect(abs(Statistics.standardDeviation(x) - 1.3114196233743907) < 1e-12)
        // np.std(x, ddof=1) / np.mean(x)
        #expect(abs(Statistics.coefficientOfVariation(x) - 0.11962778776505274) < 1e-12)
        // scipy.stats.median_abs_deviation(x)
        #expect(abs(Statistics.medianAbsoluteDeviation(x) - 0.95) < 1e-12)
    }

    @Test("percentiles of a sample full of duplicates match numpy")
    func percentilesWithDuplicates() {
        // x = [float((i*7) % 5) for i in range(23)] + [2.5]
        let x = (0..<23).map { Double(($0 * 7) % 5) } + [2.5]
        let ps = [0, 7, 20, 41, 50, 62.5, 87, 95, 100]
        // [float(v) for v in np.percentile(x, [0, 7, 20, 41, 50, 62.5, 87, 95, 100])]
        let expected = [0.0, 0.0, 0.6000000000000005, 2.0, 2.0, 2.6875, 4.0, 4.0, 4.0]
        for (p, want) in zip(ps, expected) {
            #expect(abs(Statistics.percentile(x, p) - want) < 1e-12, "p = \(p)")
        }
    }

    @Test("odd-length median is the middle value")
    func oddMedian() {
        #expect(Statistics.median([5, 1, 3]) == 3)
        #expect(Statistics.median([4]) == 4)
    }

    @Test("degenerate inputs follow the documented conventions")
    func degenerateInputs() {
        #expect(Statistics.median([]).isNaN)
        #expect(Statistics.mean([]).isNaN)
        #expect(Statistics.percentile([], 50).isNaN)
        #expect(Statistics.medianAbsoluteDeviation([]).isNaN)
        #expect(Statistics.coefficientOfVariation([]).isNaN)
        #expect(Statistics.standardDeviation([]) == 0)
        #expect(Statistics.standardDeviation([3]) == 0)
        #expect(Statistics.coefficientOfVariation([-1, 1]) == 0)
        #expect(Statistics.modifiedZScores([]).isEmpty)
    }

    // MARK: Outliers

    @Test("modified z-scores match numpy")
    func modifiedZScores() {
        let x = [10.0, 10.2, 9.9, 10.1, 10.05, 9.95, 10.15, 25.0]
        // m = np.median(x); 0.6745 * (np.array(x) - m) / np.median(abs(np.array(x) - m))
        let expected = [-0.505875, 0.843125, -1.180375, 0.168625, -0.168625, -0.843125, 0.505875, 100.669125]
        let scores = Statistics.modifiedZScores(x)
        #expect(scores.count == expected.count)
        for (score, want) in zip(scores, expected) {
            #expect(abs(score - want) < 1e-9)
        }
    }

    @Test("one clear outlier is counted; a clean sample has none")
    func outlierCounts() {
        #expect(Statistics.outlierCount([10.0, 10.2, 9.9, 10.1, 10.05, 9.95, 10.15, 25.0]) == 1)
        // Largest |z| here is 1.517625 (same numpy expression as above).
        #expect(Statistics.outlierCount([10.0, 10.2, 9.9, 10.1, 10.05, 9.95, 10.15, 10.3]) == 0)
        #expect(Statistics.outlierCount([10.0, 10.2, 9.9, 10.1, 10.05, 9.95, 10.15, 10.3], threshold: 1.5) == 1)
    }

    @Test("a zero MAD gives all-zero scores and no outliers")
    func zeroMAD() {
        let x = [5.0, 5.0, 5.0, 5.0, 9.0]
        #expect(Statistics.modifiedZScores(x) == [0, 0, 0, 0, 0])
        #expect(Statistics.outlierCount(x) == 0)
    }

    // MARK: Mann–Whitney U

    @Test("exact small case matches scipy")
    func mannWhitneyExact() {
        // scipy.stats.mannwhitneyu([1.1,2.3,3.7,4.2,5.9], [3.1,4.8,6.2,7.4,8.6,9.05],
        //                          alternative='two-sided', method='exact')  -> U=4.0, p=0.05194805194805195
        let result = Statistics.mannWhitneyU([1.1, 2.3, 3.7, 4.2, 5.9], [3.1, 4.8, 6.2, 7.4, 8.6, 9.05])
        #expect(result.u == 4)
        #expect(abs(result.pValue - 0.05194805194805195) < 1e-3)
        // Swapping the sides reports the other U and the same p (scipy gives U=26.0).
        let swapped = Statistics.mannWhitneyU([3.1, 4.8, 6.2, 7.4, 8.6, 9.05], [1.1, 2.3, 3.7, 4.2, 5.9])
        #expect(swapped.u == 26)
        #expect(abs(swapped.pValue - result.pValue) < 1e-12)
    }

    @Test("exact case at the size limit matches scipy")
    func mannWhitneyExactTenByTen() {
        // a = [0.5*i+0.1 for i in range(10)]; b = [0.5*i+0.37 for i in range(3,13)]
        // scipy.stats.mannwhitneyu(a, b, alternative='two-sided', method='exact') -> U=21.0, p=0.028805559765312086
        let a = [0.1, 0.6, 1.1, 1.6, 2.1, 2.6, 3.1, 3.6, 4.1, 4.6]
        let b = [1.87, 2.37, 2.87, 3.37, 3.87, 4.37, 4.87, 5.37, 5.87, 6.37]
        let result = Statistics.mannWhitneyU(a, b)
        #expect(result.u == 21)
        #expect(abs(result.pValue - 0.028805559765312086) < 1e-3)
        // Complete separation, 3 vs 3: scipy.stats.mannwhitneyu([1,2,3], [4,5,6], method='exact') -> p=0.1
        #expect(abs(Statistics.mannWhitneyU([1, 2, 3], [4, 5, 6]).pValue - 0.1) < 1e-12)
    }

    @Test("large case with ties matches scipy's asymptotic test")
    func mannWhitneyLargeWithTies() {
        // a = [float(i % 7) for i in range(40)]; b = [float((i*5) % 8) + 1 for i in range(35)]
        // scipy.stats.mannwhitneyu(a, b, alternative='two-sided', method='asymptotic', use_continuity=True)
        //   -> U=444.5, p=0.00633906945433631
        let a = (0..<40).map { Double($0 % 7) }
        let b = (0..<35).map { Double(($0 * 5) % 8) + 1 }
        let result = Statistics.mannWhitneyU(a, b)
        #expect(result.u == 444.5)
        #expect(abs(result.pValue - 0.00633906945433631) < 1e-3)
    }

    @Test("small samples with ties use the tie-corrected normal approximation")
    func mannWhitneySmallWithTies() {
        // scipy.stats.mannwhitneyu([1,2,2,3,5], [2,4,5,6,6,7], alternative='two-sided',
        //                          method='asymptotic', use_continuity=True) -> U=4.5, p=0.06414661873440437
        let result = Statistics.mannWhitneyU([1, 2, 2, 3, 5], [2, 4, 5, 6, 6, 7])
        #expect(result.u == 4.5)
        #expect(abs(result.pValue - 0.06414661873440437) < 1e-3)
    }

    @Test("a side larger than 10 without ties uses the normal approximation")
    func mannWhitneyLargeWithoutTies() {
        // scipy.stats.mannwhitneyu([float(i) for i in range(12)], [i+4.5 for i in range(9)],
        //                          alternative='two-sided', method='asymptotic', use_continuity=True)
        //   -> U=28.0, p=0.06995435858001026
        let result = Statistics.mannWhitneyU((0..<12).map(Double.init), (0..<9).map { Double($0) + 4.5 })
        #expect(result.u == 28)
        #expect(abs(result.pValue - 0.06995435858001026) < 1e-3)
    }

    @Test("degenerate Mann–Whitney inputs give p = 1")
    func mannWhitneyDegenerate() {
        #expect(Statistics.mannWhitneyU([], [1, 2]).pValue == 1)
        #expect(Statistics.mannWhitneyU([1, 2], []).pValue == 1)
        // Every value tied: zero variance.
        #expect(Statistics.mannWhitneyU([3, 3, 3], [3, 3]).pValue == 1)
        // scipy.stats.mannwhitneyu([3.0], [1.0], method='exact') -> U=1.0, p=1.0
        let single = Statistics.mannWhitneyU([3], [1])
        #expect(single.u == 1 && single.pValue == 1)
    }

    // MARK: Bootstrap

    @Test("resampled medians equal the medians of the values drawn", arguments: [1, 2, 3, 4, 7, 10, 11, 50])
    func resampledMedianMatchesBruteForce(size: Int) {
        var dataGenerator = SeededGenerator(seed: UInt64(size))
        // Include duplicates so equal neighbours in the sorted sample are exercised too.
        let sample = (0..<size).map { _ in Double(dataGenerator.nextIndex(below: 5)) + Double(size % 3) * 0.25 }
        let sorted = sample.sorted()
        var resampler = Statistics.MedianResampler(sample)
        var generator = SeededGenerator(seed: 17)
        for _ in 0..<200 {
            var replay = generator  // draws the same indices the resampler is about to draw
            let drawn = (0..<size).map { _ in sorted[replay.nextIndex(below: size)] }
            #expect(resampler.resampledMedian(using: &generator) == Statistics.median(drawn))
        }
    }

    @Test("a single-value sample gives a point interval; an empty side or a ratio that is no number, nothing known")
    func bootstrapSingleValue() {
        #expect(Statistics.bootstrapRatioCI(numerator: [3], denominator: [2], seed: 1) == 1.5...1.5)
        #expect(Statistics.bootstrapRatioCI(numerator: [], denominator: [2], seed: 1) == -Double.infinity...Double.infinity)
        #expect(Statistics.bootstrapRatioCI(numerator: [0, 0], denominator: [0, 0], seed: 1) == -Double.infinity...Double.infinity)
    }

    @Test("the ratio interval brackets the ratio of medians")
    func bootstrapRatioBrackets() {
        let x = Self.sample, y = Self.sample.map { $0 / 2 }
        let interval = Statistics.bootstrapRatioCI(numerator: x, denominator: y, seed: 3)
        #expect(interval.contains(2))
        #expect(interval.lowerBound < interval.upperBound)
    }

    @Test("same seed gives identical intervals; different seeds differ slightly")
    func bootstrapDeterminism() {
        var generator = SeededGenerator(seed: 99)
        let a = (0..<30).map { _ in 100 + Double.random(in: 0..<20, using: &generator) }
        let b = (0..<30).map { _ in 80 + Double.random(in: 0..<20, using: &generator) }

        let first = Statistics.bootstrapRatioCI(numerator: a, denominator: b, seed: 5)
        #expect(first == Statistics.bootstrapRatioCI(numerator: a, denominator: b, seed: 5))

        let second = Statistics.bootstrapRatioCI(numerator: a, denominator: b, seed: 6)
        #expect(first != second)
        #expect(abs(first.lowerBound - second.lowerBound) / first.lowerBound < 0.05)
        #expect(abs(first.upperBound - second.upperBound) / first.upperBound < 0.05)
    }

    @Test("a narrower confidence level gives a nested interval")
    func bootstrapConfidenceNesting() {
        let y = Self.sample.map { $0 * 0.9 }
        let wide = Statistics.bootstrapRatioCI(numerator: Self.sample, denominator: y, confidence: 0.99, seed: 11)
        let narrow = Statistics.bootstrapRatioCI(numerator: Self.sample, denominator: y, confidence: 0.5, seed: 11)
        #expect(wide.lowerBound <= narrow.lowerBound && narrow.upperBound <= wide.upperBound)
    }

    @Test("the 95% ratio interval covers the true ratio of medians at a plausible rate")
    func bootstrapRatioCoverage() {
        // Numerator ~ 1.3 · LogNormal(0, 0.25), denominator ~ LogNormal(0, 0.25): both medians are known
        // (1.3 and 1), so the true ratio of medians is 1.3. Over 2000 trials this setup covers about 96.3%, so
        // 400 trials put both bounds more than 2.5 standard errors away; 1000 resamples keep the test quick.
        let trueRatio = 1.3
        let trials = 400
        var covered = 0
        for seed in 0..<UInt64(trials) {
            var generator = SeededGenerator(seed: 1_000 + seed)
            let numerator = (0..<20).map { _ in trueRatio * logNormal(sigma: 0.25, using: &generator) }
            let denominator = (0..<20).map { _ in logNormal(sigma: 0.25, using: &generator) }
            let interval = Statistics.bootstrapRatioCI(numerator: numerator, denominator: denominator,
                                                       resamples: 1000, seed: seed)
            if interval.contains(trueRatio) { covered += 1 }
        }
        let rate = Double(covered) / Double(trials)
        #expect(rate >= 0.85 && rate <= 0.99, "coverage \(rate)")
    }

    @Test("a bootstrap costs about linear time in the sample: 16 bootstraps of 50 values take as long as one of 800")
    func bootstrapScalesLinearly() {
        // A relation between two runs of the same code in the same seconds, not a bound on this CPU:
        // a resample costs O(n) (counts per sorted position), so 16 bootstraps of 50 values and one of
        // 800 do the same work; anything quadratic makes the large one 16 times dearer. Both sides take
        // about as long, so a busy machine (other suites run in parallel) interrupts both alike; the
        // best of five interleaved rounds is kept. Bound 4: the quadratic case, with room for noise.
        var generator = SeededGenerator(seed: 2)
        let small = (0..<50).map { _ in Double.random(in: 1..<2, using: &generator) }
        let large = (0..<800).map { _ in Double.random(in: 1..<2, using: &generator) }
        let clock = ContinuousClock()
        var smallBest = Duration.seconds(1_000), largeBest = Duration.seconds(1_000)
        for round in 0..<5 {
            let seed = UInt64(round)
            smallBest = min(smallBest, clock.measure {
                for index in 0..<16 {
                    _ = Statistics.bootstrapRatioCI(numerator: small, denominator: small, resamples: 500, seed: seed &+ UInt64(index))
                }
            })
            largeBest = min(largeBest, clock.measure {
                _ = Statistics.bootstrapRatioCI(numerator: large, denominator: large, resamples: 500, seed: seed)
            })
        }
        #expect(largeBest < smallBest * 4, "16 × 50 values: \(smallBest), 800 values: \(largeBest)")
    }
}

/// A LogNormal(0, sigma) draw (Box–Muller on two uniforms), whose median is 1.
func logNormal(sigma: Double, using generator: inout SeededGenerator) -> Double {
    let u1 = Double.random(in: Double.ulpOfOne..<1, using: &generator)
    let u2 = Double.random(in: 0..<1, using: &generator)
    let normal = (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
    return exp(sigma * normal)
}
