import Foundation

/// Durations, given in seconds, written with their unit.
public enum Seconds {
    /// How a duration is written. Each output keeps the style it has always had.
    public enum Style: Sendable {
        /// The unit that fits, with fixed decimals per unit: "12.3 µs", "4.56 ms", "1.234 s" (the
        /// console's tables, `tvp compare`).
        case fixed
        /// The unit that fits and three significant digits: "104 ms", "4.90 ms", "40.0 µs"; "0 s" for
        /// zero, "–" for what is negative or not a number (charts and report.md).
        case significant
        /// Seconds with one decimal, whatever the size: "0.3 s", "61.3 s" (notes on a run's progress).
        case tenths
        /// Whole seconds, minutes or tenths of hours: "45 s", "12 min", "3.5 h" (a forecast).
        case rough
        /// Whole seconds, as a person says an elapsed time: "38 s", "4 min 12 s", "1 h 05 min".
        case elapsed
        /// A clock's digits: "4:12", "1:02:03" (the progress line).
        case clock
    }

    /// `seconds` in `style`.
    public static func format(_ seconds: Double, _ style: Style) -> String {
        switch style {
        case .fixed:
            return switch seconds {
            case ..<1e-3: String(format: "%.1f µs", seconds * 1e6)
            case ..<1: String(format: "%.2f ms", seconds * 1e3)
            default: String(format: "%.3f s", seconds)
            }
        case .significant:
            guard seconds.isFinite, seconds > 0 else { return seconds == 0 ? "0 s" : "–" }
            let prefixes: [(Double, String)] = [(1, "s"), (1e-3, "ms"), (1e-6, "µs"), (1e-9, "ns")]
            let (scale, unit) = prefixes.first { seconds >= $0.0 * 0.9995 } ?? (1e-9, "ns")
            return "\(threeSignificantDigits(seconds / scale)) \(unit)"
        case .tenths:
            return String(format: "%.1f s", seconds)
        case .rough:
            return switch seconds {
            case ..<90: "\(Int(seconds.rounded())) s"
            case ..<5_400: "\(Int((seconds / 60).rounded())) min"
            default: String(format: "%.1f h", seconds / 3_600)
            }
        case .elapsed:
            let s = Int(seconds.rounded())
            return s >= 3600 ? String(format: "%d h %02d min", s / 3600, s / 60 % 60) : s >= 60 ? "\(s / 60) min \(s % 60) s" : "\(s) s"
        case .clock:
            let s = Int(seconds.rounded())
            return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%d:%02d", s / 60, s % 60)
        }
    }

    /// Three significant digits, trailing digits kept: 104, 4.90, 40.0.
    private static func threeSignificantDigits(_ value: Double) -> String {
        let magnitude = abs(value)
        let format = magnitude >= 99.95 ? "%.0f" : magnitude >= 9.995 ? "%.1f" : "%.2f"
        return String(format: format, value)
    }
}
