import Foundation
import Testing
@testable import TVPSystem
import TVPWorkloads
@testable import TVPMeasure
@testable import TVPPlan
@testable import TVPResults
import TVPAnalysis

/// The `affinity` key: read, swept, checked, placed, recorded, and refused where the kernel refuses.
@Suite("Affinity", .serialized)
struct AffinityTests {
    static let base = """
        name: t
        tasks: 4
        workloads:
          null: {}
        modes: [serial, threads]
        workers: [2]

        """

    @Test("absent, the placement is `any` and the cells and their labels are as before")
    func defaultIsAny() throws {
        let scenario = try ScenarioLoader.parse(Self.base, source: "t.yaml")
        #expect(scenario.affinities == [.any])
        #expect(scenario.cells.map(\.label) == ["null serial×1", "null threads×2"])
    }

    @Test("a scalar places every cell; a list is swept like workers, each placement a cell named by it")
    func scalarAndSweep() throws {
        let packed = try ScenarioLoader.parse(Self.base + "affinity: packed\n", source: "t.yaml")
        #expect(packed.cells.map(\.affinity) == [.packed, .packed])
        #expect(packed.cells.map(\.label) == ["null serial×1 packed", "null threads×2 packed"])
        let swept = try ScenarioLoader.parse(Self.base + "affinity: [spread, any, packed, any]\n", source: "t.yaml")
        #expect(swept.affinities == [.spread, .any, .packed])
        #expect(swept.cells.count == 2 * 3)
        #expect(Set(swept.cells.map(\.label)).count == 6)
        // Each cell's speedup is measured against the serial cell of its own placement.
        #expect(swept.cells.allSatisfy { $0.serialBaseline.affinity == $0.affinity })
    }

    @Test("a bad placement names the file, the line, the key and the fix, before anything runs",
          arguments: [("affinity: pakced", 7, "did you mean `packed`"), ("affinity: [any, 3]", 7, "unknown placement '3'"),
                      ("affinity: []", 7, "give at least one placement"), ("affinity: { a: 1 }", 7, "expected a list")])
    func badValue(line: String, number: Int, message: String) throws {
        do {
            _ = try ScenarioLoader.parse(Self.base + line + "\n", source: "bad.yaml")
            Issue.record("\(line) was accepted")
        } catch let error as ScenarioError {
            #expect(error.description.contains("bad.yaml:\(number): `affinity`"), "\(error)")
            #expect(error.description.contains(message), "\(error)")
        }
    }

    @Test("expectations name a swept cell's placement, and must when the scenario sweeps it")
    func expectations() throws {
        let swept = Self.base + "affinity: [any, packed]\nexpect:\n"
        _ = try ScenarioLoader.parse(swept + "  - \"threads.wall(null, workers: 2, affinity: packed) < threads.wall(null, workers: 2, affinity: any)\"\n",
                                     source: "t.yaml")
        for (line, message) in [("threads.wall(null, workers: 2) < 1", "sweeps `affinity`"),
                                ("threads.wall(null, workers: 2, affinity: spread) < 1", "not in this scenario's `affinity`"),
                                ("threads.wall(null, workers: 2, packed) < 1", "is not a placement")] {
            do {
                _ = try ScenarioLoader.parse(swept + "  - \"\(line)\"\n", source: "t.yaml")
                Issue.record("\(line) was accepted")
            } catch let error as ScenarioError {
                #expect(error.description.contains("t.yaml:9: `expect`") && error.description.contains(message), "\(error)")
            }
        }
        // One placement, named or not, is the scenario's.
        _ = try ScenarioLoader.parse(Self.base + "affinity: spread\nexpect:\n  - \"threads.wall(null, workers: 2) < 100\"\n", source: "t.yaml")
    }

    @Test("worker i gets usable CPU i mod n under spread, the first under packed, nothing under any")
    func cpuChoice() {
        let usable = [1, 3, 6]
        #expect((0..<5).map { Affinity.spread.cpus(forWorker: $0, of: usable)! } == [[1], [3], [6], [1], [3]])
        #expect((0..<3).map { Affinity.packed.cpus(forWorker: $0, of: usable)! } == [[1], [1], [1]])
        #expect(Affinity.any.cpus(forWorker: 0, of: usable) == nil)
        #expect(Affinity.packed.measuringThreadCPUs(of: usable) == [1])
        #expect(Affinity.spread.measuringThreadCPUs(of: usable) == nil)
        #expect(Affinity.spread.cpusUsed(workers: 2, of: usable) == [1, 3])
        #expect(Affinity.spread.cpusUsed(workers: 8, of: [4]) == [4])
    }

    @Test("the CPU list of the affinity mask reads ranges and single ids")
    func cpuList() {
        #expect(ProcFS.cpuList("0-3,6\n") == [0, 1, 2, 3, 6])
        #expect(ProcFS.cpuList(" 1") == [1])
        #expect(CPUAffinity.allowedCPUs() == (try? CPUAffinity.currentThreadCPUs()))
    }

    @Test("trials.csv and summary.csv record the placement; files of schema 5 read as `any`")
    func recorded() throws {
        let cell = Cell(workload: .null, mode: .threads, workers: 2, tasks: 4, affinity: .spread)
        var trial = TrialSample(cell: cell, isWarmup: false, ok: true, wallSeconds: 0.5)
        trial.digest = .zero
        let header = TrialsCSV.header
        #expect(header.firstIndex(of: "affinity") == header.firstIndex(of: "tasks")! + 1)
        var row = Dictionary(uniqueKeysWithValues: zip(header, TrialsCSV.fields(trial, scenario: "t")))
        #expect(row["affinity"] == "spread")
        #expect(try TrialsCSV.trial(row).cell == cell)
        row["affinity"] = nil
        row["schema_version"] = "5"
        #expect(try TrialsCSV.trial(row).cell.affinity == .any)
        row["affinity"] = "pinned"
        #expect(throws: TrialRowProblem.self) { try TrialsCSV.trial(row) }

        var summary = CellSummary(cell: cell)
        summary.n = 1
        summary.wallMedian = 0.5
        let summaryRow = Dictionary(uniqueKeysWithValues: zip(SummaryCSV.header, SummaryCSV.fields(summary, scenario: "t")))
        #expect(summaryRow["affinity"] == "spread")
        #expect(SummaryCSV.summary(summaryRow)?.cell == cell)
    }

    @Test("a packed trial runs with the measuring thread on the packed CPU and gives it its mask back")
    func measuringThreadRestored() throws {
        let before = try CPUAffinity.currentThreadCPUs()
        let usable = CPUAffinity.allowedCPUs()
        for affinity in [Affinity.packed, .spread] {
            let trial = PlannedTrial(cell: Cell(workload: .null, mode: .threads, workers: 2, tasks: 4, affinity: affinity),
                                     round: 1, position: 1, isWarmup: false, repetition: 1)
            let sample = TrialMeasurer(workerPath: builtWorkerPath, taskTimeoutSeconds: 60, usableCPUs: usable)
                .measure(trial, input: .none, expectedDigest: nil)
            #expect(sample.ok, "\(sample.error ?? "")")
            #expect(try CPUAffinity.currentThreadCPUs() == before)
        }
        // Inside the placement the calling thread is on the packed CPU.
        let inside = Placement(affinity: .packed, usableCPUs: usable).withCallingThread(on: [usable[0]]) {
            (try? CPUAffinity.currentThreadCPUs()) ?? []
        } failed: { _ in [] }
        #expect(inside == [usable[0]])
        #expect(try CPUAffinity.currentThreadCPUs() == before)
    }

    @Test("a CPU the kernel refuses fails every mode's trial with the key and the reason, without running a task",
          arguments: [Mode.serial, .threads, .processes, .processPool, .gil, .async], [Affinity.packed, .spread])
    func refused(mode: Mode, affinity: Affinity) throws {
        let before = try CPUAffinity.currentThreadCPUs()
        let trial = PlannedTrial(cell: Cell(workload: .null, mode: mode, workers: 2, tasks: 4, affinity: affinity),
                                 round: 1, position: 1, isWarmup: false, repetition: 1)
        // No machine here has CPU 8000: sched_setaffinity fails with EINVAL, a real refusal.
        let sample = TrialMeasurer(workerPath: builtWorkerPath, taskTimeoutSeconds: 60, usableCPUs: [8000])
            .measure(trial, input: .none, expectedDigest: nil)
        #expect(!sample.ok)
        #expect(sample.error?.contains("`affinity: \(affinity.rawValue)` cannot be applied here") == true, "\(sample.error ?? "")")
        #expect(sample.error?.contains("errno 22") == true, "\(sample.error ?? "")")
        #expect(sample.processesSpawned == 0 && sample.threadsCreated == 0)
        #expect(sample.wallSeconds > 0)
        #expect(try CPUAffinity.currentThreadCPUs() == before)
    }

    @Test("each executor refuses by itself too when a worker's mask cannot be set", arguments: [Mode.serial, .threads, .processes, .processPool, .async])
    func executorRefuses(mode: Mode) throws {
        var request = ExecutionRequest(workload: .null, tasks: 3, workers: 2)
        request.placement = Placement(affinity: .spread, usableCPUs: [8000])
        let result = mode.executor(workerPath: builtWorkerPath).run(request)
        #expect(result.outcomes.count == 3)
        #expect(result.outcomes.allSatisfy { $0.error?.contains("`affinity: spread` cannot be applied here") == true },
                "\(result.errorSummary ?? "")")
    }

    @Test("async under packed pins the cooperative threads that ran tasks and restores them after")
    func asyncRestores() throws {
        let usable = CPUAffinity.allowedCPUs()
        var request = ExecutionRequest(workload: .null, tasks: 16, workers: 4)
        request.placement = Placement(affinity: .packed, usableCPUs: usable)
        let result = AsyncExecutor().run(request)
        #expect(result.errorSummary == nil)
        // After the trial no thread of tvp's process is left on the packed CPU alone (unless it is the only one).
        guard usable.count >= 2 else { return }
        for task in Files.directoryEntries("/proc/self/task") {
            guard let thread = Int32(task), let cpus = try? CPUAffinity.cpus(ofThread: thread) else { continue }
            #expect(cpus != [usable[0]], "thread \(thread) still pinned")
        }
    }
}
