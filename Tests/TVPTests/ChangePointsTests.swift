import Foundation
import Testing
@testable import TVPAnalysis

/// E-divisive change points on synthetic series of run medians.
@Suite("Change points")
struct ChangePointsTests {
    /// A level with a small deterministic wobble (±1 %).
    static func level(_ value: Double, count: Int, phase: Int = 0) -> [Double] {
        (0..<count).map { value * (1 + 0.01 * sin(Double($0 + phase) * 1.7)) }
    }

    @Test("a stable series has no change point")
    func stable() {
        #expect(ChangePoints.find(Self.level(1, count: 30)).isEmpty)
    }

    @Test("a 20 % step is found at the index where the new level starts", arguments: [6, 12, 20])
    func step(at index: Int) {
        let series = Self.level(1, count: index) + Self.level(1.2, count: 26 - index, phase: 3)
        #expect(ChangePoints.find(series) == [index])
    }

    @Test("a single spike is not a change point")
    func spike() {
        var series = Self.level(1, count: 25)
        series[12] = 3
        #expect(ChangePoints.find(series).isEmpty)
    }

    @Test("two steps are both found")
    func twoSteps() {
        let series = Self.level(1, count: 10) + Self.level(1.3, count: 10, phase: 2) + Self.level(0.9, count: 10, phase: 5)
        #expect(ChangePoints.find(series) == [10, 20])
    }

    @Test("a series too short for two segments of 3 has none")
    func short() {
        #expect(ChangePoints.find([1, 2, 3, 4, 5]).isEmpty)
    }
}
