import Benchmark

/// Every micro-benchmark of tvp's hot paths; the benchmark plugin's generated `main` calls this.
///
/// Fast operations run many times per measured iteration (`scalingFactor`) and are reported per
/// operation: per index, per store, per frame, per 64 KiB chunk (`*` in the plugin's table).
let benchmarks: @Sendable () -> Void = {
    // Every benchmark samples for its full 2 seconds (the iteration cap is out of reach): the
    // longer the span, the likelier it holds a moment when the other core is idle, which is what
    // the fastest sample, the one the gate compares, needs.
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput],
        warmupIterations: 3,
        maxDuration: .seconds(2),
        maxIterations: 10_000_000,
        thresholds: Tolerance.timing()
    )
    threadPoolBenchmarks()
    perTaskPathBenchmarks()
    frameBenchmarks()
    hashingBenchmarks()
}
