extension Statistics {
    /// Percentile-bootstrap confidence interval of median(numerator) / median(denominator); deterministic in `seed`.
    ///
    /// Each side is resampled independently; the denominator's values should be positive. An empty
    /// sample, or resampled ratios that are not numbers (0 ÷ 0, NaN values), give −∞...∞: nothing known.
    ///
    /// At 5–10 log-normal values a side it covers the true ratio 96–97 % of the time when both sides
    /// spread alike, but 91 % at 7 values when one side spreads ten times more (a resampled median
    /// lands only on the sample's own values); `medianRatio` covers 95–98 % there (StatisticsTests).
    public static func bootstrapRatioCI(numerator: [Double], denominator: [Double], confidence: Double = 0.95,
                                        resamples: Int = 2000, seed: UInt64) -> ClosedRange<Double> {
        bootstrapRatioCI(ofMediansOf: [numerator, denominator], confidence: confidence, resamples: resamples, seed: seed) {
            $0[0] / $0[1]
        }
    }

    /// Percentile-bootstrap confidence interval of a ratio built from the medians of several samples
    /// (a speedup's ratio, (serial₁ ÷ wall₁) ÷ (serial₀ ÷ wall₀), from four); deterministic in `seed`.
    ///
    /// Each resample draws every sample afresh, in `samples`' order, and `ratio` turns their medians
    /// (in that order) into one replicate. An empty sample, or replicates that are not numbers, give
    /// −∞...∞: nothing known.
    public static func bootstrapRatioCI(ofMediansOf samples: [[Double]], confidence: Double = 0.95, resamples: Int = 2000,
                                        seed: UInt64, ratio: ([Double]) -> Double) -> ClosedRange<Double> {
        checkBootstrapArguments(confidence: confidence, resamples: resamples)
        guard !samples.contains(where: \.isEmpty) else { return -Double.infinity...Double.infinity }
        var generator = SeededGenerator(seed: seed)
        var resamplers = samples.map(MedianResampler.init)
        var medians = [Double](repeating: 0, count: samples.count)
        var ratios = [Double]()
        ratios.reserveCapacity(resamples)
        for _ in 0..<resamples {
            for index in resamplers.indices { medians[index] = resamplers[index].resampledMedian(using: &generator) }
            ratios.append(ratio(medians))
        }
        return percentileInterval(of: &ratios, confidence: confidence)
    }

    /// Validates the arguments every bootstrap shares.
    private static func checkBootstrapArguments(confidence: Double, resamples: Int) {
        precondition(confidence > 0 && confidence < 1, "confidence must be in (0, 1), got \(confidence)")
        precondition(resamples > 0, "resamples must be positive, got \(resamples)")
    }

    /// The central `confidence` interval of bootstrap replicates (reordered in place); −∞...∞ when a
    /// replicate is not a number.
    private static func percentileInterval(of replicates: inout [Double], confidence: Double) -> ClosedRange<Double> {
        guard !replicates.contains(where: \.isNaN) else { return -Double.infinity...Double.infinity }
        let tail = (1 - confidence) / 2 * 100
        var span = replicates.mutableSpan
        let low = percentile(rearranging: &span, tail)
        return ordered(low, percentile(rearranging: &span, 100 - tail)) ?? -Double.infinity...Double.infinity
    }

    /// Computes medians of resamples (with replacement) of a fixed sample without sorting each resample.
    ///
    /// The sample is sorted once; a resample is recorded as how many times each sorted position was drawn,
    /// and its median is read off the running total of those counts.
    struct MedianResampler {
        private let sorted: [Double]
        private var counts: [Int]

        /// Prepares to resample `sample`.
        init(_ sample: [Double]) {
            sorted = sample.sorted()
            counts = Array(repeating: 0, count: sample.count)
        }

        /// The median of one fresh resample of the same size as the sample.
        mutating func resampledMedian(using generator: inout SeededGenerator) -> Double {
            let sorted = self.sorted  // read while `drawn` holds exclusive access to self
            let n = sorted.count
            var drawn = counts.mutableSpan
            for i in 0..<n { drawn[i] = 0 }
            for _ in 0..<n { drawn[generator.nextIndex(below: n)] += 1 }
            // The median is the mean of the 0-based order statistics (n-1)/2 and n/2 (equal for odd n).
            var seen = 0
            var i = 0
            while seen <= (n - 1) / 2 {
                seen += drawn[i]
                i += 1
            }
            let low = sorted[i - 1]
            if seen > n / 2 { return low }
            // Exactly (n-1)/2 + 1 values lie at or below `low`; the next order statistic is the next value drawn.
            while drawn[i] == 0 { i += 1 }
            return (low + sorted[i]) / 2
        }
    }
}
