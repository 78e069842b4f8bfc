import Benchmark

/// Every micro-benchmark of tvp's hot paths; the benchmark plugin's generated `main` calls this.
///
/// Fast operations run many times per measured iteration (`scalingFactor`) and are reported per
/// operation: per index, per store, per frame, per 64 KiB chunk (`*` in the plugin's table).
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput],
        warmupIterations: 3,
        maxDuration: .seconds(2),
        maxIterations: 10_000,
        thresholds: Tolerance.timing()
    )
    threadPoolBenchmarks()
    frameBenchmarks()
    hashingBenchmarks()
}
