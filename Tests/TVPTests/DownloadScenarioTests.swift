import Testing
import TVPSystem
import TVPWorkloads
@testable import TVPAnalysis
@testable import TVPMeasure
@testable import TVPPlan
@testable import TVPRun

@Suite("Download scenarios")
struct DownloadScenarioTests {
    func problems(_ text: String) -> String {
        do {
            _ = try ScenarioLoader.parse(text, source: "d.yaml")
            return ""
        } catch {
            return "\(error)"
        }
    }

    @Test("download parameters: defaults, values, a keep_alive sweep")
    func parameters() throws {
        let scenario = try ScenarioLoader.parse("""
            workloads:
              download: { latency_ms: 5, files: 10, file_size: 1KiB, keep_alive: [false, true] }
            modes: [serial, threads]
            workers: [4]
            """, source: "d.yaml")
        #expect(scenario.workloads == [
            .download(DownloadWorkload(files: 10, fileSize: 1_024, latencyNanoseconds: 5_000_000, keepAlive: false)),
            .download(DownloadWorkload(files: 10, fileSize: 1_024, latencyNanoseconds: 5_000_000, keepAlive: true)),
        ])
        #expect(scenario.workloads.map(\.label) == ["download[5ms 10x1KiB close]", "download[5ms 10x1KiB keep-alive]"])
        let defaults = try ScenarioLoader.parse("workloads: { download: {} }", source: "d.yaml")
        #expect(defaults.workloads == [.download(DownloadWorkload(files: 100, fileSize: 16_384, latencyNanoseconds: 50_000_000, keepAlive: false))])
    }

    @Test("bad download parameters name the key and the fix")
    func badParameters() {
        #expect(problems("workloads: { download: { keep_alive: maybe } }").contains("d.yaml:1: `workloads.download.keep_alive`: must be `true` or `false`"))
        #expect(problems("workloads: { download: { files: 0 } }").contains("`workloads.download.files`: must be between 1 and 100000"))
        #expect(problems("workloads: { download: { files: 100000, file_size: 64MiB } }").contains("within 1GiB"))
        #expect(problems("workloads: { download: { latency: 5 } }").contains("unknown key"))
    }

    @Test("workers reach 10,000 and beyond to 16,384, not further")
    func wideWorkers() {
        #expect(problems("workloads: { download: {} }\nworkers: [10000, 16384]") == "")
        #expect(problems("workloads: { download: {} }\nworkers: [20000]").contains("must be between 1 and 16384, got 20000"))
    }

    @Test("tasks_per_worker gives each cell K tasks per worker, never fewer than `tasks`; max_workers caps a mode")
    func tasksPerWorker() throws {
        let scenario = try ScenarioLoader.parse("""
            tasks: 20
            tasks_per_worker: 2
            max_workers: { processes: 100 }
            workloads: { download: {} }
            modes: [serial, threads, processes]
            workers: [1, 100, 1000]
            """, source: "d.yaml")
        let cells = scenario.cells.map { "\($0.mode.rawValue)×\($0.workers):\($0.tasks)" }
        #expect(cells == ["serial×1:20", "threads×1:20", "threads×100:200", "threads×1000:2000", "processes×1:20", "processes×100:200"])
        #expect(problems("workloads: { null: {} }\nmax_workers: { processs: 3 }").contains("unknown mode; did you mean `processes`?"))
    }

    @Test("a cell with more tasks than its serial baseline gets a speedup of throughputs")
    func scaledSpeedup() throws {
        let workload = Workload.download(DownloadWorkload(files: 1, fileSize: 1, latencyNanoseconds: 1, keepAlive: false))
        func sample(_ mode: Mode, workers: Int, tasks: Int, wall: Double) -> TrialSample {
            var sample = TrialSample(row: ["workload": "null", "mode": mode.rawValue, "workers": String(workers),
                                           "tasks": String(tasks), "wall_s": String(wall)])!
            sample.cell = Cell(workload: workload, mode: mode, workers: workers, tasks: tasks)
            sample.ok = true
            return sample
        }
        let samples = [sample(.serial, workers: 1, tasks: 10, wall: 1.0), sample(.serial, workers: 1, tasks: 10, wall: 1.0),
                       sample(.threads, workers: 50, tasks: 100, wall: 0.5), sample(.threads, workers: 50, tasks: 100, wall: 0.5)]
        let summaries = Summarizer(usableCPUs: 2).summarize(samples)
        let threads = try #require(summaries.first { $0.cell?.mode == .threads })
        // Serial: 0.1 s per task, so 100 tasks would take 10 s; threads took 0.5 s.
        #expect(abs((threads.speedup ?? 0) - 20) < 1e-9)
    }

    @Test("a matrix wider than the descriptor limit is refused, naming the cell, the limit and the fix")
    func descriptorBudget() throws {
        let cells = try ScenarioLoader.parse("workloads: { download: {} }\nmodes: [threads, process-pool]\nworkers: [10, 10000]\ntasks_per_worker: 1",
                                             source: "d.yaml").cells
        let problem = try #require(DescriptorBudget.problem(cells, limit: DescriptorLimit(soft: 20_000, hard: 20_000), source: "d.yaml"))
        #expect(problem.hasPrefix("d.yaml: download[50ms 100x16KiB close] process-pool×10000 needs about 30128 open descriptors"))
        #expect(problem.contains("1 cell would fail") && problem.contains("ulimit -Hn"))
        #expect(DescriptorBudget.problem(cells.filter { $0.mode == .threads }, limit: DescriptorLimit(soft: 20_000, hard: 20_000), source: "d.yaml") == nil)
    }

    @Test("raising the descriptor limit sets the soft limit to the hard one")
    func raiseLimit() {
        let raised = DescriptorLimit.raiseToHard()
        #expect(raised.soft == raised.hard)
        #expect(DescriptorLimit.current() == raised)
    }
}
