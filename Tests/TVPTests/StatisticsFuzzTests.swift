import Foundation
import Testing
import TVPWorkloads
@testable import TVPAnalysis
@testable import TVPMeasure
@testable import TVPPlan
@testable import TVPReport
@testable import TVPResults
@testable import TVPStatistics

/// Seeded random inputs full of values no clock produces (NaN, ±∞, 0, −0, negatives, the extremes of
/// Double) through every statistic, the Summarizer, the reporters and the expectation evaluator:
/// nothing may trap, and what is computed from finite values keeps its invariants.
@Suite("Statistics fuzzing")
struct StatisticsFuzzTests {
    static let nasty: [Double] = [.nan, .infinity, -.infinity, 0, -0.0, -1, -1e-9, .leastNonzeroMagnitude,
                                  .leastNormalMagnitude, .greatestFiniteMagnitude, -.greatestFiniteMagnitude, 1e-300, 1e300]

    /// A value: one of the nasty ones a third of the time, otherwise a plausible trial time.
    static func value(_ generator: inout SeededGenerator) -> Double {
        if generator.nextIndex(below: 3) == 0 { return nasty[generator.nextIndex(below: nasty.count)] }
        return Double.random(in: 0.001..<2, using: &generator)
    }

    static func values(_ generator: inout SeededGenerator, finite: Bool = false) -> [Double] {
        (0..<generator.nextIndex(below: 13)).map { _ in
            finite ? Double.random(in: 0.001..<2, using: &generator) : value(&generator)
        }
    }

    @Test("every statistic takes any values without trapping; intervals of finite values hold their invariants")
    func statistics() {
        var generator = SeededGenerator(seed: 20_261_201)
        for round in 0..<3_000 {
            let finite = round % 2 == 0
            let a = Self.values(&generator, finite: finite), b = Self.values(&generator, finite: finite)
            let median = Statistics.median(a)
            _ = (Statistics.mean(a), Statistics.standardDeviation(a), Statistics.coefficientOfVariation(a),
                 Statistics.medianAbsoluteDeviation(a), Statistics.modifiedZScores(a), Statistics.outlierCount(a),
                 Statistics.percentile(a, Double(generator.nextIndex(below: 101))))
            let test = Statistics.mannWhitneyU(a, b)
            let interval = Statistics.medianInterval(a)
            let ratio = Statistics.medianRatio(numerator: a, denominator: b)
            let product = Statistics.medianProduct([.init(a), .init(b, power: -2), .init(a, power: 3)])
            let bootstrap = Statistics.bootstrapRatioCI(numerator: a, denominator: b, resamples: 50, seed: UInt64(round))
            guard finite, !a.isEmpty else { continue }
            #expect(test.pValue >= 0 && test.pValue <= 1)
            let range = interval?.range
            #expect(range?.contains(median) == true, "median \(median) outside \(String(describing: range))")
            // Up to 8 values no narrower pair of order statistics reaches 95 %: the interval is [min, max].
            if a.count <= 8 { #expect(range == a.min()!...a.max()!) }
            #expect((0...1).contains(interval?.coverage ?? -1))
            guard !b.isEmpty else { continue }
            #expect(bootstrap.lowerBound > 0 && bootstrap.upperBound.isFinite)
            if a.count >= 2, b.count >= 2 {
                #expect(ratio.interval?.contains(ratio.value) == true, "\(ratio)")
                #expect(product.interval?.contains(product.value) == true, "\(product)")
            } else {
                #expect(ratio.interval == nil)
            }
        }
    }

    static let cells: [Cell] = {
        let cpu = Workload.cpu(CPUWorkload(bytesPerTask: 1 << 20))
        return [Cell(workload: cpu, mode: .serial, workers: 1, tasks: 4), Cell(workload: cpu, mode: .threads, workers: 2, tasks: 4),
                Cell(workload: cpu, mode: .processes, workers: 2, tasks: 4), Cell(workload: .null, mode: .threads, workers: 2, tasks: 0)]
    }()

    static let expectationText = """
        workloads: { cpu: { bytes_per_task: 1MiB } }
        modes: [serial, threads, processes]
        workers: [2]
        tasks: 4
        expect:
          - "threads.speedup(cpu, workers: 2) >= 1.4"
          - "threads.efficiency(cpu, workers: 2) > 0.5"
          - "2 * threads.wall(cpu, workers: 2) < processes.wall(cpu, workers: 2)"
          - "threads.cpu(cpu, workers: 2) <= 1.5 * processes.sys(cpu, workers: 2)"
          - "processes.overhead(cpu, workers: 2) >= 0.5 * threads.throughput(cpu, workers: 2)"
          - "threads.speedup(cpu, workers: 2) > processes.speedup(cpu, workers: 2)"
          - "0 < processes.sys(cpu, workers: 2)"
        """

    @Test("the Summarizer, the reporters and the evaluator take trials with any values without trapping")
    func summaries() throws {
        let scenario = try ScenarioLoader.parse(Self.expectationText, source: "fuzz.yaml")
        let expectations = try ExpectationParser.expectations(of: scenario, source: "fuzz.yaml")
        var generator = SeededGenerator(seed: 14)
        let template = try #require(TrialSample(row: ["workload": "null", "mode": "serial", "workers": "1", "tasks": "4", "wall_s": "1"]))
        for _ in 0..<600 {
            var samples: [TrialSample] = []
            for _ in 0..<generator.nextIndex(below: 30) {
                var sample = template
                sample.cell = Self.cells[generator.nextIndex(below: Self.cells.count)]
                sample.ok = generator.nextIndex(below: 5) > 0
                sample.isWarmup = generator.nextIndex(below: 6) == 0
                sample.wallSeconds = Self.value(&generator)
                sample.userSeconds = Self.value(&generator)
                sample.systemSeconds = Self.value(&generator)
                sample.maxRSSKiB = Self.value(&generator)
                sample.taskP50Microseconds = Self.value(&generator)
                sample.spawnP50Microseconds = generator.nextIndex(below: 2) == 0 ? nil : Self.value(&generator)
                sample.poolStartSeconds = generator.nextIndex(below: 2) == 0 ? nil : Self.value(&generator)
                sample.transferSeconds = Self.value(&generator)
                sample.transferBytes = Self.value(&generator)
                samples.append(sample)
            }
            let summaries = Summarizer(usableCPUs: generator.nextIndex(below: 3)).summarize(samples)
            for summary in summaries {
                let counted = samples.filter { $0.cell == summary.cell && !$0.isWarmup }
                #expect(summary.n + summary.failed == counted.count)
                #expect(summary.n >= 1 && summary.wallMedian.isFinite && summary.wallMedian > 0)
                #expect(summary.wallCI.contains(summary.wallMedian))
                #expect(SummaryCSV.fields(summary, scenario: "fuzz").count == SummaryCSV.header.count)
            }
            _ = ConsoleReport.render(summaries)
            for result in ExpectationEvaluator.evaluate(expectations, summaries: summaries) {
                _ = result.line
                if result.certain { #expect(result.judged.interval != nil && result.problem == nil) }
            }
        }
    }
}
