import Foundation
import TVPAnalysis

/// The crossover in words: the sentences the console, breakeven.csv's `finding`, the charts and
/// report.md use.
public enum CrossoverText {
    /// The verdict on one pair: "process-pool vs gil ×2 pays off from 3 ms tasks
    /// (best 2.35× at 30 ms, CPU share 1)" or "processes vs threads ×2 never pays off beyond the
    /// noise, up to 100 ms tasks (best 1.01× at 100 ms, CPU share 0.9)".
    public static func verdict(_ breakEven: Crossover.BreakEven) -> String {
        let pair = "\(breakEven.processMode.rawValue) vs \(breakEven.threadMode.rawValue) ×\(breakEven.workers)"
        let best = "best \(number(breakEven.bestRatio))× at \(number(breakEven.bestAtMilliseconds)) ms, CPU share \(number(breakEven.bestAtShare))"
        guard let from = breakEven.paysOffFromMilliseconds else {
            return "\(pair) never pays off beyond the noise, up to \(number(breakEven.largestMeasuredMilliseconds)) ms tasks (\(best))"
        }
        return "\(pair) pays off from \(number(from)) ms tasks (\(best))"
    }

    /// The verdict in a few words, for a chart panel that names the pair already: "pays off from
    /// 3 ms tasks · best 2.35× (30 ms, CPU share 1)" or "never pays off beyond the noise · best …".
    public static func shortVerdict(_ breakEven: Crossover.BreakEven) -> String {
        let best = "best \(number(breakEven.bestRatio))× (\(number(breakEven.bestAtMilliseconds)) ms, CPU share \(number(breakEven.bestAtShare)))"
        guard let from = breakEven.paysOffFromMilliseconds else { return "never pays off beyond the noise · \(best)" }
        return "pays off from \(number(from)) ms tasks · \(best)"
    }

    /// A whole number as such, anything else to three significant digits.
    package static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e9 ? String(Int(value)) : String(format: "%.3g", value)
    }
}
