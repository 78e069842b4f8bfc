import Testing
import TVPWorkloads
@testable import TVPAnalysis
@testable import TVPMeasure
@testable import TVPPlan

@Suite("cpus: matrices and expectations that follow the machine")
struct UsableCPUsTests {
    @Test("expressions of cpus", arguments: [
        ("cpus", 1, 1.0), ("cpus", 64, 64), ("2 * cpus", 2, 4), ("cpus * 2", 64, 128), ("cpus / 2", 1, 0.5),
        ("max(32, 4 * cpus)", 2, 32), ("max(32, 4 * cpus)", 64, 256), ("min(cpus, 8) + 1", 64, 9), ("(cpus - 1) * 3", 2, 3),
        ("0.6 * cpus", 64, 38.4),
    ])
    func values(text: String, cpus: Int, value: Double) {
        #expect(CPUExpression.value(text, cpus: cpus) == value)
    }

    @Test("counts round up and are at least 1; what is not an expression is nil", arguments: ["cpu", "2 *", "cpus / 0", "cpus cpus", "max(1)", "", "2 ** cpus"])
    func notExpressions(text: String) {
        #expect(CPUExpression.value(text, cpus: 2) == nil)
    }

    @Test("a count rounds up, at least 1")
    func counts() {
        #expect(CPUExpression.count("cpus / 2", cpus: 1) == 1)
        #expect(CPUExpression.count("cpus / 2", cpus: 3) == 2)
        #expect(CPUExpression.count("cpus - 4", cpus: 2) == 1)
    }

    static let text = """
        tasks: max(16, 4 * cpus)
        workloads:
          cpu: { bytes_per_task: 64KiB }
          io: { sleep_ms: 1, files_per_task: 1, file_size: 4KiB, tasks: 16 }
        modes: [serial, threads, processes]
        workers: [1, 2, cpus, 2 * cpus, 16]
        expect:
          - "threads.speedup(cpu, workers: 2) >= 1.4"
          - "threads.speedup(cpu, workers: cpus) >= 0.6 * cpus"
          - "threads.speedup(io, workers: 16) >= 8"
          - "threads.wall(cpu, workers: 2) < 0.7 * serial.wall(cpu, workers: 1)"
        """

    @Test("worker lists and task counts for 1, 2 and 64 CPUs: duplicates merged, sorted", arguments: [
        (1, [1, 2, 16], 16), (2, [1, 2, 4, 16], 16), (64, [1, 2, 16, 64, 128], 256),
    ])
    func matrix(cpus: Int, workers: [Int], tasks: Int) throws {
        let scenario = try ScenarioLoader.parse(Self.text, source: "s.yaml", cpus: cpus)
        #expect(scenario.cpus == cpus)
        #expect(scenario.workers == workers)
        #expect(scenario.tasks == tasks)
        let expectations = try ExpectationParser.expectations(of: scenario, source: "s.yaml")
        guard case .metric(_, .speedup, let cell) = expectations[1].left, case .constant(let bound) = expectations[1].right else {
            Issue.record("\(expectations[1])")
            return
        }
        #expect(cell.workers == cpus)
        #expect(abs(bound - 0.6 * Double(cpus)) < 1e-9)
    }

    @Test("the CPUs each expectation needs: CPU-bound speedup claims need ⌈bound⌉, waiting work none")
    func required() throws {
        let scenario = try ScenarioLoader.parse(Self.text, source: "s.yaml", cpus: 64)
        let expectations = try ExpectationParser.expectations(of: scenario, source: "s.yaml")
        #expect(expectations.map(\.requiredCPUs) == [2, 39, nil, 2])
    }

    /// Summaries of cpu cells with the given median wall times (5 trials each, ±1 %).
    func summaries(_ walls: [(Cell, Double)], cpus: Int) -> [CellSummary] {
        var samples: [TrialSample] = []
        for (cell, wall) in walls {
            for factor in [1.0, 1.01, 0.99, 1.0, 1.005] {
                var sample = TrialSample(row: ["workload": "null", "mode": "serial", "workers": "1", "tasks": "4", "wall_s": "1"])!
                sample.cell = cell
                sample.wallSeconds = wall * factor
                sample.ok = true
                samples.append(sample)
            }
        }
        return Summarizer(usableCPUs: cpus).summarize(samples)
    }

    @Test("on 1 CPU a CPU-bound speedup claim is skipped with the reason; on 2 it is judged and can fail; a cpus claim that fails still fails")
    func skipped() throws {
        let one = try ScenarioLoader.parse(Self.text, source: "s.yaml", cpus: 1)
        let two = try ScenarioLoader.parse(Self.text, source: "s.yaml", cpus: 2)
        let cpu = try #require(one.workloads.first { $0.name == "cpu" })
        let serial = Cell(workload: cpu, mode: .serial, workers: 1, tasks: 16)
        func threads(_ workers: Int) -> Cell { Cell(workload: cpu, mode: .threads, workers: workers, tasks: 16) }

        // One CPU: two threads are no faster than one.
        let onCPU = summaries([(serial, 1.0), (threads(1), 1.01), (threads(2), 1.02)], cpus: 1)
        let results = ExpectationEvaluator.evaluate(try ExpectationParser.expectations(of: one, source: "s.yaml"), summaries: onCPU, cpus: 1)
        #expect(results[0].verdict == .skip && results[0].skipped == "needs 2 usable CPUs; this machine has 1")
        #expect(results[0].line.hasPrefix("SKIP  threads.speedup(cpu, workers: 2) >= 1.4\n      skipped: needs 2 usable CPUs; this machine has 1"))
        #expect(results[1].verdict == .pass, "0.6 × 1 CPU is judged on threads×1: \(results[1].line)")
        #expect(results[2].verdict == .fail, "the io cells have no trials here: not skipped")
        #expect(results[3].verdict == .skip)

        // Two CPUs, the same slow threads: judged, and failed, the cpus one included.
        let slow = summaries([(serial, 1.0), (threads(1), 1.0), (threads(2), 0.95)], cpus: 2)
        let judged = ExpectationEvaluator.evaluate(try ExpectationParser.expectations(of: two, source: "s.yaml"), summaries: slow, cpus: 2)
        #expect(judged[0].verdict == .fail && judged[0].skipped == nil)
        #expect(judged[1].verdict == .fail, "speedup 1.05 against 0.6 × 2: \(judged[1].line)")
        #expect(judged[3].verdict == .fail)

        // Two CPUs, threads that scale: all pass.
        let fast = summaries([(serial, 1.0), (threads(1), 1.0), (threads(2), 0.52)], cpus: 2)
        let passed = ExpectationEvaluator.evaluate(try ExpectationParser.expectations(of: two, source: "s.yaml"), summaries: fast, cpus: 2)
        #expect([passed[0], passed[1], passed[3]].allSatisfy { $0.verdict == .pass })
    }

    @Test("a claim no machine can meet with its workers is not skipped: it fails")
    func impossible() throws {
        let text = "workloads: { cpu: {} }\nmodes: [serial, threads]\nworkers: [1, 2]\nexpect:\n  - \"threads.speedup(cpu, workers: 2) >= 50\"\n"
        let scenario = try ScenarioLoader.parse(text, source: "s.yaml", cpus: 1)
        #expect(try ExpectationParser.expectations(of: scenario, source: "s.yaml")[0].requiredCPUs == nil)
    }

    @Test("a count of cpus out of range names the key, the value and cpus")
    func outOfRange() {
        let text = "workloads: { null: {} }\nworkers: [1, 8192 * cpus]\n"
        #expect(throws: ScenarioError.self) { try ScenarioLoader.parse(text, source: "s.yaml", cpus: 4) }
        do {
            _ = try ScenarioLoader.parse(text, source: "s.yaml", cpus: 4)
        } catch {
            #expect("\(error)".contains("s.yaml:2: `workers`: '8192 * cpus' is 32768 with cpus = 4"), "\(error)")
        }
    }

    @Test("--cpus and TVP_CPUS replace the machine's count, and say so; nonsense is refused")
    func overrides() throws {
        let option = try UsableCPUs.resolve(option: 64, environment: ["TVP_CPUS": "3"])
        #expect(option.count == 64 && option.source == "--cpus" && option.detected != nil)
        let variable = try UsableCPUs.resolve(option: nil, environment: ["TVP_CPUS": "3"])
        #expect(variable.count == 3 && variable.source == "TVP_CPUS")
        #expect(throws: UsableCPUsError.self) { try UsableCPUs.resolve(option: nil, environment: ["TVP_CPUS": "many"]) }
        #expect(throws: UsableCPUsError.self) { try UsableCPUs.resolve(option: 0, environment: [:]) }
        let machine = try UsableCPUs.resolve(option: nil, environment: [:])
        #expect(machine.detected == nil && machine.count >= 1)
    }
}
