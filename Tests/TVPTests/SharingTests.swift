import Foundation
import Testing
import TVPSystem
import TVPWorkloads
@testable import TVPAnalysis
@testable import TVPMeasure
@testable import TVPPlan
@testable import TVPResults
@testable import TVPRun

/// `tally`, `alloc` and `refs` in every mode: final tables that agree, the race that loses
/// updates, and the life of the shared-memory table under process modes.
@Suite("Sharing: tally, alloc and refs across modes", .serialized)
struct SharingTests {
    /// Runs one trial of `workload` under `mode` as the runner does: its shared state staged
    /// before, removed after, the tables merged by `runTrial`.
    static func trial(_ workload: Workload, _ mode: Mode, workers: Int = 2, tasks: Int, workerPath: String = builtWorkerPath,
                      timeout: Double = 300) async throws -> ExecutionResult {
        let cell = Cell(workload: workload, mode: mode, workers: workers, tasks: tasks)
        let staged = try #require(try InputSet.stageSharedState(cell) { InputSet.stagedCount.add(1, ordering: .relaxed).newValue })
        defer { staged.remove() }
        let request = ExecutionRequest(workload: cell.workload, input: staged.input, tasks: tasks, workers: workers,
                                       taskTimeoutSeconds: timeout)
        return try await onOwnThread { mode.executor(workerPath: workerPath).runTrial(request) }
    }

    static let syncs: [TallyWorkload] = [
        .init(updates: 20_000, bins: 64, sync: .mutex, layout: .packed),
        .init(updates: 20_000, bins: 64, sync: .swiftMutex, layout: .packed),
        .init(updates: 20_000, bins: 64, sync: .atomic, layout: .packed),
        .init(updates: 20_000, bins: 64, sync: .local, layout: .packed),
        .init(updates: 20_000, bins: 64, sync: .local, layout: .padded),
    ]

    @Test("every sync but racy ends with the same table in every mode: the one counted plainly", arguments: syncs)
    func tablesAgree(tally: TallyWorkload) async throws {
        let expected = tally.expectedDigest(tasks: 5)
        let modes = Mode.allCases.filter { Workload.tally(tally).runs(under: $0) }
        #expect(modes.count == (tally.sync == .swiftMutex ? Mode.allCases.count - 2 : Mode.allCases.count))
        for mode in modes {
            let result = try await Self.trial(.tally(tally), mode, tasks: 5)
            #expect(result.errorSummary == nil, "\(mode): \(result.errorSummary ?? "")")
            #expect(result.tally?.lostUpdates == 0, "\(mode)")
            #expect(result.combinedDigest == expected, "\(mode)")
        }
    }

    @Test("racy loses no update serially, nor under the GIL model (threads switch only between updates)")
    func racyAlone() async throws {
        let racy = TallyWorkload(updates: 200_000, bins: 4, sync: .racy, layout: .packed)
        for mode in [Mode.serial, .gil] {
            let result = try await Self.trial(.tally(racy), mode, tasks: 4)
            #expect(result.tally?.lostUpdates == 0, "\(mode)")
            #expect(result.combinedDigest == racy.expectedDigest(tasks: 4), "\(mode)")
        }
    }

    @Test("racy under 2 threads with millions of updates loses some, and never counts more than were made")
    func racyLoses() async throws {
        guard ProcFS.usableCPUs() >= 2 else {
            print("skipped: racy needs 2 usable CPUs to race (this machine lets tvp use \(ProcFS.usableCPUs()))")
            return
        }
        // 4 bins: whenever the two threads do run at once, their updates collide often.
        let racy = TallyWorkload(updates: 2_000_000, bins: 4, sync: .racy, layout: .packed)
        let expected = racy.expectedTotals(tasks: 2)
        var lost: [Int] = []
        // Both threads must run at the same moment to race; on a machine busy with other work they
        // may take turns on one CPU for a whole trial, so the trial is repeated until one loses.
        for _ in 0..<30 where lost.allSatisfy({ $0 == 0 }) {
            let result = try await Self.trial(.tally(racy), .threads, tasks: 2)
            let totals = try #require(result.tally)
            #expect(zip(totals.counts, expected).allSatisfy { $0 <= $1 })
            #expect(totals.lostUpdates == 4_000_000 - Int(totals.counts.reduce(0, +)))
            lost.append(totals.lostUpdates)
        }
        #expect(lost.contains { $0 > 0 }, "lost updates per attempt: \(lost)")
    }

    @Test("under process modes a shared table is a shared-memory object the workers map; it is gone once removed")
    func sharedTableLife() async throws {
        let atomic = TallyWorkload(updates: 50_000, bins: 16, sync: .atomic, layout: .packed)
        let cell = Cell(workload: .tally(atomic), mode: .processPool, workers: 2, tasks: 4)
        let staged = try #require(try InputSet.stageSharedState(cell) { InputSet.stagedCount.add(1, ordering: .relaxed).newValue })
        guard case .tally(let table) = staged.input, let name = table.sharedName else {
            Issue.record("a process mode must stage the table in shared memory")
            return
        }
        #expect(SharedMemoryObject.exists(name))
        let request = ExecutionRequest(workload: cell.workload, input: staged.input, tasks: 4, workers: 2)
        let result = try await onOwnThread { ProcessPoolExecutor(workerPath: builtWorkerPath).runTrial(request) }
        #expect(result.combinedDigest == atomic.expectedDigest(tasks: 4))
        #expect(result.processesSpawned == 2)
        staged.remove()
        #expect(!SharedMemoryObject.exists(name))
        // In-process modes and local tables need no object.
        for (mode, sync) in [(Mode.threads, TallySync.atomic), (.processes, .local)] {
            let other = try #require(try InputSet.stageSharedState(
                Cell(workload: .tally(TallyWorkload(updates: 1, bins: 4, sync: sync, layout: .packed)), mode: mode, workers: 2, tasks: 2)) { 0 })
            guard case .tally(let table) = other.input else { continue }
            #expect(table.sharedName == nil, "\(mode) \(sync)")
        }
    }

    @Test("a worker that dies (killed) fails its trial; the table existed while it ran and is removed after, in every trial")
    func tableRemovedWhenWorkersDie() throws {
        let workers = try ScriptWorkers()
        defer { workers.remove() }
        // Records the table named in its input, then dies as a crashing worker would.
        let dies = try workers.script("dies", """
            case "$3" in table=*) name=${3#table=}; name=${name%%;*}; [ -e "/dev/shm$name" ] && echo "$name" >> \(workers.directory)/seen ;; esac
            kill -KILL $$
            """)
        let out = try Files.makePrivateDirectory(in: Files.temporaryDirectory, prefix: "tvp-test-")
        defer { Files.removeTree(out) }
        let text = """
            name: dying
            repetitions: 2
            warmup: 0
            tasks: 2
            workers: [2]
            modes: [serial, processes, process-pool]
            workloads: { tally: { updates: 1000, bins: 8, sync: [mutex, atomic, racy, local] } }
            """
        let scenario = try ScenarioLoader.parse(text, source: "dying.yaml")
        let report = try ScenarioRun(scenario: scenario, scenarioPath: "dying.yaml", scenarioText: text,
                                options: RunOptions(outDirectory: out, workerPath: dies)).run()
        // 4 syncs × 2 process modes × 2 repetitions fail; the serial ones pass.
        #expect(report.failures.count == 16, "\(report.failures.map { $0.error ?? "" }.prefix(2))")
        #expect(report.failures.allSatisfy { $0.cell.mode.usesProcesses })
        let seen = try String(contentsOfFile: "\(workers.directory)/seen", encoding: .utf8).split(separator: "\n")
        // Every worker of the 3 shared syncs saw its trial's table: 2 tasks (processes) or 2 workers (pool) each.
        #expect(Set(seen).count == 3 * 2 * 2, "\(seen)")
        // This run's tables are gone (other tests in this process may hold tables of their own now).
        let left = Set(SharedInputTests.ownSharedMemoryObjects().map { "/" + $0 })
        #expect(left.isDisjoint(with: seen.map(String.init)), "left: \(left)")
    }

    @Test("alloc and refs digests agree across every mode", arguments: [
        Workload.alloc(AllocWorkload(updates: 30_000, objects: 200, objectSize: 48)),
        .refs(RefsWorkload(updates: 50_000, nodes: 32, graph: .shared)),
        .refs(RefsWorkload(updates: 50_000, nodes: 32, graph: .perWorker)),
    ])
    func allocAndRefsAgree(workload: Workload) async throws {
        var digests: [String: TaskDigest?] = [:]
        for mode in Mode.allCases {
            let cell = Cell(workload: workload, mode: mode, workers: 2, tasks: 5)
            let staged = try InputSet.stageSharedState(cell) { 0 } ?? StagedInput(input: .none, remove: {})
            let request = ExecutionRequest(workload: cell.workload, input: staged.input, tasks: 5, workers: 2)
            digests[cell.label] = try await onOwnThread { mode.executor(workerPath: builtWorkerPath).runTrial(request) }.combinedDigest
        }
        let values = Set(digests.values.map { $0?.hex ?? "failed" })
        #expect(values.count == 1 && !values.contains("failed"), "\(digests)")
    }
}

@Suite("Sharing: scenarios, labels, CSV and expectations")
struct SharingScenarioTests {
    static let text = """
        name: sharing-test
        repetitions: 3
        warmup: 0
        tasks: 4
        workers: [1, 2]
        modes: [serial, threads, processes, process-pool]
        workloads:
          tally: { sync: [mutex, swift-mutex, atomic, local, racy], layout: [packed, padded] }
          alloc: { objects: [100, 1000] }
          refs: { graph: [shared, private], updates: 1_000_000 }
        expect:
          - "threads.per_update(tally[mutex], workers: 2) > 2 * threads.per_update(tally[local padded], workers: 2)"
          - "threads.lost(tally[racy], workers: 2) > 0"
          - "serial.lost(tally[racy], workers: 1) <= 0"
        """

    @Test("a sweep gives one variant per sync (layout only for local), Swift's Mutex only in-process, refs under processes private")
    func matrix() throws {
        let scenario = try ScenarioLoader.parse(Self.text, source: "sharing.yaml")
        let tallies = Set(scenario.cells.map(\.workload.label).filter { $0.hasPrefix("tally") })
        #expect(tallies == ["tally[mutex]", "tally[swift-mutex]", "tally[atomic]", "tally[local packed]", "tally[local padded]", "tally[racy]"])
        #expect(scenario.workloads.filter { $0.name == "tally" }.count == 6, "each variant once: \(scenario.workloads.map(\.label))")
        #expect(!scenario.cells.contains { $0.workload.label == "tally[swift-mutex]" && $0.mode.usesProcesses })
        #expect(scenario.cells.filter { $0.workload.label == "tally[swift-mutex]" }.count == 3)
        let refs = scenario.cells.filter { $0.workload.name == "refs" }
        #expect(refs.filter { $0.mode.usesProcesses }.allSatisfy { $0.workload.label == "refs[private 1M]" })
        #expect(refs.filter { $0.mode.usesProcesses }.count == 4)
        #expect(Set(scenario.cells.filter { $0.workload.name == "alloc" }.map(\.workload.label)) == ["alloc[100x64B]", "alloc[1000x64B]"])
    }

    @Test("bad sharing parameters are reported with file, line and a hint", arguments: [
        ("tally: { sync: spinlock }", "workloads.tally.sync"),
        ("tally: { layout: paded }", "did you mean `padded`"),
        ("tally: { bins: 0 }", "workloads.tally.bins"),
        ("alloc: { object_size: 4 }", "workloads.alloc.object_size"),
        ("refs: { graph: own }", "`shared`, `private`"),
        ("refs: { node: 3 }", "did you mean `nodes`"),
    ])
    func badParameters(workloads: String, message: String) {
        let text = "name: bad\nworkloads:\n  \(workloads)\n"
        #expect { try ScenarioLoader.parse(text, source: "bad.yaml") } throws: { error in
            "\(error)".contains(message) && "\(error)".contains("bad.yaml:3")
        }
    }

    @Test("per_update and lost are checked against the workload when the scenario loads")
    func metricsChecked() {
        for (expectation, message) in [("threads.per_update(cpu, workers: 2) < 1", "per_update is measured on workloads that count updates"),
                                       ("threads.lost(alloc, workers: 2) < 1", "lost counts the updates missing from a tally table")] {
            let text = "name: m\nmodes: [serial, threads]\nworkers: [2]\nworkloads: { cpu: {}, alloc: {} }\nexpect: [\"\(expectation)\"]\n"
            #expect { try ScenarioLoader.parse(text, source: "m.yaml") } throws: { "\($0)".contains(message) }
        }
    }

    /// A counted trial of `cell` taking `wall` seconds, with `lost` updates missing.
    static func sample(_ cell: Cell, wall: Double, lost: Int?) -> TrialSample {
        var row: [String: String] = ["workload": cell.workload.name, "mode": cell.mode.rawValue, "workers": String(cell.workers),
                                     "tasks": String(cell.tasks), "wall_s": String(wall), "ok": "true", "warmup": "false"]
        for (name, value) in cell.workload.parameters { row[name] = value }
        if let lost { row["lost_updates"] = String(lost) }
        return TrialSample(row: row)!
    }

    @Test("summaries give the cost per update and the median lost updates; the expectations read them")
    func summariesAndExpectations() throws {
        let scenario = try ScenarioLoader.parse(Self.text, source: "sharing.yaml")
        let cells = scenario.cells
        func cell(_ label: String, _ mode: Mode, _ workers: Int) throws -> Cell {
            try #require(cells.first { $0.workload.label == label && $0.mode == mode && $0.workers == workers })
        }
        // 4 tasks × 5 M updates: 1 s is 50 ns per update.
        let samples = [
            Self.sample(try cell("tally[mutex]", .threads, 2), wall: 1, lost: 0),
            Self.sample(try cell("tally[local padded]", .threads, 2), wall: 0.1, lost: 0),
            Self.sample(try cell("tally[racy]", .threads, 2), wall: 0.14, lost: 1_200),
            Self.sample(try cell("tally[racy]", .threads, 2), wall: 0.14, lost: 3_000),
            Self.sample(try cell("tally[racy]", .threads, 2), wall: 0.14, lost: 0),
            Self.sample(try cell("tally[racy]", .serial, 1), wall: 0.2, lost: 0),
            Self.sample(try cell("alloc[100x64B]", .threads, 2), wall: 0.2, lost: nil),
        ]
        let summaries = Summarizer(usableCPUs: 2).summarize(samples, cellOrder: cells)
        let mutex = try #require(summaries.first { $0.cell?.workload.label == "tally[mutex]" })
        #expect(abs((mutex.perUpdateNanoseconds ?? 0) - 50) < 1e-9)
        let racy = try #require(summaries.first { $0.cell?.workload.label == "tally[racy]" && $0.cell?.mode == .threads })
        #expect(racy.lostUpdatesMedian == 1_200)
        let alloc = try #require(summaries.first { $0.cell?.workload.name == "alloc" })
        #expect(alloc.lostUpdatesMedian == nil && abs((alloc.perUpdateNanoseconds ?? 0) - 50) < 1e-9)
        let fields = SummaryCSV.fields(racy, scenario: "s")
        let column = { (name: String) in fields[SummaryCSV.header.firstIndex(of: name)!] }
        #expect(column("lost_updates_median") == "1200" && column("sync") == "racy" && column("layout") == "")
        let results = ExpectationEvaluator.evaluate(try ExpectationParser.expectations(of: scenario, source: "s"), summaries: summaries)
        #expect(results.map(\.passed) == [true, true, true], "\(results.map(\.line))")
    }

    @Test("trials.csv rows of the sharing workloads read back as the same cells")
    func csvRoundTrip() throws {
        let scenario = try ScenarioLoader.parse(Self.text, source: "sharing.yaml")
        for cell in scenario.cells {
            var row = Dictionary(uniqueKeysWithValues: zip(TrialsCSV.parameterColumns, TrialsCSV.parameterColumns.map { _ in "" }))
            for (name, value) in cell.workload.parameters { row[name] = value }
            row["workload"] = cell.workload.name
            let parsed = try Workload(csvRow: TrialRowFields(row))
            #expect(parsed.label == cell.workload.label)
        }
    }
}
