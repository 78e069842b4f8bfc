import Testing
@testable import TVPPlan
@testable import TVPStatistics

@Suite("Scenario loader under random input")
struct ScenarioFuzzTests {
    static let seeds = [
        BuiltInScenarios.defaultText,
        "workloads: { cpu: { bytes_per_task: [1KiB, 2KiB] }, io: { cache: cold } }\nmodes: [serial, threads]\nworkers: [1, 2]\nexpect:\n  - \"threads.speedup(cpu[1KiB], workers: 2) >= 1\"\n",
    ]
    static let fragments = ["{", "}", "[", "]", ":", ",", "-", "\n", "  ", "\"", "'", "#", "&a", "*a", "!!int", "~", "null",
                            "0", "-1", "1e99", "4096", "8MiB", "workers", "modes", "cpu", "io", "expect", "threads", ">=",
                            "\t", "\u{0}", "é", "9999999999999999999999"]

    @Test("thousands of mutated scenarios: the loader never crashes, and every rejection explains itself")
    func mutations() {
        var generator = SeededGenerator(seed: 2026)
        var rejected = 0, accepted = 0
        for round in 0..<3_000 {
            var text = Array(Self.seeds[round % Self.seeds.count])
            for _ in 0..<Int.random(in: 1...6, using: &generator) where !text.isEmpty {
                let at = Int.random(in: 0..<text.count, using: &generator)
                switch Int.random(in: 0..<3, using: &generator) {
                case 0: text.remove(at: at)
                case 1: text.insert(contentsOf: Self.fragments.randomElement(using: &generator)!, at: at)
                default:
                    let end = min(text.count, at + Int.random(in: 1...20, using: &generator))
                    text.replaceSubrange(at..<end, with: Self.fragments.randomElement(using: &generator)!)
                }
            }
            do {
                let scenario = try ScenarioLoader.parse(String(text), source: "fuzz.yaml")
                #expect(!scenario.cells.isEmpty)
                accepted += 1
            } catch let error as ScenarioError {
                #expect(!error.problems.isEmpty)
                #expect(error.problems.allSatisfy { !$0.message.isEmpty })
                #expect(error.description.hasPrefix("fuzz.yaml"))
                rejected += 1
            } catch {
                Issue.record("unexpected error type: \(error)")
            }
        }
        #expect(rejected > 500 && accepted > 100, "accepted \(accepted), rejected \(rejected)")
    }
}
