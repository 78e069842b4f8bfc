import Benchmark
import Foundation
import SystemPackage
import TVPMeasure
import TVPPlan
import TVPSystem
import TVPWorkloads

/// What benchmarks/limits.sh rows a and b measure, as gated micro-benchmarks (issue 27): the whole
/// per-task path of the `threads` executor, and a worker's whole life.
func perTaskPathBenchmarks() {
    // A `threads` trial of a million null tasks on one worker, per task: the hand-out, two clock reads, the
    // outcome written into the trial's array (TaskSlots.collect), as a trial does, threads included.
    // One worker: with two, the figure depends on whether the neighbours leave both cores free.
    Benchmark(
        "threads executor, null task, 1 worker",
        configuration: .init(scalingFactor: .mega,
                             thresholds: Tolerance.timing(percent: Tolerance.perTaskPathPercent))
    ) { benchmark in
        let request = ExecutionRequest(workload: .null, tasks: benchmark.scaledIterations.count, workers: 1)
        benchmark.startMeasurement()
        let result = ThreadPoolExecutor().run(request)
        benchmark.stopMeasurement()
        precondition(result.outcomes.count == request.tasks && result.abandoned == nil, "the threads trial failed")
        blackHole(result)
    }

    // A `process-pool` trial of 10,000 null tasks on one worker, reported per 10 tasks (one scaled
    // iteration; divide by 10 for a task): the task frame written, the worker woken, its result
    // frame read and decoded, the outcome stored: benchmarks/limits.sh row c′. Under `affinity:
    // packed`, as row c′: tvp's thread and the worker share one CPU. Placed by the kernel, a round
    // trip costs 8 or 60 µs on this kind of VM depending on whether the two share a core, which
    // no 10 % threshold survives. The pool's start (one spawn, under 1 ms) is inside: about 1 % of
    // the figure.
    let poolWorker = Environment.worker
    // Both benchmarks start the worker as tvp does: with what tvp adds to its environment
    // (libcrypto's CPU capabilities, WorkerEnvironment), inherited from this process.
    if let poolWorker {
        for (key, value) in WorkerEnvironment.additions(forWorker: poolWorker, environment: ProcessInfo.processInfo.environment) {
            setenv(key, value, 0)
        }
    }
    Benchmark(
        "process-pool executor, null task, 1 worker",
        configuration: .init(scalingFactor: .kilo, maxDuration: .seconds(5),
                             thresholds: Tolerance.timing(percent: Tolerance.perTaskPathPercent))
    ) { benchmark in
        guard let poolWorker else { fatalError("no tvp-worker: build the root package in release, or set TVP_WORKER") }
        let usable = CPUAffinity.allowedCPUs()
        let request = ExecutionRequest(workload: .null, tasks: 10 * benchmark.scaledIterations.count, workers: 1,
                                       placement: Placement(affinity: .packed, usableCPUs: usable))
        let result = try CPUAffinity.withCurrentThread(pinnedTo: Affinity.packed.measuringThreadCPUs(of: usable)) {
            benchmark.startMeasurement()
            defer { benchmark.stopMeasurement() }
            return ProcessPoolExecutor(workerPath: poolWorker).run(request)
        }
        guard result.outcomes.allSatisfy({ $0.error == nil }) && result.abandoned == nil else {
            fatalError("the process-pool trial failed: \(result.errorSummary ?? result.abandoned.map { "\($0)" } ?? "")")
        }
        blackHole(result)
    }

    // `tvp-worker task null - 0`: posix_spawn, the worker's start-up, its report line, exit and
    // waitpid; the root package's release build (run `swift build -c release` there first, or set
    // TVP_WORKER to a tvp-worker), with tvp's additions to its environment (above), its file in the
    // page cache as tvp keeps it before the trials of a process mode (set up once, unmeasured:
    // `ProgramPages`, 2 MiB folios where the kernel gives them).
    let worker = Environment.worker
    Benchmark(
        "tvp-worker start-up, null task",
        configuration: .init(maxDuration: .seconds(3),
                             thresholds: Tolerance.timing(percent: Tolerance.perTaskPathPercent)),
        closure: { benchmark in
            // Without a worker the benchmark stops here; the plugin reports that as `benchmarkCrashed`.
            guard let worker else { fatalError("no tvp-worker: build the root package in release, or set TVP_WORKER") }
            let sink = try FileDescriptor.open("/dev/null", .writeOnly, options: .closeOnExec)
            defer { try? sink.close() }
            for _ in benchmark.scaledIterations {
                let pid = try ProcessSpawner.spawn(path: worker, arguments: [worker, "task", "null", "-", "0"], stdout: sink)
                let reaped = try waitForChild(pid)
                blackHole(reaped)
            }
        }, setup: {
            if let worker { _ = ProgramPages.reread(worker) }
        })
}

private enum Environment {
    /// TVP_WORKER, else the root package's release build next to this package.
    static var worker: String? {
        if let path = ProcessInfo.processInfo.environment["TVP_WORKER"] { return path }
        // Five levels above this file: benchmarks/hot-paths/Benchmarks/HotPaths/PerTaskPathBenchmarks.swift.
        let candidate = #filePath.split(separator: "/").dropLast(5).joined(separator: "/")
        let path = "/" + candidate + "/.build/release/tvp-worker"
        return Files.exists(path) ? path : nil
    }
}
