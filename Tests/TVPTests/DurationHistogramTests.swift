import Testing
@testable import TVPMeasure

@Suite("Duration histogram")
struct DurationHistogramTests {
    @Test("median within 3 % and exact maximum over values spanning nanoseconds to seconds")
    func medianAndMaximum() {
        var histogram = DurationHistogram()
        #expect(histogram.median == 0 && histogram.count == 0)
        let values: [UInt64] = [3, 40, 999, 5_000_000, 5_100_000, 5_200_000, 7_000_000, 2_000_000_000, 31]
        values.forEach { histogram.record($0) }
        #expect(histogram.count == values.count)
        #expect(histogram.maximum == 2_000_000_000)
        let median = Double(histogram.median)
        #expect(abs(median - 5_000_000) / 5_000_000 < 0.03, "median \(median)")
        #expect(histogram.percentile(0) == 3)
        #expect(histogram.percentile(100) == 2_000_000_000)
    }

    @Test("every value lands in a bucket whose middle is within 3 % of it")
    func precision() {
        for value: UInt64 in [32, 33, 63, 64, 100, 1_000, 65_535, 1 << 40, UInt64.max / 2] {
            var histogram = DurationHistogram()
            histogram.record(value)
            histogram.record(UInt64.max)  // so the maximum does not clamp the answer
            let middle = Double(histogram.percentile(50))
            #expect(abs(middle - Double(value)) / Double(value) <= 0.03, "\(value) -> \(middle)")
        }
    }
}
