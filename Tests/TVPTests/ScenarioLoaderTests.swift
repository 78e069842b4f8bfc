import Foundation
import Testing
import TVPFormatting
import TVPWorkloads
@testable import TVPPlan

@Suite("Scenario loading")
struct ScenarioLoaderTests {
    @Test("the default scenario file and the built-in default are the same text and matrix")
    func defaultMatchesBuiltIn() throws {
        let path = packageRoot + "/scenarios/default.yaml"
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text == BuiltInScenarios.defaultText)
        let scenario = try ScenarioLoader.load(path: path)
        #expect(scenario.name == "default")
        #expect(scenario.modes == [.serial, .threads, .processes])
        #expect(scenario.workers == [1, 2, 4, 8, 16])
        #expect(scenario.workloads.map(\.name) == ["cpu", "io", "null"])
        #expect(scenario.cells.count == 3 * (1 + 5 + 5))
    }

    @Test("every scenario in scenarios/ loads")
    func allScenariosLoad() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: packageRoot + "/scenarios").filter { $0.hasSuffix(".yaml") }
        #expect(files.count >= 2)
        for file in files { _ = try ScenarioLoader.load(path: packageRoot + "/scenarios/" + file) }
    }

    @Test("sizes, durations and sweeps are read; serial runs only with one worker")
    func parsesValues() throws {
        let scenario = try ScenarioLoader.parse("""
            name: t
            tasks: 8
            workloads:
              cpu: { bytes_per_task: [1MiB, 3KiB] }
              io: { sleep_ms: 2.5, file_size: 4096, cache: cold }
            modes: [serial, threads]
            workers: [4, 2, 2]
            """, source: "t.yaml")
        #expect(scenario.workloads == [
            .cpu(CPUWorkload(bytesPerTask: 1 << 20)), .cpu(CPUWorkload(bytesPerTask: 3 << 10)),
            .io(IOWorkload(sleepNanoseconds: 2_500_000, filesPerTask: 4, fileSize: 4096, cache: .cold)),
        ])
        #expect(scenario.workers == [2, 4])
        #expect(scenario.cells.filter { $0.mode == .serial }.allSatisfy { $0.workers == 1 })
        #expect(scenario.cells.count == 3 * 3)
    }

    func problems(_ text: String) -> ScenarioError? {
        do {
            _ = try ScenarioLoader.parse(text, source: "bad.yaml")
            return nil
        } catch let error as ScenarioError {
            return error
        } catch {
            Issue.record("unexpected error \(error)")
            return nil
        }
    }

    @Test("an unknown key is named with its line and a suggestion")
    func unknownKey() throws {
        let error = try #require(problems("workloads: { null: {} }\nworkrs: [1]\n"))
        #expect(error.description == "bad.yaml:2: `workrs`: unknown key; did you mean `workers`? (known keys: \(ScenarioLoader.topLevelKeys.joined(separator: ", ")))")
    }

    @Test("workers: 0 is out of range, with file, line and key")
    func zeroWorkers() throws {
        let error = try #require(problems("workloads:\n  null: {}\nworkers: [1, 0]\n"))
        #expect(error.description == "bad.yaml:3: `workers`: must be between 1 and 16384, got 0")
    }

    @Test("every problem is reported, not only the first")
    func allProblems() throws {
        let error = try #require(problems("""
            repetitions: many
            workloads:
              cpu: { bytes_per_task: 8 parsecs }
              gpu: {}
            modes: [serial, thread]
            """))
        #expect(error.problems.map(\.line) == [1, 3, 4, 5])
        #expect(error.problems.map(\.key) == ["repetitions", "workloads.cpu.bytes_per_task", "workloads.gpu", "modes"])
        #expect(error.problems[3].message.contains("did you mean `threads`?"))
    }

    @Test("bad YAML is a syntax error with its line")
    func badYAML() throws {
        let error = try #require(problems("name: x\nworkloads: [cpu\nmodes: {"))
        #expect(error.problems.count == 1)
        #expect(error.description.hasPrefix("bad.yaml:"))
        #expect(error.description.contains("YAML"))
    }

    @Test("a missing workloads key and a non-mapping document are errors")
    func missingWorkloads() throws {
        #expect(try #require(problems("modes: [serial]\n")).description.contains("`workloads`: missing"))
        #expect(try #require(problems("- 1\n- 2\n")).description.contains("a scenario is a YAML mapping"))
    }

    @Test("byte sizes", arguments: [("8MiB", 8 << 20), ("256KiB", 256 << 10), ("1GiB", 1 << 30), ("64MB", 64_000_000),
                                    ("4096", 4096), ("1.5KiB", 1536), ("x", nil), ("-1KiB", nil), ("1.3B", nil)] as [(String, Int?)])
    func byteSizes(text: String, bytes: Int?) {
        #expect(SizeSyntax.parse(text) == bytes)
    }

    @Test("the trial plan covers every cell once per round and is reproducible from the seed")
    func trialPlan() throws {
        let cells = try ScenarioLoader.parse(BuiltInScenarios.defaultText, source: "d").cells
        let plan = TrialPlanner.plan(cells: cells, warmup: 1, repetitions: 4, seed: 7)
        #expect(plan.count == cells.count * 5)
        for round in 1...5 {
            let block = plan.filter { $0.round == round }
            #expect(Set(block.map(\.cell)) == Set(cells))
            #expect(block.map(\.position) == Array(1...cells.count))
            #expect(block.allSatisfy { $0.isWarmup == (round == 1) })
        }
        #expect(plan == TrialPlanner.plan(cells: cells, warmup: 1, repetitions: 4, seed: 7))
        #expect(plan != TrialPlanner.plan(cells: cells, warmup: 1, repetitions: 4, seed: 8))
        #expect(plan.filter { $0.round == 2 }.map(\.cell) != plan.filter { $0.round == 3 }.map(\.cell))
    }
}

/// The package's root folder, found from this file's path.
let packageRoot: String = {
    var url = URL(fileURLWithPath: #filePath)
    while url.path != "/" && !FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
        url.deleteLastPathComponent()
    }
    return url.path
}()

@Suite("Scenario loading: the gil and async modes")
struct ScenarioModeTests {
    @Test("switch_interval_ms defaults to CPython's 5 ms and is read; modes default to serial, threads, processes")
    func switchIntervalAndDefaults() throws {
        let plain = try ScenarioLoader.parse("workloads: { null: {} }\n", source: "t.yaml")
        #expect(plain.switchIntervalMilliseconds == 5)
        #expect(plain.modes == Mode.defaultSelection)
        #expect(Mode.defaultSelection == [.serial, .threads, .processes])
        let gil = try ScenarioLoader.parse("""
            workloads: { null: {} }
            modes: [serial, gil, gil-release, async]
            switch_interval_ms: 0.5
            """, source: "t.yaml")
        #expect(gil.switchIntervalMilliseconds == 0.5)
        #expect(gil.modes == [.serial, .gil, .gilRelease, .async])
    }

    @Test("an out-of-range switch interval is named with its line and range", arguments: ["0.05", "2000", "fast"])
    func badSwitchInterval(value: String) {
        do {
            _ = try ScenarioLoader.parse("workloads: { null: {} }\nswitch_interval_ms: \(value)\n", source: "bad.yaml")
            Issue.record("accepted switch_interval_ms: \(value)")
        } catch {
            let message = "\(error)"
            #expect(message.contains("bad.yaml:2") && message.contains("switch_interval_ms"), "\(message)")
            #expect(message.contains("0.1 and 1000") || message.contains("expected a number"), "\(message)")
        }
    }

    @Test("expectations name hyphenated modes")
    func hyphenatedModeInExpectation() throws {
        let scenario = try ScenarioLoader.parse("""
            workloads: { cpu: { bytes_per_task: 1MiB } }
            modes: [serial, gil, gil-release]
            workers: [2]
            expect:
              - "gil-release.speedup(cpu, workers: 2) >= 1.4"
              - "gil.wall(cpu, workers: 2) > 1.2 * gil-release.wall(cpu, workers: 2)"
            """, source: "t.yaml")
        let expectations = try ExpectationParser.expectations(of: scenario, source: "t.yaml")
        let cell = Cell(workload: .cpu(CPUWorkload(bytesPerTask: 1 << 20)), mode: .gilRelease, workers: 2, tasks: 32)
        #expect(expectations[0].left == .metric(factor: 1, metric: .speedup, cell: cell))
        #expect(expectations[1].right == .metric(factor: 1.2, metric: .wall, cell: cell))
    }
}
