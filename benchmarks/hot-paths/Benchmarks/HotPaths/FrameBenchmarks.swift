import Benchmark
import TVPWorkloads

/// The process pool's wire format: frames built and encoded by tvp and the worker, and decoded
/// from pipe reads that split them anywhere.
func frameBenchmarks() {
    let perFrame = Benchmark.Configuration(metrics: Tolerance.allocationMetrics, scalingFactor: .kilo,
                                          thresholds: Tolerance.timingAndAllocations())
    let digest = SHA256Hasher.hash([1, 2, 3])

    Benchmark("Frame.task encoded", configuration: perFrame) { benchmark in
        for index in benchmark.scaledIterations { blackHole(Frame.task(index).encoded) }
    }

    Benchmark("Frame.result encoded", configuration: perFrame) { benchmark in
        for index in benchmark.scaledIterations {
            let start = UInt64(index)
            blackHole(Frame.result(digest, startNanoseconds: start, endNanoseconds: start + 1).encoded)
        }
    }

    // What tvp-worker does per task: the result frame written over its reply buffer (no allocation).
    Benchmark("Frame.encodeResult into a reused reply", configuration: perFrame) { benchmark in
        var reply: [UInt8] = []
        for index in benchmark.scaledIterations {
            let start = UInt64(index)
            Frame.encodeResult(digest, startNanoseconds: start, endNanoseconds: start + 1, transferNanoseconds: 0, output: nil, into: &reply)
            blackHole(reply)
        }
    }

    // What tvp does per task: a result frame appended to a worker's decoder and read in place.
    let oneResult = Frame.result(digest, startNanoseconds: 1, endNanoseconds: 2).encoded[...]
    Benchmark("FrameDecoder, a result read in place", configuration: perFrame) { benchmark in
        var decoder = FrameDecoder()
        for _ in benchmark.scaledIterations {
            decoder.append(oneResult)
            guard let frame = try decoder.nextReceived(), let fields = frame.resultFields else { fatalError("no result frame") }
            blackHole(fields)
        }
    }

    // Task and result frames in turn, as both ends of a pool's pipes see them, cut into pieces of
    // 1, 7, 61, 509 and 4093 bytes in turn, so headers and payloads are split at every offset.
    let frameCount = perFrame.scalingFactor.rawValue
    let stream = (0..<frameCount).flatMap { index in
        let frame = index.isMultiple(of: 2)
            ? Frame.task(index)
            : Frame.result(digest, startNanoseconds: UInt64(index), endNanoseconds: UInt64(index) + 1)
        return frame.encoded
    }
    let chunks = oddSizedChunks(of: stream, sizes: [1, 7, 61, 509, 4093])

    Benchmark("FrameDecoder, odd-sized chunks", configuration: perFrame) { benchmark in
        var decoder = FrameDecoder()
        var decoded = 0
        for chunk in chunks {
            decoder.append(chunk)
            while let frame = try decoder.next() {
                blackHole(frame)
                decoded += 1
            }
        }
        precondition(decoded == benchmark.scaledIterations.count, "decoded \(decoded) frames")
    }
}

/// `bytes` cut into consecutive pieces whose sizes cycle through `sizes` (the last one shorter).
private func oddSizedChunks(of bytes: [UInt8], sizes: [Int]) -> [ArraySlice<UInt8>] {
    var chunks: [ArraySlice<UInt8>] = []
    var start = 0
    while start < bytes.count {
        let end = min(bytes.count, start + sizes[chunks.count % sizes.count])
        chunks.append(bytes[start..<end])
        start = end
    }
    return chunks
}
