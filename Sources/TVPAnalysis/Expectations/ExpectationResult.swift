import Foundation
import TVPPlan
import TVPStatistics

/// The verdict on one expectation: pass or fail on the medians, with the interval it was judged on.
public struct ExpectationResult: Sendable {
    /// The expectation.
    public var expectation: Expectation
    /// Whether it held (on the medians).
    public var passed: Bool
    /// The measured left side, with its own interval.
    public var left: MeasuredValue
    /// The measured right side, with its own interval.
    public var right: MeasuredValue
    /// When both sides measure cells: left ÷ right on the medians and the 95 % interval of that
    /// ratio, from both cells' trials. The verdict's certainty is judged on it against 1.
    public var ratio: Statistics.Estimate?
    /// Whether the interval the verdict is judged on (the ratio's; against a constant, the measured
    /// side's own) lies wholly on the verdict's side of the bound. False: it straddles the bound, or
    /// there is no interval.
    public var certain: Bool
    /// Why it could not be evaluated (a cell without successful trials), when that happened.
    public var problem: String?
    /// Why it was not judged on this machine ("needs 2 usable CPUs; this machine has 1"), when it
    /// could not hold here whatever tvp does. Skipped is not failed.
    public var skipped: String?

    /// The verdict: skipped, else pass when it held on the medians and could be evaluated.
    public var verdict: Verdict { skipped != nil ? .skip : problem == nil && passed ? .pass : .fail }

    /// Pass, fail or skip.
    public enum Verdict: String, Sendable {
        case pass = "PASS", fail = "FAIL", skip = "SKIP"
    }

    /// The interval the verdict is judged on, and the bound it is judged against.
    var judged: (interval: ClosedRange<Double>?, bound: Double) {
        if let ratio { return (ratio.interval, 1) }
        return expectation.right.cell == nil ? (left.interval, right.value) : (right.interval, left.value)
    }

    /// A line for the console: PASS, FAIL or SKIP, the text, then `measured` (and why it was skipped).
    public var line: String {
        let skip = skipped.map { "      skipped: \($0)\n" } ?? ""
        return "\(verdict.rawValue)  \(expectation.text)\n\(skip)      measured: \(measured)"
    }

    /// What was measured: both sides with their intervals, the ratio with its interval when both sides
    /// measure cells, and a note when the verdict is within noise; or why nothing could be measured.
    public var measured: String {
        var detail = problem ?? "\(left.description) \(expectation.comparison.rawValue) \(right.description)"
        if problem == nil {
            if let ratio {
                detail += "; ratio \(MeasuredValue(value: ratio.value, interval: ratio.interval, unit: "").description)"
            }
            if !certain {
                let (interval, bound) = judged
                let what = ratio == nil ? "the 95 % interval" : "the ratio's 95 % interval"
                detail += interval == nil
                    ? "  (certainty unknown: a cell has fewer than 2 usable trials, so there is no interval)"
                    : "  (within noise: \(what) straddles \(MeasuredValue.format(bound)))"
            }
        }
        return detail
    }
}

/// A side of an expectation as measured: its value on the medians and its 95 % interval.
public struct MeasuredValue: Sendable, CustomStringConvertible {
    /// The value on the medians.
    public var value: Double
    /// Its 95 % confidence interval, when the side was measured and the trials give one.
    public var interval: ClosedRange<Double>?
    /// The unit to print.
    public var unit: String

    public var description: String {
        let base = Self.format(value) + unit
        guard let interval else { return base }
        return "\(base) [95% CI \(Self.format(interval.lowerBound))–\(Self.format(interval.upperBound))]"
    }

    /// A number in at most 3 significant digits (whole numbers from 100 on).
    static func format(_ x: Double) -> String {
        guard x.isFinite else { return x.isNaN ? "nan" : x < 0 ? "-∞" : "∞" }
        return abs(x) >= 100 ? String(format: "%.0f", x) : String(format: "%.3g", x)
    }
}
