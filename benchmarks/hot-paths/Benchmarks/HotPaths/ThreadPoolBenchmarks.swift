import Benchmark
import TVPMeasure
import TVPSystem
import TVPWorkloads

/// The thread pool's queue of task indices and the slots its threads write results to.
func threadPoolBenchmarks() {
    // One pool run hands out a million indices, so the threads' start and join cost is spread thin
    // and the figure is the price of one `next()`: an atomic increment through a closure.
    //
    // With two workers the figure is bimodal on a 2-core machine: about 8 ns when the other core is
    // busy elsewhere and one thread takes nearly every index, 38–41 ns when both run and pass
    // the counter's cache line back and forth. Which one a run gets is the neighbours' choice, so
    // it is shown but not checked; one worker and the thread start below carry the gate.
    for workers in [1, 2] {
        Benchmark(
            "ThreadPool hand-out, \(workers) worker\(workers == 1 ? "" : "s")",
            configuration: .init(scalingFactor: .mega,
                                 thresholds: workers == 1 ? Tolerance.timing() : Tolerance.untested)
        ) { benchmark in
            try ThreadPool.run(workers: workers, taskCount: benchmark.scaledIterations.count) { next in
                var taken = 0
                while next() != nil { taken += 1 }
                blackHole(taken)
            }
        }
    }

    // What a `threads` trial pays before its first task and after its last: two threads created
    // and joined.
    Benchmark(
        "ThreadPool start and join, 2 workers",
        configuration: .init(thresholds: Tolerance.timing(percent: Tolerance.threadStartPercent))
    ) { _ in
        try ThreadPool.run(workers: 2, taskCount: 0) { next in blackHole(next()) }
    }

    // A result as the `threads` executor records it: a task outcome moved into an empty slot, and
    // the slots moved out as the trial's array.
    let outcome = TaskOutcome.success(SHA256Hasher.hash([1, 2, 3]), duration: 1_000)
    Benchmark(
        "TaskSlots.fill",
        configuration: .init(metrics: Tolerance.allocationMetrics, scalingFactor: .kilo,
                             thresholds: Tolerance.timingAndAllocations())
    ) { benchmark in
        let slots = TaskSlots<TaskOutcome>(count: benchmark.scaledIterations.count)
        benchmark.startMeasurement()
        for index in benchmark.scaledIterations { slots.fill(outcome, at: index) }
        blackHole(slots.takeAll())
        benchmark.stopMeasurement()
    }
}
