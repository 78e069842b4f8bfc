import Benchmark
import Foundation
import SystemPackage
import TVPMeasure
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

    // A `process-pool` trial of 20,000 null tasks on one worker, per task: the task frame written,
    // the worker woken, its result frame read and decoded, the outcome stored (benchmarks/limits.sh
    // rows c and c′). The pool's start (one spawn) is inside, a few hundredths of the figure.
    let poolWorker = Environment.worker
    Benchmark(
        "process-pool executor, null task, 1 worker",
        configuration: .init(scalingFactor: .kilo, maxDuration: .seconds(5),
                             thresholds: Tolerance.timing(percent: Tolerance.perTaskPathPercent))
    ) { benchmark in
        guard let poolWorker else { fatalError("no tvp-worker: build the root package in release, or set TVP_WORKER") }
        let request = ExecutionRequest(workload: .null, tasks: 20 * benchmark.scaledIterations.count, workers: 1)
        benchmark.startMeasurement()
        let result = ProcessPoolExecutor(workerPath: poolWorker).run(request)
        benchmark.stopMeasurement()
        guard result.outcomes.allSatisfy({ $0.error == nil }) && result.abandoned == nil else {
            fatalError("the process-pool trial failed: \(result.errorSummary ?? result.abandoned.map { "\($0)" } ?? "")")
        }
        blackHole(result)
    }

    // `tvp-worker task null - 0`: posix_spawn, the worker's start-up, its report line, exit and
    // waitpid; the root package's release build (run `swift build -c release` there first, or set
    // TVP_WORKER to a tvp-worker).
    let worker = Environment.worker
    Benchmark(
        "tvp-worker start-up, null task",
        configuration: .init(maxDuration: .seconds(3),
                             thresholds: Tolerance.timing(percent: Tolerance.perTaskPathPercent))
    ) { benchmark in
        guard let worker else { fatalError("no tvp-worker: build the root package in release, or set TVP_WORKER") }
        let sink = try FileDescriptor.open("/dev/null", .writeOnly, options: .closeOnExec)
        defer { try? sink.close() }
        for _ in benchmark.scaledIterations {
            let pid = try ProcessSpawner.spawn(path: worker, arguments: [worker, "task", "null", "-", "0"], stdout: sink)
            let reaped = try waitForChild(pid)
            blackHole(reaped)
        }
    }
}

private enum Environment {
    /// TVP_WORKER, else the root package's release build next to this package.
    static var worker: String? {
        if let path = ProcessInfo.processInfo.environment["TVP_WORKER"] { return path }
        let candidate = #filePath.split(separator: "/").dropLast(4).joined(separator: "/")
        let path = "/" + candidate + "/.build/release/tvp-worker"
        return Files.exists(path) ? path : nil
    }
}
