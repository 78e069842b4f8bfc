import Foundation
import Testing
import TVPSystem
import TVPWorkloads
@testable import TVPAnalysis
@testable import TVPMeasure
@testable import TVPPlan
@testable import TVPResults
@testable import TVPRun

/// The `shared` and `mixed` workloads across every mode and transfer, the clean-up of the copies a
/// trial makes, and the crossover derived from `mixed` cells.
@Suite("Shared input, mixed tasks and the crossover", .serialized)
struct SharedInputTests {
    /// Shared-memory objects of this process: the names `InputSet` gives (`/tvp-PID-N`).
    static func ownSharedMemoryObjects() -> [String] {
        Files.directoryEntries("/dev/shm").filter { $0.hasPrefix("tvp-\(currentProcessID())-") }
    }

    /// This process's shm objects once those of trials still running in other suites (which run in
    /// parallel in this process) have had up to 10 s to end: empty unless one was left behind.
    static func ownSharedMemoryObjectsLeft() -> [String] {
        let deadline = MonotonicInstant.now().nanoseconds + 10_000_000_000
        var left = ownSharedMemoryObjects()
        while !left.isEmpty, MonotonicInstant.now().nanoseconds < deadline {
            usleep(50_000)
            left = ownSharedMemoryObjects()
        }
        return left
    }

    /// Runs `workload` in every mode (and, for `shared`, every transfer) as a trial would, each
    /// with its input staged by an `InputSet`, and returns the combined digest of each.
    static func digests(_ workload: Workload, tasks: Int, modes: [Mode]) async throws -> [String: TaskDigest?] {
        let inputs = try InputSet(workloads: [workload], tasks: { _ in tasks })
        defer { inputs.remove() }
        var variants: [Workload] = [workload]
        if let shared = workload.as(SharedWorkload.self) {
            variants = Transfer.processTransfers.map { .shared(SharedWorkload(inputSize: shared.inputSize, transfer: $0)) }
        }
        var digests: [String: TaskDigest?] = [:]
        for variant in variants {
            for mode in modes {
                let cell = Cell(workload: variant, mode: mode, workers: 3, tasks: tasks)
                let staged = try inputs.stage(cell)
                defer { staged.remove() }
                let request = ExecutionRequest(workload: cell.workload, input: staged.input, tasks: tasks, workers: 3)
                digests[cell.label] = try await onOwnThread { mode.executor(workerPath: builtWorkerPath).run(request) }.combinedDigest
            }
        }
        return digests
    }

    @Test("shared digests agree across every mode and every transfer (pipe, file, shm), and match serial")
    func sharedDigests() async throws {
        let shared = SharedWorkload(inputSize: 3 << 20, transfer: .pipe)
        let digests = try await Self.digests(.shared(shared), tasks: 7, modes: Mode.allCases)
        let serial = try #require(digests[Cell(workload: .shared(shared), mode: .serial, workers: 3, tasks: 7).label] ?? nil)
        // 4 in-process modes read in place once each; 2 process modes × 3 transfers.
        #expect(digests.count == Mode.allCases.filter { !$0.usesProcesses }.count + 2 * 3, "\(digests.keys.sorted())")
        for (label, digest) in digests { #expect(digest == serial, "\(label)") }
        #expect(Self.ownSharedMemoryObjectsLeft().isEmpty)
    }

    @Test("mixed digests agree across every mode, and do not depend on the sleeping share")
    func mixedDigests() async throws {
        let mixed = MixedWorkload(taskNanoseconds: 2_000_000, cpuShare: 0.5, hashBytes: 150_000)
        let digests = try await Self.digests(.mixed(mixed), tasks: 6, modes: Mode.allCases)
        let values = Set(digests.values.map { $0?.hex ?? "failed" })
        #expect(digests.count == Mode.allCases.count)
        #expect(values.count == 1 && !values.contains("failed"), "\(digests)")
        let lessSleep = MixedWorkload(taskNanoseconds: 1_000_000, cpuShare: 0.9, hashBytes: 150_000)
        #expect(SerialExecutor().run(ExecutionRequest(workload: .mixed(lessSleep), tasks: 6, workers: 1)).combinedDigest?.hex == values.first)
    }

    @Test("the pool ships slices to the same 2 processes: 24 tasks, 2 spawns, 2 pids, every slice's transfer timed")
    func poolShipsSlices() throws {
        let shared = SharedWorkload(inputSize: 6 << 20, transfer: .pipe)
        let input = try shared.makeInput()
        defer { input.release() }
        let request = ExecutionRequest(workload: .shared(shared), input: .shared(SharedSource(slices: 24, location: .memory(input))),
                                       tasks: 24, workers: 2)
        let result = ProcessPoolExecutor(workerPath: builtWorkerPath).run(request)
        #expect(result.errorSummary == nil)
        #expect(result.processesSpawned == 2 && Set(result.outcomes.map(\.processID)).count == 2)
        #expect(result.outcomes.allSatisfy { $0.transferNanoseconds > 0 })
        #expect(result.bytesTransferred == 6 << 20)
        #expect(result.poolStartNanoseconds != nil)
        #expect(result.combinedDigest == SerialExecutor().run(request).combinedDigest)
    }

    @Test("file and shm copies are removed after each trial, also when every worker fails; nothing is left after the run")
    func cleanUp() throws {
        let workers = try ScriptWorkers()
        defer { workers.remove() }
        let failing = try workers.script("fails", "echo 'error no luck'\nexit 3")
        let out = try Files.makePrivateDirectory(in: Files.temporaryDirectory, prefix: "tvp-test-")
        defer { Files.removeTree(out) }
        let text = """
            name: cleanup
            repetitions: 2
            warmup: 0
            tasks: 4
            workers: [2]
            modes: [serial, processes, process-pool]
            workloads: { shared: { input_size: 1MiB, transfer: [file, shm] } }
            """
        let scratch = try Files.makePrivateDirectory(in: Files.temporaryDirectory, prefix: "tvp-test-")
        defer { Files.removeTree(scratch) }
        for workerPath in [failing, builtWorkerPath] {
            let scenario = try ScenarioLoader.parse(text, source: "cleanup.yaml")
            var options = RunOptions(outDirectory: out, workerPath: workerPath)
            options.scratchDirectory = scratch
            let report = try ScenarioRun(scenario: scenario, scenarioPath: "cleanup.yaml", scenarioText: text, options: options).run()
            let processTrials = report.meta.trialsCompleted - 2
            #expect(processTrials == 8)
            // The failing worker fails every process trial; the real one none.
            #expect(report.failures.count == (workerPath == failing ? processTrials : 0),
                    "\(report.failures.map { $0.error ?? "" }.prefix(2))")
            #expect(Self.ownSharedMemoryObjectsLeft().isEmpty)
            #expect(Files.directoryEntries(scratch).isEmpty)
        }
    }

    @Test("the staged copies exist during the trial, under the names the workers are given")
    func stagedCopies() throws {
        let shared = SharedWorkload(inputSize: 100_000, transfer: .shm)
        let inputs = try InputSet(workloads: [.shared(shared)], tasks: { _ in 4 })
        defer { inputs.remove() }
        let shm = try inputs.stage(Cell(workload: .shared(shared), mode: .processes, workers: 2, tasks: 4))
        guard case .shared(let source) = shm.input, case .sharedMemory(let name) = source.location else {
            Issue.record("an shm transfer must stage a shared-memory object")
            return
        }
        #expect(SharedMemoryObject.exists(name))
        shm.remove()
        #expect(!SharedMemoryObject.exists(name))
        let file = try inputs.stage(Cell(workload: .shared(SharedWorkload(inputSize: 100_000, transfer: .file)), mode: .processes, workers: 2, tasks: 4))
        guard case .shared(let fileSource) = file.input, case .file(let path) = fileSource.location else {
            Issue.record("a file transfer must stage a file")
            return
        }
        #expect(try Files.readAll(path).count == 100_000)
        file.remove()
        #expect(!Files.exists(path))
        // Threads read the input in place whatever transfer the scenario named.
        let inPlace = try inputs.stage(Cell(workload: .shared(shared), mode: .threads, workers: 2, tasks: 4))
        guard case .shared(let memory) = inPlace.input, case .memory = memory.location else {
            Issue.record("threads must read the input in place")
            return
        }
    }

    @Test("pools report their start-up apart; modes without a pool do not")
    func poolStartup() {
        let request = ExecutionRequest(workload: .null, tasks: 20, workers: 2)
        #expect(ThreadPoolExecutor().run(request).poolStartNanoseconds != nil)
        #expect(ProcessPoolExecutor(workerPath: builtWorkerPath).run(request).poolStartNanoseconds.map { $0 > 0 } == true)
        #expect(SerialExecutor().run(request).poolStartNanoseconds == nil)
        #expect(ProcessExecutor(workerPath: builtWorkerPath).run(request).poolStartNanoseconds == nil)
    }
}

@Suite("Scenario loading: shared and mixed")
struct SharedScenarioTests {
    @Test("a transfer sweep gives one cell per process mode and transfer, and one in-place cell per in-process mode")
    func transferSweep() throws {
        let scenario = try ScenarioLoader.parse("""
            workers: [2]
            modes: [serial, threads, processes, process-pool]
            workloads:
              shared: { input_size: [16MiB, 64MiB], transfer: [pipe, file, shm], tasks: 8 }
              null: {}
            tasks: 100
            expect:
              - "threads.wall(shared[16MiB], workers: 2) < process-pool.wall(shared[16MiB pipe], workers: 2)"
            """, source: "s.yaml")
        let shared = scenario.cells.filter { $0.workload.name == "shared" }
        #expect(shared.count == 2 * (2 + 2 * 3))
        #expect(Set(shared.map(\.label)).count == shared.count)
        #expect(shared.filter { $0.mode == .threads }.map(\.workload.label) == ["shared[16MiB]", "shared[64MiB]"])
        #expect(shared.allSatisfy { $0.tasks == 8 })
        #expect(scenario.cells.first { $0.workload == .null }?.tasks == 100)
        // The speedup of a process mode's cell is against the in-place serial cell.
        let pipe = try #require(shared.first { $0.mode == .processPool && $0.workload.label == "shared[16MiB pipe]" })
        #expect(scenario.cells.contains(pipe.serialBaseline))
    }

    @Test("mixed sweeps task size and CPU share; its label names both")
    func mixedSweep() throws {
        let scenario = try ScenarioLoader.parse("""
            modes: [threads, processes]
            workers: [2]
            workloads: { mixed: { task_ms: [0.1, 100], cpu_share: [0, 0.25, 1] } }
            """, source: "m.yaml")
        #expect(scenario.workloads.count == 6)
        #expect(scenario.workloads.map(\.label).contains("mixed[0.1ms 0.25cpu]"))
        guard let first = scenario.workloads[0].as(MixedWorkload.self) else { Issue.record("not mixed"); return }
        #expect(first.hashBytes == 0)
    }

    @Test("bad shared and mixed parameters are errors with file, line and the fix", arguments: [
        ("workloads: { shared: { transfer: in-place } }", "s.yaml:1: `workloads.shared.transfer`: must be `pipe`, `file` or `shm`"),
        ("workloads: { shared: { transfer: carrier } }", "s.yaml:1: `workloads.shared.transfer`: must be `pipe`, `file` or `shm`"),
        ("workloads:\n  mixed: { cpu_share: 1.5 }", "s.yaml:2: `workloads.mixed.cpu_share`: must be between 0 and 1"),
        ("workloads:\n  shared: { input_size: 0 }", "s.yaml:2: `workloads.shared.input_size`: must be between"),
        ("workloads:\n  null: { tasks: [1, 2] }", "s.yaml:2: `workloads.null.tasks`: expected a single value"),
    ])
    func badParameters(text: String, message: String) {
        do {
            _ = try ScenarioLoader.parse(text, source: "s.yaml")
            Issue.record("accepted: \(text)")
        } catch {
            #expect("\(error)".contains(message), "\(error)")
        }
    }
}

@Suite("Crossover")
struct CrossoverTests {
    static func sample(_ mode: Mode, taskMilliseconds: Double, share: Double, wall: Double) -> TrialSample {
        let mixed = MixedWorkload(taskNanoseconds: UInt64(taskMilliseconds * 1e6), cpuShare: share, hashBytes: 1)
        var row = ["workload": "mixed", "mode": mode.rawValue, "workers": "2", "tasks": "16", "wall_s": String(wall),
                   "ok": "true", "warmup": "false"]
        for (name, value) in Workload.mixed(mixed).parameters { row[name] = value }
        return TrialSample(row: row)!
    }

    @Test("ratios of thread to process wall times per size and share; the break-even size is the smallest that wins")
    func breakEven() throws {
        var samples: [TrialSample] = []
        for (size, processWall) in [(1.0, 3.0), (10.0, 0.9), (100.0, 0.5)] {
            for jitter in [0.0, 0.01, -0.01] {
                samples.append(Self.sample(.threads, taskMilliseconds: size, share: 1, wall: 1 + jitter))
                samples.append(Self.sample(.processes, taskMilliseconds: size, share: 1, wall: processWall + jitter))
                samples.append(Self.sample(.processPool, taskMilliseconds: size, share: 1, wall: 2 + jitter))
            }
        }
        // At 5 ms the process mode wins on the medians, but within the noise: that is no break-even.
        for (threadWall, processWall) in [(1.0, 0.6), (1.0, 0.95), (1.0, 1.5)] {
            samples.append(Self.sample(.threads, taskMilliseconds: 5, share: 1, wall: threadWall))
            samples.append(Self.sample(.processes, taskMilliseconds: 5, share: 1, wall: processWall))
        }
        let points = Crossover.points(samples, seed: 1)
        #expect(points.count == 7)
        let noisy = try #require(points.first { $0.processMode == .processes && $0.taskMilliseconds == 5 })
        #expect(noisy.ratio > 1 && !noisy.processWins)
        let at10 = try #require(points.first { $0.processMode == .processes && $0.taskMilliseconds == 10 })
        #expect(abs(at10.ratio - 1 / 0.9) < 1e-9 && at10.processWins && at10.ratioCI.contains(at10.ratio))
        let breakEvens = Crossover.breakEvens(points)
        let processes = try #require(breakEvens.first { $0.processMode == .processes })
        #expect(processes.paysOffFromMilliseconds == 10 && processes.bestAtMilliseconds == 100)
        #expect(CrossoverText.verdict(processes).contains("pays off from 10 ms tasks"))
        let pool = try #require(breakEvens.first { $0.processMode == .processPool })
        #expect(pool.paysOffFromMilliseconds == nil && CrossoverText.verdict(pool).contains("never pays off beyond the noise, up to 100 ms tasks"))
    }

    /// Points of threads against processes: for each task size, the process mode's wall time at each share
    /// (thread wall time 1 ± 1 %, process wall time given ± 1 %).
    static func points(_ processWalls: [Double: [Double: Double]]) -> [Crossover.Point] {
        var samples: [TrialSample] = []
        for (size, shares) in processWalls {
            for (share, processWall) in shares {
                for jitter in [0.0, 0.01, -0.01, 0.005, -0.005] {
                    samples.append(sample(.threads, taskMilliseconds: size, share: share, wall: 1 + jitter))
                    samples.append(sample(.processes, taskMilliseconds: size, share: share, wall: processWall + jitter))
                }
            }
        }
        return Crossover.points(samples, seed: 1)
    }

    @Test("a lucky win at one size, lost again at a larger size, does not set the break-even")
    func luckyPoint() throws {
        // Processes win clearly at 3 ms (share 1), lose at 10 ms at every share, and win from 30 ms on.
        let points = Self.points([
            1: [0: 2, 1: 2], 3: [0: 2, 1: 0.7], 10: [0: 2, 1: 1.3], 30: [0: 2, 1: 0.8], 100: [0: 1.5, 1: 0.6],
        ])
        #expect(points.filter(\.processWins).map(\.taskMilliseconds).sorted() == [3, 30, 100])
        let breakEven = try #require(Crossover.breakEvens(points).first)
        #expect(breakEven.paysOffFromMilliseconds == 30)
        #expect(CrossoverText.verdict(breakEven).contains("pays off from 30 ms tasks"))
    }

    @Test("a process mode that loses at the largest size never pays off, whatever it won below")
    func lostAtTheLargestSize() throws {
        let points = Self.points([1: [1: 0.5], 10: [1: 0.5], 100: [0: 1.2, 1: 1.1]])
        let breakEven = try #require(Crossover.breakEvens(points).first)
        #expect(breakEven.paysOffFromMilliseconds == nil)
        #expect(breakEven.bestRatio > 1.9 && breakEven.bestAtMilliseconds < 100)
        // A win only at the largest size measured sets the break-even there.
        let last = try #require(Crossover.breakEvens(Self.points([1: [1: 2], 10: [1: 2], 100: [1: 0.5]])).first)
        #expect(last.paysOffFromMilliseconds == 100)
    }
}
