import Foundation
import Testing
import TVPWorkloads
@testable import TVPAnalysis
@testable import TVPMeasure
@testable import TVPPlan
@testable import TVPReport
@testable import TVPStatistics

/// The regression gate: verdicts on synthetic samples, cell matching, exit codes, loading run folders, rendering.
@Suite("Comparison")
struct ComparisonTests {
    // MARK: Synthetic data

    /// `count` values around `median` with normally distributed relative noise (standard deviation `noise`).
    static func sample(median: Double, noise: Double, count: Int = 10, seed: UInt64) -> [Double] {
        var generator = SeededGenerator(seed: seed)
        return (0..<count).map { _ in
            // Box–Muller: two uniform draws make one standard normal one.
            let u1 = Double.random(in: Double.ulpOfOne..<1, using: &generator)
            let u2 = Double.random(in: 0..<1, using: &generator)
            let z = (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
            return median * (1 + noise * z)
        }
    }

    /// A counted, successful trial of a `cpu` cell with 8 tasks.
    static func trial(_ mode: Mode, workers: Int = 1, tasks: Int = 8, wall: Double, warmup: Bool = false,
                      ok: Bool = true) -> TrialSample {
        let row = ["workload": "cpu", "bytes_per_task": "1048576", "mode": mode.rawValue, "workers": String(workers),
                   "tasks": String(tasks), "wall_s": String(wall), "user_s": String(wall * 0.9), "sys_s": "0.01",
                   "max_rss_kib": "30000", "task_p50_us": "1000", "warmup": String(warmup), "ok": String(ok)]
        return TrialSample(row: row)!
    }

    /// A run of the given trials on an imaginary machine.
    static func run(_ samples: [TrialSample], path: String = "run/trials.csv") -> RunFolder {
        RunFolder(directory: "run", trialsPath: path, trials: samples, schemaVersion: 1)
    }

    /// The folder of a fixture run under Fixtures/compare/.
    static func fixture(_ name: String) throws -> String {
        let url = try #require(Bundle.module.resourceURL).appendingPathComponent("Fixtures/compare/\(name)")
        return url.path
    }

    /// A fresh empty folder under the temporary directory.
    static func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("tvp-compare-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    // MARK: Verdicts on two samples

    @Test("identical distributions are unchanged")
    func identicalDistributions() {
        let baseline = Self.sample(median: 1.0, noise: 0.01, seed: 1)
        let current = Self.sample(median: 1.0, noise: 0.01, seed: 2)
        let result = Comparator.verdict(baseline: baseline, current: current, threshold: 0.05, seed: 7)
        #expect(result.verdict == .unchanged)
        #expect(result.ci.contains(result.ratio))
        #expect(result.ci.lowerBound > 0.95 && result.ci.upperBound < 1.05)
    }

    @Test("a 20 % slowdown with 1 % noise is a regression")
    func largeShiftIsRegression() {
        let baseline = Self.sample(median: 1.0, noise: 0.01, seed: 3)
        let current = Self.sample(median: 1.2, noise: 0.01, seed: 4)
        let result = Comparator.verdict(baseline: baseline, current: current, threshold: 0.05, seed: 7)
        #expect(result.verdict == .regression)
        #expect(abs(result.ratio - 1.2) < 0.02)
        #expect(result.ci.lowerBound > 1.05)
        #expect(result.pValue < 0.001)
    }

    @Test("a 2 % slowdown with 10 % noise is not a regression")
    func smallShiftInNoiseIsNotRegression() {
        let baseline = Self.sample(median: 1.0, noise: 0.10, seed: 5)
        let current = Self.sample(median: 1.02, noise: 0.10, seed: 6)
        let result = Comparator.verdict(baseline: baseline, current: current, threshold: 0.05, seed: 7)
        #expect(result.verdict == .unchanged || result.verdict == .inconclusive)
        #expect(result.verdict != .regression)
    }

    @Test("a 20 % speed-up is an improvement")
    func largeShiftDownIsImprovement() {
        let baseline = Self.sample(median: 1.0, noise: 0.01, seed: 8)
        let current = Self.sample(median: 0.8, noise: 0.01, seed: 9)
        let result = Comparator.verdict(baseline: baseline, current: current, threshold: 0.05, seed: 7)
        #expect(result.verdict == .improvement)
        #expect(result.ci.upperBound < 0.95)
    }

    @Test("fewer than 3 trials on a side are inconclusive, however large the change")
    func tooFewTrialsAreInconclusive() {
        let baseline = Self.sample(median: 1.0, noise: 0.01, seed: 10)
        let current = Self.sample(median: 2.0, noise: 0.01, count: 2, seed: 11)
        #expect(Comparator.verdict(baseline: baseline, current: current, threshold: 0.05, seed: 7).verdict == .inconclusive)
        #expect(Comparator.verdict(baseline: current, current: baseline, threshold: 0.05, seed: 7).verdict == .inconclusive)
        let empty = Comparator.verdict(baseline: [], current: baseline, threshold: 0.05, seed: 7)
        #expect(empty.verdict == .inconclusive)
        #expect(empty.ratio.isNaN)
    }

    @Test("a baseline of zeros gives no interval and no verdict, without crashing")
    func zeroBaselineIsInconclusive() {
        let result = Comparator.verdict(baseline: [0, 0, 0, 0], current: [0.1, 0.1, 0.2], threshold: 0.05, seed: 7)
        #expect(result.verdict == .inconclusive)
        #expect(result.ci == 0...Double.infinity)
    }

    @Test("for a higher-is-better metric a falling ratio is the regression")
    func higherIsBetterDirection() {
        let baseline = Self.sample(median: 2.0, noise: 0.01, seed: 12)
        let current = Self.sample(median: 1.6, noise: 0.01, seed: 13)
        let speedup = Comparator.verdict(baseline: baseline, current: current, threshold: 0.05, seed: 7,
                                         higherIsBetter: true)
        #expect(speedup.verdict == .regression)
        #expect(speedup.ratio < 1)  // the ratio is reported for the metric itself, not inverted
        let cost = Comparator.verdict(baseline: baseline, current: current, threshold: 0.05, seed: 7)
        #expect(cost.verdict == .improvement)
        let rising = Comparator.verdict(baseline: current, current: baseline, threshold: 0.05, seed: 7,
                                        higherIsBetter: true)
        #expect(rising.verdict == .improvement)
    }

    @Test("the same seed gives the same interval")
    func deterministicInterval() {
        let baseline = Self.sample(median: 1.0, noise: 0.05, seed: 14)
        let current = Self.sample(median: 1.1, noise: 0.05, seed: 15)
        let first = Comparator.verdict(baseline: baseline, current: current, threshold: 0.05, seed: 99)
        let second = Comparator.verdict(baseline: baseline, current: current, threshold: 0.05, seed: 99)
        #expect(first.ci == second.ci)
    }

    // MARK: Runs

    @Test("cells are matched on workload, parameters, mode, workers and tasks; the rest is reported")
    func cellMatching() throws {
        let walls = Self.sample(median: 1.0, noise: 0.01, count: 5, seed: 16)
        let baseline = Self.run(walls.map { Self.trial(.threads, workers: 2, wall: $0) }
            + walls.map { Self.trial(.threads, workers: 4, wall: $0) })
        let current = Self.run(walls.map { Self.trial(.threads, workers: 2, wall: $0) }
            + walls.map { Self.trial(.threads, workers: 4, tasks: 16, wall: $0) })
        let report = try Comparator.compare(baseline: baseline, current: current, options: ComparisonOptions())
        #expect(report.comparisons.map(\.cell.workers) == [2])
        #expect(report.onlyInBaseline.map { [$0.workers, $0.tasks] } == [[4, 8]])
        #expect(report.onlyInCurrent.map { [$0.workers, $0.tasks] } == [[4, 16]])
        #expect(report.comparisons[0].verdict == .unchanged)
        #expect(report.exitCode == 0)
    }

    @Test("warm-up and failed trials are left out")
    func onlyCountedSuccessfulTrials() throws {
        let walls = Self.sample(median: 1.0, noise: 0.01, count: 5, seed: 17)
        let baseline = Self.run(walls.map { Self.trial(.serial, wall: $0) })
        let current = Self.run(walls.map { Self.trial(.serial, wall: $0) }
            + [Self.trial(.serial, wall: 9, warmup: true), Self.trial(.serial, wall: 9, ok: false)])
        let report = try Comparator.compare(baseline: baseline, current: current, options: ComparisonOptions())
        #expect(report.comparisons[0].currentN == 5)
        #expect(report.comparisons[0].ratio == 1)
        #expect(report.exitCode == 0)
    }

    @Test("a uniformly faster machine improves wall_s but leaves speedup unchanged")
    func speedupMetric() throws {
        func run(scale: Double, seed: UInt64) -> RunFolder {
            let serial = Self.sample(median: 2.0 * scale, noise: 0.01, seed: seed)
            let threads = Self.sample(median: 1.0 * scale, noise: 0.01, seed: seed + 1)
            return Self.run(serial.map { Self.trial(.serial, wall: $0) }
                + threads.map { Self.trial(.threads, workers: 2, wall: $0) })
        }
        let baseline = run(scale: 1, seed: 20), current = run(scale: 0.5, seed: 30)
        let wall = try Comparator.compare(baseline: baseline, current: current, options: ComparisonOptions())
        #expect(wall.comparisons.allSatisfy { $0.verdict == .improvement })
        let speedup = try Comparator.compare(baseline: baseline, current: current,
                                             options: ComparisonOptions(metric: .speedup))
        // Serial cells are the reference of speedup and are not compared.
        #expect(speedup.comparisons.map(\.cell.mode) == [.threads])
        #expect(speedup.comparisons[0].verdict == .unchanged)
        #expect(abs(speedup.comparisons[0].baselineMedian - 2) < 0.05)

        // Threads losing half their advantage is a speedup regression.
        let threadsSlower = Self.run(
            Self.sample(median: 2.0, noise: 0.01, seed: 40).map { Self.trial(.serial, wall: $0) }
                + Self.sample(median: 1.5, noise: 0.01, seed: 41).map { Self.trial(.threads, workers: 2, wall: $0) })
        let regressed = try Comparator.compare(baseline: baseline, current: threadsSlower,
                                               options: ComparisonOptions(metric: .speedup, drift: 0))
        #expect(regressed.comparisons[0].verdict == .regression)
        #expect(regressed.comparisons[0].ratio < 0.8)
        #expect(regressed.exitCode == 2)
        // A cost 1.5× higher lies within the default drift between two runs made apart: inconclusive.
        let drifted = try Comparator.compare(baseline: baseline, current: threadsSlower,
                                             options: ComparisonOptions(metric: .speedup))
        #expect(drifted.comparisons[0].verdict == .inconclusive)
        #expect(drifted.comparisons[0].note?.contains("tvp paired") == true)
    }

    @Test("a speedup's interval resamples the serial cell too: a noisy serial cell widens it")
    func speedupResamplesSerial() throws {
        func run(serialNoise: Double, seed: UInt64) -> RunFolder {
            Self.run(Self.sample(median: 2.0, noise: serialNoise, count: 7, seed: seed).map { Self.trial(.serial, wall: $0) }
                + Self.sample(median: 1.0, noise: 0.01, count: 7, seed: seed + 1).map { Self.trial(.threads, workers: 2, wall: $0) })
        }
        let options = ComparisonOptions(metric: .speedup, drift: 0)
        let quiet = try Comparator.compare(baseline: run(serialNoise: 0.01, seed: 70), current: run(serialNoise: 0.01, seed: 80),
                                           options: options).comparisons[0]
        let noisy = try Comparator.compare(baseline: run(serialNoise: 0.2, seed: 70), current: run(serialNoise: 0.2, seed: 80),
                                           options: options).comparisons[0]
        let width = { (c: CellComparison) in log(c.ratioCI.upperBound / c.ratioCI.lowerBound) }
        // Only the serial cells differ, so only resampling them can widen the interval (here several-fold).
        #expect(width(noisy) > 3 * width(quiet), "quiet \(quiet.ratioCI), noisy \(noisy.ratioCI)")
        #expect(noisy.ratioCI.contains(noisy.ratio))
    }

    @Test("a change beyond the noise but within the drift between runs is inconclusive; beyond the drift, a regression")
    func driftAllowance() {
        let baseline = Self.sample(median: 1.0, noise: 0.01, seed: 90)
        for (factor, expected) in [(1.3, Verdict.inconclusive), (1.7, .regression), (0.75, .inconclusive), (0.5, .improvement)] {
            let current = Self.sample(median: factor, noise: 0.01, seed: 91)
            let comparison = Comparator.compare(
                cell: Cell(workload: .null, mode: .threads, workers: 2, tasks: 8),
                baseline: MetricSample(values: baseline), current: MetricSample(values: current),
                options: ComparisonOptions(drift: 0.5))
            #expect(comparison.verdict == expected, "×\(factor)")
            if expected == .inconclusive { #expect(comparison.note?.contains("drift") == true, "×\(factor)") }
        }
        // With no drift allowed (two builds measured in the same minutes), the 30 % slowdown is a regression.
        let current = Self.sample(median: 1.3, noise: 0.01, seed: 91)
        #expect(Comparator.verdict(baseline: baseline, current: current, threshold: 0.05, drift: 0, seed: 1).verdict == .regression)
    }

    @Test("the drift is judged on the median ratio, the noise on the interval: a noisy 1.9× is a regression, a median beyond the drift whose interval reaches 1 is not")
    func driftOnTheMedian() {
        let baseline = Self.sample(median: 1.0, noise: 0.01, seed: 92)
        let cell = Cell(workload: .null, mode: .threads, workers: 2, tasks: 8)
        // A noisy run 1.9× slower (as a run made beside a CPU hog): its interval reaches below
        // 1.05 × 1.5, its median lies far above it.
        let noisy = [1.3, 1.4, 1.5, 1.9, 1.95, 2.0, 2.1]
        let judged = Comparator.compare(cell: cell, baseline: MetricSample(values: baseline), current: MetricSample(values: noisy),
                                        options: ComparisonOptions())
        #expect(judged.ratioCI.lowerBound < 1.05 * 1.5 && judged.ratio > 1.05 * 1.5, "\(judged.ratio) \(judged.ratioCI)")
        #expect(judged.verdict == .regression)
        // A very noisy one: the median beyond the drift, but the interval reaches 1 + threshold: noise, not a change.
        let wild = [0.4, 0.9, 1.0, 1.9, 2.0, 2.1, 3.5]
        let unsure = Comparator.compare(cell: cell, baseline: MetricSample(values: baseline), current: MetricSample(values: wild),
                                        options: ComparisonOptions())
        #expect(unsure.ratioCI.lowerBound < 1.05 && unsure.verdict == .inconclusive, "\(unsure.ratioCI)")
    }

    @Test("cells of the process modes get their own, wider drift")
    func processDrift() {
        let baseline = Self.sample(median: 1.0, noise: 0.01, seed: 94), current = Self.sample(median: 1.7, noise: 0.01, seed: 95)
        let options = ComparisonOptions()
        #expect(options.drift == 0.5 && options.processDrift == 0.75)
        func verdict(_ mode: Mode) -> Verdict {
            Comparator.compare(cell: Cell(workload: .null, mode: mode, workers: 2, tasks: 8), baseline: MetricSample(values: baseline),
                               current: MetricSample(values: current), options: options).verdict
        }
        // 1.7× is beyond 1.05 × 1.5 but within 1.05 × 1.75.
        #expect(verdict(.threads) == .regression && verdict(.serial) == .regression)
        #expect(verdict(.processes) == .inconclusive && verdict(.processPool) == .inconclusive)
        // No drift at all (tvp paired's judgement) applies to every cell.
        #expect(ComparisonOptions(drift: 0).processDrift == 0)
    }

    @Test("speedup without a serial cell is inconclusive, with a note")
    func speedupWithoutSerialCell() throws {
        let walls = Self.sample(median: 1.0, noise: 0.01, count: 5, seed: 50)
        let baseline = Self.run(walls.map { Self.trial(.serial, wall: $0) } + walls.map { Self.trial(.threads, workers: 2, wall: $0) })
        let current = Self.run(walls.map { Self.trial(.threads, workers: 2, wall: $0) })
        let report = try Comparator.compare(baseline: baseline, current: current, options: ComparisonOptions(metric: .speedup))
        #expect(report.comparisons[0].verdict == .inconclusive)
        #expect(report.comparisons[0].note?.contains("serial") == true)
    }

    @Test("cpu_s is user plus system time")
    func cpuMetric() throws {
        let walls = Self.sample(median: 1.0, noise: 0.01, count: 5, seed: 60)
        let baseline = Self.run(walls.map { Self.trial(.serial, wall: $0) })
        let report = try Comparator.compare(baseline: baseline, current: baseline, options: ComparisonOptions(metric: .cpu))
        #expect(abs(report.comparisons[0].baselineMedian - (Statistics.median(walls) * 0.9 + 0.01)) < 1e-9)
    }

    @Test("exit codes: 0 without regression, 2 with one, 2 for inconclusive cells only with --strict")
    func exitCodes() {
        func report(_ verdicts: [Verdict], strict: Bool = false) -> ComparisonReport {
            let cell = Cell(workload: .null, mode: .serial, workers: 1, tasks: 1)
            let comparisons = verdicts.map {
                CellComparison(cell: cell, baselineN: 5, currentN: 5, baselineMedian: 1, currentMedian: 1, ratio: 1,
                               ratioCI: 1...1, pValue: 1, verdict: $0, note: nil)
            }
            return ComparisonReport(baselinePath: "a", currentPath: "b", options: ComparisonOptions(strict: strict),
                                    comparisons: comparisons, onlyInBaseline: [], onlyInCurrent: [], warnings: [])
        }
        #expect(report([.unchanged, .improvement]).exitCode == 0)
        #expect(report([.unchanged, .regression]).exitCode == 2)
        #expect(report([.improvement, .regression, .inconclusive]).exitCode == 2)
        #expect(report([.unchanged, .inconclusive]).exitCode == 0)
        #expect(report([.unchanged, .inconclusive], strict: true).exitCode == 2)
        #expect(report([.unchanged, .inconclusive], strict: true).outcome == .inconclusive)
        #expect(report([.unchanged, .improvement], strict: true).exitCode == 0)
    }

    @Test("runs without a common cell cannot be compared")
    func noCommonCell() {
        let baseline = Self.run([Self.trial(.serial, wall: 1)], path: "a.csv")
        let current = Self.run([Self.trial(.serial, tasks: 16, wall: 1)], path: "b.csv")
        #expect(throws: ComparisonError.noCommonCell(baseline: "a.csv", current: "b.csv")) {
            try Comparator.compare(baseline: baseline, current: current, options: ComparisonOptions())
        }
    }

    // MARK: Run folders

    @Test("a run compared with itself has no regression")
    func runAgainstItself() throws {
        let run = try RunFolder.load(Self.fixture("quick"), reading: .trials)
        #expect(run.trials.count == 20)
        #expect(run.trials.filter { !$0.isWarmup }.count == 15)
        #expect(run.meta?.machine.usableCPUs == 2)
        #expect(run.notes.isEmpty)
        for metric in ComparisonMetric.allCases {
            let report = try Comparator.compare(baseline: run, current: run, options: ComparisonOptions(metric: metric))
            #expect(report.count(.regression) == 0 && report.count(.improvement) == 0, "\(metric)")
            #expect(report.exitCode == 0)
            #expect(report.onlyInBaseline.isEmpty && report.onlyInCurrent.isEmpty)
            #expect(report.warnings.isEmpty)
            #expect(report.comparisons.count == (metric == .speedup ? 3 : 5))
            // A median of 0 (system time of the null workload) has no ratio.
            #expect(report.comparisons.allSatisfy { $0.baselineN == 3 && ($0.ratio == 1 || $0.baselineMedian == 0) })
        }
    }

    @Test("a trials.csv path works as well as its folder, and meta.json beside it is found")
    func trialsPath() throws {
        let run = try RunFolder.load(Self.fixture("quick") + "/trials.csv", reading: .trials)
        #expect(run.trials.count == 20)
        #expect(run.schemaVersion == 2)
        #expect(run.meta?.scenario == "quick")
    }

    @Test("different schema versions are an error naming both")
    func schemaMismatch() throws {
        // quick-schema1 is the same run as written before schema 2 added the thread and GIL columns.
        let v1 = try RunFolder.load(Self.fixture("quick-schema1"), reading: .trials), v2 = try RunFolder.load(Self.fixture("quick"), reading: .trials)
        #expect(v1.schemaVersion == 1 && v2.schemaVersion == 2)
        let error = #expect(throws: ComparisonError.self) {
            try Comparator.compare(baseline: v1, current: v2, options: ComparisonOptions())
        }
        let message = error.map { "\($0)" } ?? ""
        #expect(message.contains("schema_version 1") && message.contains("schema_version 2"))
    }

    /// The meta.json of a run on this machine, with `change` applied.
    static func meta(_ change: (inout RunMeta) -> Void = { _ in }) -> RunMeta {
        var meta = RunMeta(
            schemaVersion: 1, scenario: "test", scenarioPath: "<built-in>", scenarioText: "", scenarioSHA256: "",
            seed: 42, commandLine: ["tvp", "run"], startedAt: "2026-01-01T00:00:00.000Z", endedAt: nil,
            status: "complete", trialsPlanned: 10, trialsCompleted: 10, trialsFailed: 0,
            machine: machine, stealFractionDuringRun: nil)
        change(&meta)
        return meta
    }

    /// This machine's facts, read once.
    static let machine = MachineFacts.current(gitCommit: "0")

    @Test("different machines and builds give warnings")
    func machineWarnings() throws {
        let walls = Self.sample(median: 1.0, noise: 0.01, count: 5, seed: 70)
        var baseline = Self.run(walls.map { Self.trial(.serial, wall: $0) }), current = baseline
        baseline.meta = Self.meta()
        current.meta = Self.meta()
        let same = try Comparator.compare(baseline: baseline, current: current, options: ComparisonOptions())
        #expect(same.warnings.isEmpty)

        current.meta = Self.meta {
            $0.machine.usableCPUs += 2
            $0.machine.optimizedBuild.toggle()
            $0.status = "interrupted"
        }
        let warnings = try Comparator.compare(baseline: baseline, current: current, options: ComparisonOptions()).warnings
        #expect(warnings.contains { $0.contains("different machines") && $0.contains("--metric speedup") })
        #expect(warnings.contains { $0.contains("debug build") && $0.contains("optimized build") })
        #expect(warnings.contains { $0.contains("interrupted") })
        current.meta = Self.meta { $0.machine.cpuModel = "another CPU" }
        let cpu = try Comparator.compare(baseline: baseline, current: current, options: ComparisonOptions()).warnings
        #expect(cpu.count == 1 && cpu[0].contains("another CPU"))
    }

    @Test("a missing or unreadable meta.json is a note, not an error")
    func missingMeta() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.copyItem(atPath: Self.fixture("quick") + "/trials.csv", toPath: folder.path + "/trials.csv")
        let bare = try RunFolder.load(folder.path, reading: .trials)
        #expect(bare.meta == nil)
        #expect(bare.notes.count == 1 && bare.notes[0].hasPrefix("no meta.json"))
        let report = try Comparator.compare(baseline: bare, current: bare, options: ComparisonOptions())
        #expect(report.warnings.contains { $0.hasPrefix("current: no meta.json") })

        try "{ not json".write(toFile: folder.path + "/meta.json", atomically: true, encoding: .utf8)
        let broken = try RunFolder.load(folder.path, reading: .trials)
        #expect(broken.meta == nil)
        #expect(broken.notes.count == 1 && broken.notes[0].contains("could not be decoded"))
    }

    @Test("unusable files are errors that name the file")
    func unusableFiles() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let lines = try String(contentsOfFile: Self.fixture("quick") + "/trials.csv", encoding: .utf8).split(separator: "\n")
        let header = lines[0], goodRow = lines[1]
        func write(_ name: String, _ text: String) throws -> String {
            let path = folder.appendingPathComponent(name).path
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }
        func message(_ path: String) -> String {
            do {
                _ = try RunFolder.load(path, reading: .trials)
                return "loaded"
            } catch {
                return "\(error)"
            }
        }

        let missing = folder.appendingPathComponent("nowhere").path
        #expect(message(missing).hasPrefix(missing) && message(missing).contains("no such file"))
        #expect(message(folder.path).contains("no trials.csv"))
        let empty = try write("empty.csv", "")
        #expect(message(empty).hasPrefix(empty + ": "))
        let truncated = try write("truncated.csv", "\(header)\n\(goodRow)\n\(goodRow.prefix(40))\n")
        #expect(message(truncated).hasPrefix(truncated) && message(truncated).contains("line 3"))
        let foreign = try write("foreign.csv", "name,score\nada,3\n")
        #expect(message(foreign).hasPrefix(foreign) && message(foreign).contains("not a trials.csv"))
        let headerOnly = try write("header.csv", header + "\n")
        #expect(message(headerOnly).contains("no trial"))
        let badWorkload = try write("bad.csv", "\(header)\n\(goodRow)\n\(goodRow.replacingOccurrences(of: ",cpu,", with: ",gpu,"))\n")
        #expect(message(badWorkload).contains("line 3") && message(badWorkload).contains("gpu"))
        let mixed = try write("mixed.csv", "\(header)\n\(goodRow)\n3\(goodRow.dropFirst())\n")
        #expect(message(mixed).contains("line 3") && message(mixed).contains("schema_version 3"))
    }

    // MARK: Rendering

    /// A report with one cell of each verdict and a cell only in the baseline.
    static func mixedReport() -> ComparisonReport {
        let verdicts: [Verdict] = [.unchanged, .inconclusive, .improvement, .regression]
        let comparisons = verdicts.enumerated().map { index, verdict in
            CellComparison(cell: Cell(workload: .null, mode: .threads, workers: 1 << index, tasks: 8),
                           baselineN: 5, currentN: verdict == .inconclusive ? 2 : 5, baselineMedian: 0.01,
                           currentMedian: 0.012, ratio: 1.2, ratioCI: 1.1...1.3, pValue: 0.0001, verdict: verdict,
                           note: verdict == .inconclusive ? "fewer than 3 counted successful trials" : nil)
        } + [CellComparison(cell: Cell(workload: .null, mode: .serial, workers: 1, tasks: 8), baselineN: 0,
                            currentN: 0, baselineMedian: .nan, currentMedian: .nan, ratio: .nan,
                            ratioCI: 0...Double.infinity, pValue: 1,
                            verdict: .inconclusive, note: nil)]
        return ComparisonReport(baselinePath: "base/trials.csv", currentPath: "cur/trials.csv",
                                options: ComparisonOptions(), comparisons: comparisons,
                                onlyInBaseline: [Cell(workload: .null, mode: .processes, workers: 2, tasks: 8)],
                                onlyInCurrent: [], warnings: ["the runs come from different machines"])
    }

    @Test("text lists regressions first and ends with a one-line verdict")
    func textFormat() throws {
        let text = ComparisonFormatter.render(Self.mixedReport(), as: .text)
        let order = ["Regressions (1)", "Improvements (1)", "Inconclusive (2)", "Unchanged (1)", "Only in baseline (1)"]
        let positions = try order.map { try #require(text.range(of: $0)).lowerBound }
        #expect(positions == positions.sorted())
        #expect(text.contains("warning: the runs come from different machines"))
        #expect(text.contains("+20.0%") && text.contains("+10.0% … +30.0%"))
        let last = text.split(separator: "\n").last.map(String.init) ?? ""
        #expect(last.hasPrefix("REGRESSION: 1 of 5 cells"))
    }

    @Test("Markdown has a heading, a status word and a table")
    func markdownFormat() {
        let markdown = ComparisonFormatter.render(Self.mixedReport(), as: .markdown)
        let lines = markdown.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[0] == "## tvp compare: `wall_s`")
        #expect(lines.contains { $0.hasPrefix("**REGRESSION:") })
        let table = lines.filter { $0.hasPrefix("|") }
        #expect(table.count == 2 + 5)
        #expect(table.allSatisfy { $0.filter { $0 == "|" }.count == 11 })
        #expect(table[2].hasPrefix("| regression |"))
        #expect(markdown.contains("> **Warning:**"))
    }

    @Test("JSON has stable snake_case keys and null for missing numbers")
    func jsonFormat() throws {
        let text = ComparisonFormatter.render(Self.mixedReport(), as: .json)
        #expect(text == ComparisonFormatter.render(Self.mixedReport(), as: .json))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(Set(object.keys) == ["tvp_version", "baseline", "current", "metric", "higher_is_better", "threshold",
                                     "drift", "process_drift", "confidence", "strict", "seed", "outcome", "exit_code", "counts", "cells",
                                     "only_in_baseline", "only_in_current", "warnings"])
        #expect(object["exit_code"] as? Int == 2)
        #expect(object["outcome"] as? String == "regression")
        let cells = try #require(object["cells"] as? [[String: Any]])
        #expect(cells.count == 5)
        #expect(Set(cells[0].keys) == ["cell", "verdict", "baseline_n", "current_n", "baseline_median", "current_median",
                                       "ratio", "ratio_low", "ratio_high", "p_value", "note"])
        let empty = try #require(cells.last)
        #expect(empty["ratio"] is NSNull && empty["note"] is NSNull)
        let cell = try #require(cells[0]["cell"] as? [String: Any])
        #expect(cell["mode"] as? String == "threads" && cell["tasks"] as? Int == 8)
    }
}
