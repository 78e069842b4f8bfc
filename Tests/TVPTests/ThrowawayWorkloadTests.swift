import Foundation
import Testing
@testable import TVPMeasure
@testable import TVPPlan
@testable import TVPReport
@testable import TVPResults
import TVPSystem
import TVPWorkloads

/// A workload declared only here and registered in `TestWorkloads`: each task folds `words`
/// 64-bit words of a stream seeded by its index, with `mix` (xor or add), `rounds` times over a
/// buffer of `buffer` bytes. Nothing outside this file and that registration line knows it.
struct FoldWorkload: WorkloadKind, Hashable {
    var words: Int
    var buffer: Int
    var mix: String

    static let name = "fold"
    static let summary = "a test's workload: folds a stream of words into one"
    static let parameters = [
        WorkloadParameter("words", .count(1...1_000_000), default: .integer(1_000), summary: "words folded per task"),
        WorkloadParameter("buffer", .bytes(8...(1 << 20)), default: .integer(4096), unit: "bytes", summary: "bytes the words cycle through"),
        WorkloadParameter("mix", .choice(["xor", "add"]), default: .text("xor"), summary: "how words are combined"),
    ]

    init(words: Int, buffer: Int, mix: String) {
        self.words = words
        self.buffer = buffer
        self.mix = mix
    }
    init(parameters values: ParameterValues) {
        self.init(words: values.integer("words"), buffer: values.integer("buffer"), mix: values.text("mix"))
    }
    var parameterValues: ParameterValues {
        ParameterValues([("words", .integer(words)), ("buffer", .integer(buffer)), ("mix", .text(mix))])
    }
    var label: String { "fold[\(words) \(mix)]" }
    func makeTask(input: TaskInput, taskTimeoutSeconds: Double?) -> any WorkloadTask { FoldTask(self) }

    final class FoldTask: WorkloadTask {
        let workload: FoldWorkload
        init(_ workload: FoldWorkload) { self.workload = workload }
        func run<Hooks: TaskHooks>(task index: Int, hooks: Hooks) throws -> TaskDigest {
            var stream = PatternStream(seed: UInt64(index) &* 0x9E37_79B9)
            let bytes = stream.bytes(workload.buffer)
            var folded: UInt64 = 0
            for word in 0..<workload.words {
                var value: UInt64 = 0
                for byte in 0..<8 { value = value << 8 | UInt64(bytes[(word * 8 + byte) % bytes.count]) }
                folded = workload.mix == "xor" ? folded ^ value : folded &+ value
            }
            hooks.checkpoint()
            var hasher = SHA256Hasher()
            hasher.update(UInt64(index))
            hasher.update(folded)
            return hasher.finish()
        }
    }
}

@Suite("a workload declared in a test file runs everywhere through its declaration alone")
struct ThrowawayWorkloadTests {
    init() { TestWorkloads.register() }

    /// A folder holding `tvp-test-worker`, a link to this test binary (which then serves as a worker).
    private func workerLink() throws -> (folder: String, worker: String) {
        let folder = try Files.makePrivateDirectory(in: Files.temporaryDirectory, prefix: "tvp-fold-")
        let worker = "\(folder)/tvp-test-worker"
        try FileManager.default.createSymbolicLink(atPath: worker, withDestinationPath: Files.currentExecutablePath()!)
        return (folder, worker)
    }

    @Test("a scenario sweeps its parameters, checks them, and labels its cells")
    func scenario() throws {
        let scenario = try ScenarioLoader.parse("workloads: { fold: { words: [100, 2000], mix: add } }\nmodes: [serial, threads]\n", source: "f.yaml")
        #expect(scenario.workloads.map(\.label) == ["fold[100 add]", "fold[2000 add]"])
        #expect(scenario.workloads.first?.as(FoldWorkload.self)?.buffer == 4096)
        #expect { try ScenarioLoader.parse("workloads: { fold: { mix: mul } }\n", source: "f.yaml") } throws: { error in
            "\(error)".contains("f.yaml:1: `workloads.fold.mix`: must be `xor` or `add`")
        }
        #expect { try ScenarioLoader.parse("workloads: { fold: { wrods: 3 } }\n", source: "f.yaml") } throws: { error in
            "\(error)".contains("did you mean `words`?")
        }
    }

    @Test("it runs under every mode, processes included, with the serial digest", arguments: Mode.allCases)
    func everyMode(mode: Mode) throws {
        let (folder, worker) = try workerLink()
        defer { Files.removeTree(folder) }
        let workload = Workload(FoldWorkload(words: 3_000, buffer: 1024, mix: "add"))
        var runner = InProcessTasks(workload: workload, input: .none)
        let reference = TaskDigest.combining(try (0..<7).map { try runner.run(task: $0) })
        let result = mode.executor(workerPath: worker).run(ExecutionRequest(workload: workload, tasks: 7, workers: 2))
        #expect(result.errorSummary == nil, "\(result.errorSummary ?? "")")
        #expect(result.combinedDigest == reference)
        // Another variant is another digest: the parameters reached the worker.
        let xor = mode.executor(workerPath: worker).run(ExecutionRequest(workload: Workload(FoldWorkload(words: 3_000, buffer: 1024, mix: "xor")),
                                                                         tasks: 7, workers: 2))
        #expect(xor.combinedDigest != nil && xor.combinedDigest != reference)
    }

    @Test("trials.csv columns, the task spec and tvp list come from the declaration")
    func derived() throws {
        let workload = Workload(FoldWorkload(words: 77, buffer: 64, mix: "xor"))
        #expect(workload.parameters.map(\.name) == ["words", "buffer", "mix"])
        var row = Dictionary(uniqueKeysWithValues: workload.parameters.map { ($0.name, $0.value) })
        row["workload"] = "fold"
        #expect(try Workload(csvRow: TrialRowFields(row)) == workload)
        #expect(TaskSpec.encode(workload) == "fold;words=77;buffer=64;mix=xor")
        #expect(try TaskSpec.decodeWorkload(TaskSpec.encode(workload)) == workload)
        #expect(WorkloadCatalog.text().contains("fold") && WorkloadCatalog.markdown().contains("| `fold` | `buffer` | size 8B–1MiB | `4KiB` |"))
    }
}

@Suite("docs/workloads.md")
struct WorkloadDocsTests {
    @Test("its parameter table is the one the declarations make (`tvp list --markdown`)")
    func parameterTable() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let page = try String(contentsOf: root.appendingPathComponent("docs/workloads.md"), encoding: .utf8)
        let start = "<!-- workload-parameters: generated by `tvp list --markdown` -->\n", end = "<!-- end of workload-parameters -->"
        guard let from = page.range(of: start), let to = page.range(of: end, range: from.upperBound..<page.endIndex) else {
            Issue.record("docs/workloads.md has no generated parameter table between its markers")
            return
        }
        // Built-in workloads only: a test's own workload is not documented.
        let builtIn = WorkloadCatalog.markdown().split(separator: "\n", omittingEmptySubsequences: false)
            .filter { line in !TestWorkloads.all.contains { line.hasPrefix("| `\($0.name)` |") } }.joined(separator: "\n")
        #expect(String(page[from.upperBound..<to.lowerBound]) == builtIn,
                "docs/workloads.md's table differs from the declarations: paste the output of `tvp list --markdown` between the markers")
    }
}
