import Testing
import TVPWorkloads
@testable import TVPCore

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
        let expectations = try ExpectationEvaluator.expectations(of: scenario, source: "x.yaml")
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

    func summary(_ cell: Cell, walls: [Double], serial: [Double]?) -> CellSummary {
        var samples: [TrialSample] = []
        func add(_ cell: Cell, _ walls: [Double]) {
            for wall in walls {
                var sample = TrialSample(row: ["workload": "null", "mode": "serial", "workers": "1", "tasks": "4", "wall_s": "1"])!
                sample.cell = cell
                sample.wallSeconds = wall
                sample.ok = true
                samples.append(sample)
            }
        }
        add(cell, walls)
        if let serial { add(cell.serialBaseline, serial) }
        return Summarizer(seed: 1, usableCPUs: 2).summarize(samples).first { $0.cell == cell }!
    }

    @Test("evaluation passes and fails on the medians and reports values with intervals")
    func evaluates() throws {
        let scenario = try scenario()
        let expectations = try ExpectationEvaluator.expectations(of: scenario, source: "x.yaml")
        let cpu = Workload.cpu(CPUWorkload(bytesPerTask: 1 << 20))
        let threads2 = Cell(workload: cpu, mode: .threads, workers: 2, tasks: 4)
        let processes2 = Cell(workload: cpu, mode: .processes, workers: 2, tasks: 4)
        let summaries = [
            summary(threads2, walls: [0.50, 0.51, 0.52, 0.50, 0.51], serial: [1.0, 1.01, 0.99, 1.0, 1.02]),
            summary(processes2, walls: [0.60, 0.61, 0.62, 0.60, 0.61], serial: nil),
        ]
        let results = ExpectationEvaluator.evaluate(expectations, summaries: summaries)
        #expect(results[0].passed)
        #expect(abs(results[0].left.value - 1.0 / 0.51) < 1e-9)
        #expect(results[0].certain)
        #expect(results[0].line.hasPrefix("PASS  threads.speedup(cpu, workers: 2) >= 1.7"))
        #expect(results[1].passed)
        #expect(!results[2].passed, "null cells have no trials here")
        #expect(results[2].problem?.contains("no successful trials of null processes×2") == true)

        let slow = [summary(threads2, walls: [0.70, 0.71, 0.69, 0.70, 0.72], serial: [1.0, 1.01, 0.99, 1.0, 1.02])]
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
        let expectations = try ExpectationEvaluator.expectations(of: scenario, source: "x.yaml")
        let cpu = Workload.cpu(CPUWorkload(bytesPerTask: 1 << 20))
        var threads = summary(Cell(workload: cpu, mode: .threads, workers: 2, tasks: 4), walls: [1, 1, 1], serial: nil)
        var processes = summary(Cell(workload: cpu, mode: .processes, workers: 2, tasks: 4), walls: [1, 1, 1], serial: nil)
        threads.systemMedian = 0.1
        processes.systemMedian = 0.3
        let passed = ExpectationEvaluator.evaluate(expectations, summaries: [threads, processes])
        #expect(passed[0].passed && abs(passed[0].left.value - 0.3) < 1e-12 && passed[0].left.unit == " s")
        processes.systemMedian = 0.15
        #expect(!ExpectationEvaluator.evaluate(expectations, summaries: [threads, processes])[0].passed)
    }
}
