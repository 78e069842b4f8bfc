import Foundation

/// Ratios (speedups, one mode against another) written as factors: "1.9×".
public enum Ratio {
    /// How a factor is written. Each output keeps the style it has always had.
    public enum Style: Sendable {
        /// Two decimals: "1.90×", "0.05×" (the console's tables).
        case hundredths
        /// Two decimals, two significant digits below 0.1: "1.90×", "0.052×" (`tvp compare`).
        case hundredthsOrSignificant
        /// Two significant digits, whole from 10 on: "1.9×", "0.85×", "14×", "120×"; "–" when not a
        /// number (chart findings).
        case short
    }

    /// `ratio` as a factor in `style`.
    public static func format(_ ratio: Double, _ style: Style) -> String {
        switch style {
        case .hundredths:
            return String(format: "%.2f×", ratio)
        case .hundredthsOrSignificant:
            return ratio >= 0.1 ? String(format: "%.2f×", ratio) : String(format: "%.2g×", ratio)
        case .short:
            guard ratio.isFinite else { return "–" }
            return (ratio >= 9.95 ? String(format: "%.0f", ratio) : ratio >= 0.995 ? String(format: "%.2g", ratio) : String(format: "%.2f", ratio)) + "×"
        }
    }
}
