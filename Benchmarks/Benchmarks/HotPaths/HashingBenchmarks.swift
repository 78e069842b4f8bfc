import Benchmark
import TVPWorkloads

/// The digests every task computes: `io` tasks fold what they read, `cpu` tasks hash a pattern
/// block, and every trial combines its task digests.
func hashingBenchmarks() {
    /// The `io` workload's read chunk and the `cpu` workload's pattern block are both 64 KiB.
    let chunkBytes = 64 * 1024
    var pattern = PatternStream(seed: 1)
    let chunk = pattern.bytes(chunkBytes)

    // Read chunks arrive in one reused buffer, so folding runs from cache: the same here.
    Benchmark("ByteFold 64 KiB", configuration: .init(scalingFactor: .kilo)) { benchmark in
        var fold = ByteFold()
        chunk.withUnsafeBytes { raw in
            for _ in benchmark.scaledIterations { fold.fold(raw) }
        }
        blackHole(fold.mix)
    }

    // The `cpu` workload makes one such block per task. Slow enough to time one at a time.
    Benchmark(
        "PatternStream 64 KiB",
        configuration: .init(metrics: Tolerance.allocationMetrics, thresholds: Tolerance.timingAndAllocations())
    ) { _ in
        var stream = PatternStream(seed: 2)
        blackHole(stream.bytes(chunkBytes))
    }

    // The reference for the rates above: what the `cpu` workload pays per block.
    Benchmark("SHA256Hasher 64 KiB") { _ in
        var hasher = SHA256Hasher()
        hasher.update(chunk)
        blackHole(hasher.finish())
    }

    // A trial of 1,000 tasks ends with this.
    let digests = (0..<1_000).map { SHA256Hasher.hash([UInt8(truncatingIfNeeded: $0), UInt8(truncatingIfNeeded: $0 >> 8)]) }
    Benchmark("TaskDigest.combining 1,000 digests") { _ in
        blackHole(TaskDigest.combining(digests))
    }
}
