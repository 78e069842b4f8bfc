import Foundation
import TVPAnalysis
import TVPFormatting

/// The crossover in words: the sentences the console, breakeven.csv's `finding`, the charts and
/// report.md use.
public enum CrossoverText {
    /// The verdict on one pair: "process-pool vs gil ×2 pays off from 3 ms tasks
    /// (best 2.35× at 30 ms, CPU share 1)" or "processes vs threads ×2 never pays off beyond the
    /// noise, up to 100 ms tasks (best 1.01× at 100 ms, CPU share 0.9)".
    public static func verdict(_ breakEven: Crossover.BreakEven) -> String {
        let pair = "\(breakEven.processMode.rawValue) vs \(breakEven.threadMode.rawValue) ×\(breakEven.workers)"
        let best = "best \(Number.format(breakEven.bestRatio))× at \(Number.format(breakEven.bestAtMilliseconds)) ms, CPU share \(Number.format(breakEven.bestAtShare))"
        guard let from = breakEven.paysOffFromMilliseconds else {
            return "\(pair) never pays off beyond the noise, up to \(Number.format(breakEven.largestMeasuredMilliseconds)) ms tasks (\(best))"
        }
        return "\(pair) pays off from \(Number.format(from)) ms tasks (\(best))"
    }

    /// The verdict in a few words, for a chart panel that names the pair already: "pays off from
    /// 3 ms tasks · best 2.35× (30 ms, CPU share 1)" or "never pays off beyond the noise · best …".
    public static func shortVerdict(_ breakEven: Crossover.BreakEven) -> String {
        let best = "best \(Number.format(breakEven.bestRatio))× (\(Number.format(breakEven.bestAtMilliseconds)) ms, CPU share \(Number.format(breakEven.bestAtShare)))"
        guard let from = breakEven.paysOffFromMilliseconds else { return "never pays off beyond the noise · \(best)" }
        return "pays off from \(Number.format(from)) ms tasks · \(best)"
    }
}
