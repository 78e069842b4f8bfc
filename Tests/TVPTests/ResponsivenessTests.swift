import Foundation
import Testing
import TVPSystem
@testable import TVPAnalysis
@testable import TVPMeasure
@testable import TVPPlan
@testable import TVPReport
@testable import TVPResults
@testable import TVPWorkloads

@Suite("The responsiveness workload: a foreground's lateness beside background hashing")
struct ResponsivenessTests {
    static let scenarioText = """
        switch_interval_ms: 5
        workloads:
          responsiveness: { tick_ms: 0.5, ticks: 200, bytes_per_task: 4MiB }
        modes: [serial, threads, gil, gil-release, async]
        workers: [2]
        tasks: 8
        expect:
          - "gil.lateness_p99(responsiveness, workers: 2) >= 5000"
          - "threads.lateness_p99(responsiveness, workers: 2) <= 0.25 * gil.lateness_p99(responsiveness, workers: 2)"
          - "gil-release.background(responsiveness, workers: 2) >= 1.4 * serial.background(responsiveness, workers: 1)"
        """

    static let workload = Workload.responsiveness(ResponsivenessWorkload(tickNanoseconds: 500_000, ticks: 200, bytesPerTask: 4 << 20))

    @Test("a scenario declares it with its parameters and defaults, labelled, its tasks cpu's")
    func scenario() throws {
        let scenario = try ScenarioLoader.parse(Self.scenarioText, source: "r.yaml")
        #expect(scenario.workloads == [Self.workload])
        #expect(scenario.workloads.first?.label == "responsiveness[0.5ms x200 4MiB]")
        let defaults = try ScenarioLoader.parse("workloads: { responsiveness: {} }\n", source: "r.yaml")
        #expect(defaults.workloads.first?.as(ResponsivenessWorkload.self) == ResponsivenessWorkload(tickNanoseconds: 1_000_000, ticks: 1_000, bytesPerTask: 8 << 20))
        #expect(Self.workload.hasCompanion && !Workload.cpu(CPUWorkload(bytesPerTask: 1)).hasCompanion)
        #expect(Self.workload.parameters.map(\.name) == ["tick_ms", "ticks", "bytes_per_task"])
        #expect(try TaskSpec.decodeWorkload(TaskSpec.encode(Self.workload)) == Self.workload)
        // The background's task is cpu's: the same digest, task by task.
        var runner = InProcessTasks(workload: Self.workload, input: .none)
        var cpu = InProcessTasks(workload: .cpu(CPUWorkload(bytesPerTask: 4 << 20)), input: .none)
        #expect(try runner.run(task: 3) == cpu.run(task: 3))
    }

    @Test("a tick of 0 is an error with the file, the line and how to fix it, before any trial", arguments: ["0", "-1", "0.001"])
    func zeroTick(tick: String) {
        let text = "tasks: 4\nworkloads:\n  responsiveness: { tick_ms: \(tick), ticks: 10 }\nmodes: [serial, threads]\n"
        #expect { try ScenarioLoader.parse(text, source: "r.yaml") } throws: { error in
            let message = "\(error)"
            return message.contains("r.yaml:3: `workloads.responsiveness.tick_ms`: must be between 0.01 and 60000, got \(tick)")
                && message.contains("write a period such as `tick_ms: 1`")
        }
        #expect { try ScenarioLoader.parse("workloads:\n  responsiveness: { ticks: 0 }\n", source: "r.yaml") } throws: { error in
            "\(error)".contains("r.yaml:2: `workloads.responsiveness.ticks`: must be between 1 and 10000000, got 0")
        }
    }

    @Test("the lateness metrics parse on responsiveness cells and are refused, with the reason, on a workload without a foreground")
    func metrics() throws {
        let scenario = try ScenarioLoader.parse(Self.scenarioText, source: "r.yaml")
        let expectations = try ExpectationParser.expectations(of: scenario, source: "r.yaml")
        let gil = Cell(workload: Self.workload, mode: .gil, workers: 2, tasks: 8)
        #expect(expectations[0].left == .metric(factor: 1, metric: .latenessP99, cell: gil))
        #expect(expectations[0].line == 8)
        #expect(expectations[2].requiredCPUs == 2, "a background rate 1.4 times serial's needs two CPUs, as a speedup does")
        let text = "workloads: { cpu: {} }\nmodes: [serial, threads]\nworkers: [1, 2]\nexpect:\n  - \"threads.lateness_p99(cpu, workers: 2) < 100\"\n"
        #expect { try ScenarioLoader.parse(text, source: "x.yaml") } throws: { error in
            "\(error)".contains("x.yaml:5: `expect`: lateness_p99 is measured on a foreground beside the tasks (the responsiveness workload); cpu has none")
        }
    }

    @Test("percentiles of lateness interpolate between order statistics: p50, p90, p99, p99.9 and the latest")
    func percentiles() throws {
        // 1 µs … 1000 µs, shuffled.
        var values = (1...1_000).map { UInt64($0) * 1_000 }
        var generator = SystemRandomNumberGenerator()
        values.shuffle(using: &generator)
        let summary = try #require(LatencySummary(nanoseconds: values))
        #expect(abs(summary.p50 - 500.5) < 1e-9)
        #expect(abs(summary.p90 - 900.1) < 1e-9)
        #expect(abs(summary.p99 - 990.01) < 1e-9)
        #expect(abs(summary.p999 - 999.001) < 1e-9)
        #expect(summary.max == 1_000)
        // One late wake-up among 1,000 on time: p99 does not see it, p99.9 sees a thousandth of it, max all.
        let spike = try #require(LatencySummary(nanoseconds: Array(repeating: 50_000, count: 999) + [20_000_000]))
        #expect(summary.p50 < spike.p50 + 500 && spike.p99 == 50)
        #expect(abs(spike.p999 - (50 + 0.001 * (20_000 - 50))) < 1e-6)
        #expect(spike.max == 20_000)
        #expect(LatencySummary(nanoseconds: []) == nil)
    }

    @Test("the foreground's deadlines are a tick apart from its start, skip the ones already past, and stop after its ticks")
    func deadlines() throws {
        let ticker = ForegroundTicker(tickNanoseconds: 1_000_000, ticks: 3)
        func at(_ microseconds: UInt64) -> MonotonicInstant { MonotonicInstant(nanoseconds: 10_000_000_000 + microseconds * 1_000) }
        #expect(ticker.nextDeadline(now: at(0)) == at(1_000))
        ticker.woke(at: at(1_200), deadline: at(1_000))
        #expect(ticker.nextDeadline(now: at(1_300)) == at(2_000))
        // 3.5 ms late: deadlines 3, 4 and 5 ms have passed; the next is 6 ms, not 3.
        ticker.woke(at: at(5_500), deadline: at(2_000))
        #expect(ticker.nextDeadline(now: at(5_600)) == at(6_000))
        ticker.woke(at: at(6_000), deadline: at(6_000))
        #expect(ticker.nextDeadline(now: at(6_100)) == nil)
        #expect(ticker.report.latenessNanoseconds == [200_000, 3_500_000, 0])
        #expect(ticker.report.aloneNanoseconds == 0)
        #expect(ticker.lastWork != .zero, "it did its work after the wake-ups")
    }

    @Test("under the gil modes the foreground takes the lock after each wake-up and releases it before sleeping")
    func takesTheLock() {
        let lock = GlobalInterpreterLock(switchIntervalNanoseconds: 5_000_000)
        let companion = ForegroundTicker(tickNanoseconds: 20_000, ticks: 4)
        CompanionRun.loop(companion, hooks: GILTaskHooks(lock: lock, releasesLockWhileHashing: false), stopped: { false })
        #expect(companion.report.latenessNanoseconds.count == 4)
        #expect(lock.statistics.acquisitions == 4)
        // Released at the end: this thread takes it without waiting on anyone.
        lock.acquire()
        lock.release()
        #expect(lock.statistics.acquisitions == 5)
    }

    /// A folder holding `tvp-test-worker`, a link to this test binary (which then serves as a worker).
    private func workerLink() throws -> (folder: String, worker: String) {
        let folder = try Files.makePrivateDirectory(in: Files.temporaryDirectory, prefix: "tvp-resp-")
        let worker = "\(folder)/tvp-test-worker"
        try FileManager.default.createSymbolicLink(atPath: worker, withDestinationPath: Files.currentExecutablePath()!)
        return (folder, worker)
    }

    @Test("every mode, processes included, gives cpu's digest with its foreground beside the tasks, and reports its wake-ups",
          arguments: Mode.allCases)
    func everyMode(mode: Mode) throws {
        let (folder, worker) = try workerLink()
        defer { Files.removeTree(folder) }
        let workload = Workload.responsiveness(ResponsivenessWorkload(tickNanoseconds: 100_000, ticks: 20, bytesPerTask: 2 << 20))
        var cpu = InProcessTasks(workload: .cpu(CPUWorkload(bytesPerTask: 2 << 20)), input: .none)
        let reference = TaskDigest.combining(try (0..<6).map { try cpu.run(task: $0) })
        let result = mode.executor(workerPath: worker).runTrial(ExecutionRequest(workload: workload, tasks: 6, workers: 2))
        #expect(result.errorSummary == nil, "\(result.errorSummary ?? "")")
        #expect(result.combinedDigest == reference)
        let report = try #require(result.companion, "the foreground ran")
        #expect(report.latenessNanoseconds.count <= 20)
        if mode == .serial {
            // Alone before the tasks: every tick, and the time it took, which the background did not have.
            #expect(report.latenessNanoseconds.count == 20)
            #expect(report.aloneNanoseconds >= 20 * 100_000)
        } else {
            #expect(report.aloneNanoseconds == 0)
        }
        // Without a foreground, the same trial has none.
        #expect(mode.executor(workerPath: worker).runTrial(ExecutionRequest(workload: .cpu(CPUWorkload(bytesPerTask: 2 << 20)), tasks: 2, workers: 2)).companion == nil)
    }

    /// A counted trial of `mode` with the given lateness percentiles (µs) and background rate.
    static func trial(_ mode: Mode, workers: Int, p99: Double, rate: Double) -> TrialSample {
        var trial = TrialSample(cell: Cell(workload: workload, mode: mode, workers: workers, tasks: 8), isWarmup: false, ok: true, wallSeconds: 0.5)
        trial.latenessP50Microseconds = p99 / 10
        trial.latenessP90Microseconds = p99 / 2
        trial.latenessP99Microseconds = p99
        trial.latenessP999Microseconds = p99 * 1.5
        trial.latenessMaxMicroseconds = p99 * 2
        trial.latenessTicks = 200
        trial.backgroundMegabytesPerSecond = rate
        return trial
    }

    static let trials: [TrialSample] = [
        trial(.serial, workers: 1, p99: 60, rate: 1_700), trial(.serial, workers: 1, p99: 70, rate: 1_750), trial(.serial, workers: 1, p99: 65, rate: 1_720),
        trial(.threads, workers: 2, p99: 300, rate: 3_300), trial(.threads, workers: 2, p99: 500, rate: 3_400), trial(.threads, workers: 2, p99: 400, rate: 3_350),
        trial(.gil, workers: 2, p99: 10_100, rate: 1_600), trial(.gil, workers: 2, p99: 12_000, rate: 1_650), trial(.gil, workers: 2, p99: 11_000, rate: 1_620),
        trial(.gilRelease, workers: 2, p99: 900, rate: 3_000), trial(.gilRelease, workers: 2, p99: 800, rate: 3_100), trial(.gilRelease, workers: 2, p99: 700, rate: 3_050),
    ]

    @Test("trials.csv keeps each trial's lateness and rate, summary.csv their medians, and the expectations judge those")
    func summarised() throws {
        let trial = Self.trials[4]
        let header = TrialsCSV.header, fields = TrialsCSV.fields(trial, scenario: "r")
        let read = try TrialsCSV.trial(Dictionary(uniqueKeysWithValues: zip(header, fields)))
        #expect(read.latenessP99Microseconds == 500 && read.latenessP999Microseconds == 750 && read.latenessMaxMicroseconds == 1_000)
        #expect(read.latenessP50Microseconds == 50 && read.latenessP90Microseconds == 250 && read.latenessTicks == 200)
        #expect(read.backgroundMegabytesPerSecond == 3_400)
        // A trial without a foreground leaves the columns empty, and reads back without them.
        let cpuTrial = TrialSample(cell: Cell(workload: .cpu(CPUWorkload(bytesPerTask: 1)), mode: .threads, workers: 2, tasks: 8), isWarmup: false, ok: true, wallSeconds: 1)
        let cpuFields = Dictionary(uniqueKeysWithValues: zip(header, TrialsCSV.fields(cpuTrial, scenario: "r")))
        #expect(cpuFields["lateness_p99_us"] == "" && cpuFields["background_mb_per_s"] == "")
        #expect(try TrialsCSV.trial(cpuFields).latenessP99Microseconds == nil)

        let summaries = Summarizer(usableCPUs: 2).summarize(Self.trials)
        let threads = try #require(summaries.first { $0.mode == "threads" })
        #expect(threads.latenessP99Microseconds == 400 && threads.latenessP50Microseconds == 40 && threads.latenessMaxMicroseconds == 800)
        #expect(threads.backgroundMegabytesPerSecond == 3_350 && threads.latenessTicksMedian == 200)
        let row = Dictionary(uniqueKeysWithValues: zip(SummaryCSV.header, SummaryCSV.fields(threads, scenario: "r")))
        #expect(SummaryCSV.summary(row)?.latenessP999Microseconds == 600)

        let scenario = try ScenarioLoader.parse(Self.scenarioText, source: "r.yaml")
        let results = ExpectationEvaluator.evaluate(try ExpectationParser.expectations(of: scenario, source: "r.yaml"), summaries: summaries)
        #expect(results.map(\.passed) == [true, true, true])
        #expect(results[0].left.value == 11_000 && results[0].left.unit == " µs")
        #expect(abs((results[1].ratio?.value ?? 0) - 400 / (0.25 * 11_000)) < 1e-9)
        #expect(abs(results[2].left.value - 3_050) < 1e-9 && results[2].left.unit == " MB/s")
        // A gil foreground on time would fail the first.
        let prompt = Summarizer(usableCPUs: 2).summarize(Self.trials.map { trial in
            var trial = trial
            if trial.cell.mode == .gil { trial.latenessP99Microseconds = 900 }
            return trial
        })
        #expect(!ExpectationEvaluator.evaluate(try ExpectationParser.expectations(of: scenario, source: "r.yaml"), summaries: prompt)[0].passed)
    }

    @Test("a speedup compares the tasks' time: serial's foreground, run alone before its tasks, is not counted against it")
    func speedupLeavesOutTheForegroundAlone() throws {
        // 8 tasks × 4 MiB = 33.55 MB; serial hashes them at 1,720 MB/s (19.5 ms) after 100 ms of ticks alone.
        let bytes = Double(8 * (4 << 20))
        let trials = Self.trials.map { trial -> TrialSample in
            var trial = trial
            let rate = trial.backgroundMegabytesPerSecond!
            trial.wallSeconds = bytes / (rate * 1e6) + (trial.cell.mode == .serial ? 0.1 : 0)
            return trial
        }
        let summaries = Summarizer(usableCPUs: 2).summarize(trials)
        let threads = try #require(summaries.first { $0.mode == "threads" })
        // The ratio of the hashing rates (3,350 ÷ 1,720), where the wall times' ratio would be 6.7×.
        #expect(abs((threads.speedup ?? 0) - 3_350.0 / 1_720) < 1e-6, "\(threads.speedup ?? 0)")
        let serial = try #require(summaries.first { $0.mode == "serial" })
        #expect(abs(serial.wallMedian - (bytes / 1.72e9 + 0.1)) < 1e-9)
        #expect(abs((serial.speedup ?? 0) - 1) < 1e-9, "serial against itself: \(serial.speedup ?? 0)")
    }

    /// The run the chart is drawn from: the summaries of `trials`.
    static var run: RunFolder { RunFolder(directory: "/nonexistent", summary: Summarizer(usableCPUs: 2).summarize(trials)) }

    @Test("the chart draws each mode's percentiles on the nines axis, serial in the panel, the rate in the legend, with its finding")
    func chartData() throws {
        let data = try ChartFixtures.data(ResponsivenessChart.chart, Self.run)
        #expect(ChartFixtures.texts(data, "panel_title") == ["responsiveness[0.5ms x200 4MiB] · 2 workers"])
        #expect(ChartFixtures.numbers(data, "panel_ylog") == [1])
        let table = try #require(data.table("series.tsv"))
        #expect(table.blocks.count == 4)
        // threads: p50, p90, p99, p99.9, max of the medians, in seconds, at −log10(1 − p).
        #expect(zip(table.values("y", block: 2).compactMap(\.number), [40e-6, 200e-6, 400e-6, 600e-6, 800e-6]).allSatisfy { abs($0 - $1) < 1e-15 })
        #expect(table.values("x", block: 2).compactMap(\.number) == [log10(2), 1, 2, 3, 3.6])
        #expect(table.values("p99", block: 2).map { $0.number.map { abs($0 - 400e-6) < 1e-15 } } == [nil, nil, true, nil, nil])
        #expect(ChartFixtures.texts(data, "legend_title") == ["serial · background 1720 MB/s", "threads · background 3350 MB/s",
                                                             "gil · background 1620 MB/s", "gil-release · background 3050 MB/s"])
        #expect(ChartFixtures.texts(data, "x_tic_label") == ["p50", "p90", "p99", "p99.9", "max"])
        #expect(data.finding == "At 2 workers (responsiveness[0.5ms x200 4MiB]), the foreground's p99 lateness was 65.0 µs alone (serial), 400 µs under threads, 11.0 ms under gil and 800 µs under gil-release, while the background hashed at 3350 MB/s under threads, 1620 MB/s under gil and 3050 MB/s under gil-release.")
        guard case .skip(let reason) = ResponsivenessChart.chart.prepare(RunFolder(directory: "/nonexistent", summary: [])) else {
            Issue.record("a run without responsiveness must skip the chart")
            return
        }
        #expect(reason == "the run has no responsiveness workload")
    }

    @Test("gnuplot draws it to a 1200×800 PNG without a warning")
    func drawn() throws {
        let directory = try Files.makePrivateDirectory(in: Files.temporaryDirectory, prefix: "tvp-charts-")
        defer { Files.removeTree(directory) }
        let lines = Self.run.summary.map { CSVFormat.line(SummaryCSV.fields($0, scenario: "responsiveness")) }
        try Files.writeDurably(Array((CSVFormat.line(SummaryCSV.header) + lines.joined()).utf8), to: "\(directory)/summary.csv")
        guard ChartRenderer.gnuplotPath(environment: ChartFixtures.environment) != nil else {
            print("skipped: gnuplot is not installed")
            return
        }
        let rendering = try ChartRenderer.render(runDirectory: directory, environment: ChartFixtures.environment, charts: [ResponsivenessChart.chart])
        #expect(rendering.files.map { URL(fileURLWithPath: $0).lastPathComponent } == ["responsiveness.png", "responsiveness.svg"])
        let size = try ChartFixtures.pngSize("\(directory)/charts/responsiveness.png")
        #expect(size.width == 1200 && size.height == 800)
    }
}
