import Benchmark
import TVPWorkloads

/// The digests every task computes: `io` tasks fold what they read, `cpu` tasks hash a pattern
/// block, and every trial combines its task digests. Chunks and blocks have the workloads' sizes
/// (64 KiB each today).
func hashingBenchmarks() {
    var pattern = PatternStream(seed: 1)
    let readChunk = pattern.bytes(IOWorkload.readChunkBytes)
    let patternBlock = pattern.bytes(CPUWorkload.patternBlockBytes)

    // Read chunks arrive in one reused buffer, so folding runs from cache: the same here.
    Benchmark("ByteFold, one read chunk", configuration: .init(scalingFactor: .kilo)) { benchmark in
        var fold = ByteFold()
        let raw = readChunk.span.bytes
        for _ in benchmark.scaledIterations { fold.fold(raw) }
        blackHole(fold.mix)
    }

    // The `cpu` workload makes one block per task. Slow enough to time one at a time.
    Benchmark(
        "PatternStream, one pattern block",
        configuration: .init(metrics: Tolerance.allocationMetrics, thresholds: Tolerance.timingAndAllocations())
    ) { _ in
        var stream = PatternStream(seed: 2)
        blackHole(stream.bytes(CPUWorkload.patternBlockBytes))
    }

    // What the `cpu` workload pays per block, and the reference for the rates above.
    Benchmark("SHA256Hasher, one pattern block") { _ in
        var hasher = SHA256Hasher()
        hasher.update(patternBlock)
        blackHole(hasher.finish())
    }

    // A trial of 1,000 tasks ends with this.
    let digests = (0..<1_000).map { index in
        SHA256Hasher.hash([UInt8(truncatingIfNeeded: index), UInt8(truncatingIfNeeded: index >> 8)])
    }
    Benchmark("TaskDigest.combining 1,000 digests") { _ in
        blackHole(TaskDigest.combining(digests))
    }
}
