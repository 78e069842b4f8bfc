import Testing
import TVPWorkloads
@testable import TVPAnalysis
@testable import TVPMeasure
@testable import TVPPlan
@testable import TVPStatistics

@Suite("Expectations")
struct ExpectationTests {
    static let scenarioText = """
        workloads:
          cpu: { bytes_per_task: 1MiB }
          null: {}
        modes: [serial, threads, processes]
        workers: [1, 2]
        tasks: 4
        expect:
          - "threads.speedup(cpu, workers: 2) >= 1.7"
          - "threads.wall(cpu, workers: 2) < processes.wall(cpu, workers: 2)"
          - "processes.overhead(null, workers: 2) >= 10 * threads.overhead(null, workers: 2)"
        """

    func scenario(_ text: String = scenarioText) throws -> Scenario {
        try ScenarioLoader.parse(text, source: "x.yaml")
    }

    @Test("expectations parse into bounds and orderings on the scenario's cells")
    func parses() throws {
        let scenario = try scenario()
        let expectations = try ExpectationParser.expectations(of: scenario, source: "x.yaml")
        #expect(expectations.count == 3)
        let cpu = Workload.cpu(CPUWorkload(bytesPerTask: 1 << 20))
        #expect(expectations[0].left == .metric(factor: 1, metric: .speedup, cell: Cell(workload: cpu, mode: .threads, workers: 2, tasks: 4)))
        #expect(expectations[0].comparison == .atLeast)
        #expect(expectations[0].right == .constant(1.7))
        #expect(expectations[0].line == 8)
        #expect(expectations[1].comparison == .less)
        #expect(expectations[2].right == .metric(factor: 10, metric: .overhead, cell: Cell(workload: .null, mode: .threads, workers: 2, tasks: 4)))
    }

    func loadError(_ expect: String) -> String {
        let text = "workloads: { cpu: {} }\nmodes: [serial, threads]\nworkers: [1, 2]\nexpect:\n  - \"\(expect)\"\n"
        do {
            _ = try ScenarioLoader.parse(text, source: "x.yaml")
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    @Test("a reference to a cell the matrix lacks is an error at load time, with file and line")
    func missingCell() {
        #expect(loadError("threads.speedup(cpu, workers: 16) >= 2")
            == "x.yaml:5: `expect`: the matrix has no cell cpu[8MiB] threads×16; threads runs cpu with workers 1, 2: `threads.speedup(cpu, workers: 16) >= 2`")
        #expect(loadError("processes.wall(cpu, workers: 2) < 1").contains("mode 'processes' is not in this scenario's `modes`"))
        #expect(loadError("threads.speedup(io, workers: 2) >= 1").contains("the scenario has no workload 'io'"))
    }

    @Test("syntax errors say what to write", arguments: [
        ("threads.speedup(cpu, workers: 2) 1.7", "expected a comparison"),
        ("threads.spedup(cpu, workers: 2) >= 1", "did you mean 'speedup'?"),
        ("thread.speedup(cpu, workers: 2) >= 1", "did you mean 'threads'?"),
        ("threads.speedup(cpu) >= 1", "write the cell as threads.speedup(WORKLOAD, workers: N)"),
        ("1 < 2", "at least one side must measure a cell"),
        ("x * threads.wall(cpu, workers: 2) < 1", "'x' is not a number"),
    ])
    func syntaxErrors(expect: String, message: String) {
        #expect(loadError(expect).contains(message), "\(loadError(expect))")
    }

    /// Summaries of `cells`, each with its trials' wall times (and, when given, system CPU times).
    func summaries(_ cells: [(cell: Cell, walls: [Double], systems: [Double]?)]) -> [CellSummary] {
        var samples: [TrialSample] = []
        for (cell, walls, systems) in cells {
            for (index, wall) in walls.enumerated() {
                var sample = TrialSample(row: ["workload": "null", "mode": "serial", "workers": "1", "tasks": "4", "wall_s": "1"])!
                sample.cell = cell
                sample.wallSeconds = wall
                sample.systemSeconds = systems?[index] ?? 0
                sample.ok = true
                samples.append(sample)
            }
        }
        return Summarizer(usableCPUs: 2).summarize(samples)
    }

    @Test("evaluation passes and fails on the medians and reports values with intervals")
    func evaluates() throws {
        let scenario = try scenario()
        let expectations = try ExpectationParser.expectations(of: scenario, source: "x.yaml")
        let cpu = Workload.cpu(CPUWorkload(bytesPerTask: 1 << 20))
        let threads2 = Cell(workload: cpu, mode: .threads, workers: 2, tasks: 4)
        let processes2 = Cell(workload: cpu, mode: .processes, workers: 2, tasks: 4)
        let serial = (threads2.serialBaseline, [1.0, 1.01, 0.99, 1.0, 1.02], nil as [Double]?)
        let summaries = self.summaries([
            serial, (threads2, [0.50, 0.51, 0.52, 0.50, 0.51], nil), (processes2, [0.60, 0.61, 0.62, 0.60, 0.61], nil),
        ])
        let results = ExpectationEvaluator.evaluate(expectations, summaries: summaries)
        #expect(results[0].passed)
        #expect(abs(results[0].left.value - 1.0 / 0.51) < 1e-9)
        #expect(results[0].certain)
        #expect(results[0].line.hasPrefix("PASS  threads.speedup(cpu, workers: 2) >= 1.7"))
        #expect(results[1].passed)
        #expect(!results[2].passed, "null cells have no trials here")
        #expect(results[2].problem?.contains("no successful trials of null processes×2") == true)

        let slow = self.summaries([serial, (threads2, [0.70, 0.71, 0.69, 0.70, 0.72], nil)])
        let failed = ExpectationEvaluator.evaluate([expectations[0]], summaries: slow)
        #expect(!failed[0].passed)
        #expect(failed[0].line.hasPrefix("FAIL"))
    }

    @Test("sys compares the kernel's share of CPU time: where copies through pipes are paid")
    func systemTime() throws {
        let scenario = try scenario("""
            workloads: { cpu: { bytes_per_task: 1MiB } }
            modes: [threads, processes]
            workers: [2]
            tasks: 4
            expect:
              - "processes.sys(cpu, workers: 2) > 2 * threads.sys(cpu, workers: 2)"
            """)
        let expectations = try ExpectationParser.expectations(of: scenario, source: "x.yaml")
        let cpu = Workload.cpu(CPUWorkload(bytesPerTask: 1 << 20))
        let threads = Cell(workload: cpu, mode: .threads, workers: 2, tasks: 4)
        let processes = Cell(workload: cpu, mode: .processes, workers: 2, tasks: 4)
        let passed = ExpectationEvaluator.evaluate(expectations, summaries: summaries([
            (threads, [1, 1, 1], [0.1, 0.11, 0.09]), (processes, [1, 1, 1], [0.3, 0.29, 0.31]),
        ]))
        #expect(passed[0].passed && abs(passed[0].left.value - 0.3) < 1e-12 && passed[0].left.unit == " s")
        #expect(!ExpectationEvaluator.evaluate(expectations, summaries: summaries([
            (threads, [1, 1, 1], [0.1, 0.11, 0.09]), (processes, [1, 1, 1], [0.15, 0.14, 0.16]),
        ]))[0].passed)
    }

    /// Evaluates `text` (one expectation over cpu cells of threads and processes at 2 workers, and their
    /// serial cell) on the given trial wall times.
    func evaluate(_ text: String, threads: [Double], processes: [Double], serial: [Double] = [1, 1, 1]) throws -> ExpectationResult {
        let scenario = try scenario("""
            workloads: { cpu: { bytes_per_task: 1MiB } }
            modes: [serial, threads, processes]
            workers: [2]
            tasks: 4
            expect:
              - "\(text)"
            """)
        let cpu = Workload.cpu(CPUWorkload(bytesPerTask: 1 << 20))
        let cells = [(Cell(workload: cpu, mode: .serial, workers: 1, tasks: 4), serial, nil as [Double]?),
                     (Cell(workload: cpu, mode: .threads, workers: 2, tasks: 4), threads, nil),
                     (Cell(workload: cpu, mode: .processes, workers: 2, tasks: 4), processes, nil)]
        let expectations = try ExpectationParser.expectations(of: scenario, source: "x.yaml")
        return ExpectationEvaluator.evaluate(expectations, summaries: summaries(cells))[0]
    }

    @Test("an ordering of two cells is judged on the interval of their ratio, not on two overlapping intervals")
    func ratioInterval() throws {
        // Two noisy cells 20 % apart: their own 95 % intervals overlap (1.05–1.15), but the ratio's
        // interval, from both cells' trials, lies above 1: the ordering is beyond noise.
        let threads = [0.80, 0.85, 0.90, 0.95, 1.0, 1.0, 1.05, 1.10, 1.15, 1.20]
        let processes = threads.map { $0 + 0.2 }
        let result = try evaluate("threads.wall(cpu, workers: 2) < processes.wall(cpu, workers: 2)",
                                  threads: threads, processes: processes)
        let left = try #require(result.left.interval), right = try #require(result.right.interval)
        #expect(left.overlaps(right), "the premise: \(left) and \(right) overlap")
        let ratio = try #require(result.ratio?.interval)
        #expect(result.passed && result.certain)
        #expect(ratio.upperBound < 1 && ratio.contains(1.0 / 1.2))
        #expect(result.line.contains("; ratio 0.833 [95% CI"))
        #expect(!result.line.contains("within noise"))
    }

    @Test("\"within noise\" is said exactly when the ratio's interval straddles the bound")
    func withinNoise() throws {
        let threads = [0.80, 0.85, 0.90, 0.95, 1.0, 1.0, 1.05, 1.10, 1.15, 1.20]
        // 5 % apart: the medians order the cells, the ratio's interval straddles 1.
        let close = try evaluate("threads.wall(cpu, workers: 2) < processes.wall(cpu, workers: 2)",
                                 threads: threads, processes: threads.map { $0 * 1.05 })
        let ratio = try #require(close.ratio?.interval)
        #expect(close.passed && !close.certain && ratio.contains(1))
        #expect(close.line.contains("(within noise: the ratio's 95 % interval straddles 1)"))
        // The same with a factor moves the bound, not the data: 2 × threads against processes.
        let factor = try evaluate("2 * threads.wall(cpu, workers: 2) > processes.wall(cpu, workers: 2)",
                                  threads: threads, processes: threads.map { $0 * 1.05 })
        #expect(factor.passed && factor.certain && (factor.ratio?.value ?? 0) > 1.8)
        // Failing beyond noise is certain too.
        let failed = try evaluate("threads.wall(cpu, workers: 2) > processes.wall(cpu, workers: 2)",
                                  threads: threads, processes: threads.map { $0 * 2 })
        #expect(!failed.passed && failed.certain)
    }

    @Test("against a constant, the measured side's own interval decides; speedups sharing a serial cell cancel it")
    func constantsAndSpeedups() throws {
        let threads = [0.50, 0.51, 0.52, 0.50, 0.51], processes = [0.60, 0.61, 0.62, 0.60, 0.61]
        let serial = [1.0, 1.01, 0.99, 1.0, 1.02]
        let bound = try evaluate("threads.speedup(cpu, workers: 2) >= 1.95", threads: threads, processes: processes, serial: serial)
        let interval = try #require(bound.left.interval)
        #expect(bound.ratio == nil && interval.contains(1.95) && !bound.certain)
        #expect(bound.line.contains("(within noise: the 95 % interval straddles 1.95)"))
        // threads.speedup ÷ processes.speedup = processes wall ÷ threads wall: the serial trials cancel.
        let speedups = try evaluate("threads.speedup(cpu, workers: 2) > processes.speedup(cpu, workers: 2)",
                                    threads: threads, processes: processes, serial: serial)
        let direct = try #require(Statistics.medianRatio(numerator: processes, denominator: threads).interval)
        let ratio = try #require(speedups.ratio?.interval)
        #expect(abs(ratio.lowerBound - direct.lowerBound) < 1e-12 && abs(ratio.upperBound - direct.upperBound) < 1e-12)
        // cpu has an interval of its own now.
        let cpu = try evaluate("threads.cpu(cpu, workers: 2) < 1", threads: threads, processes: processes)
        #expect(cpu.left.interval != nil)
    }

    @Test("one trial per cell gives no interval: the verdict stands on the medians and says its certainty is unknown")
    func singleTrial() throws {
        let result = try evaluate("threads.wall(cpu, workers: 2) < processes.wall(cpu, workers: 2)", threads: [1], processes: [2])
        #expect(result.passed && !result.certain && result.ratio?.interval == nil)
        #expect(result.line.contains("certainty unknown"))
    }

    @Test("a bound or factor that is not a finite number above 0 is rejected when the scenario loads, with file and line",
          arguments: [
              ("threads.wall(cpu, workers: 2) < nan", "the bound 'nan' is not a finite number of at least 0"),
              ("threads.wall(cpu, workers: 2) < inf", "the bound 'inf' is not a finite number of at least 0"),
              ("threads.speedup(cpu, workers: 2) >= 1e999", "the bound '1e999' is not a finite number"),
              ("threads.wall(cpu, workers: 2) > -1", "the bound '-1' is not a finite number of at least 0"),
              ("threads.wall(cpu, workers: 2) < -5 * serial.wall(cpu, workers: 1)", "the factor '-5' must be a finite number above 0"),
              ("nan * threads.wall(cpu, workers: 2) < 1", "the factor 'nan' must be a finite number above 0"),
              ("0 * threads.wall(cpu, workers: 2) < 1", "the factor '0' must be a finite number above 0"),
          ])
    func nonFiniteBounds(expect: String, message: String) {
        let error = loadError(expect)
        #expect(error.hasPrefix("x.yaml:5: `expect`: ") && error.contains(message), "\(error)")
    }

    @Test("a failed expectation on a busy machine comes with a note that the CPUs were shared")
    func contentionNote() {
        var machine = MachineFacts(cpuModel: "x", logicalCPUs: 2, usableCPUs: 2, cgroupCPUQuota: nil, kernel: "k",
                                   hostname: "h", memoryKiB: 1, swiftVersion: "s", tvpVersion: "t", gitCommit: nil,
                                   optimizedBuild: true, timerSlackNanoseconds: 50_000, loadAverage: [12.4, 11, 10],
                                   stealFraction: 0)
        #expect(machine.contentionNote?.contains("load average was 12.4 on 2 usable CPUs") == true)
        machine.loadAverage = [0.3, 0.2, 0.1]
        #expect(machine.contentionNote == nil)
        machine.loadAverage = []
        #expect(machine.contentionNote == nil)
    }
}
