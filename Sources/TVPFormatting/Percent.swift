import Foundation

/// Fractions written as percentages.
public enum Percent {
    /// How a percentage is written. Each output keeps the style it has always had.
    public enum Style: Sendable {
        /// No needless decimals, no space: "5%", "12.5%" (`tvp compare` and `tvp paired`).
        case compact
        /// Whole, no space: "5%", "13%" (the console's tables).
        case whole
        /// With a space, whole from 10 % on and one decimal below when needed: "0.3 %", "5 %", "12 %"
        /// (charts and report.md).
        case spaced
        /// With a space and one decimal: "0.4 %", "12.0 %" (`tvp info`).
        case spacedTenths
        /// With a space, rounded down to two decimals so a confidence is never overstated: "99.95 %".
        case spacedHundredthsDown
        /// Signed, one decimal, no space: "+21.5%", "-3.0%" (a change in `tvp compare`).
        case signed
    }

    /// `fraction` (0.05 for 5 %) as a percentage in `style`.
    public static func format(_ fraction: Double, _ style: Style = .compact) -> String {
        let value = fraction * 100
        switch style {
        case .compact:
            return value == value.rounded() ? "\(Int(value))%" : String(format: "%.1f%%", value)
        case .whole:
            return String(format: "%.0f%%", value)
        case .spaced:
            return fraction < 0.1 && value != value.rounded() ? String(format: "%.1f %%", value) : String(format: "%.0f %%", value)
        case .spacedTenths:
            return String(format: "%.1f %%", value)
        case .spacedHundredthsDown:
            return String(format: "%.2f %%", (fraction * 10_000).rounded(.down) / 100)
        case .signed:
            return String(format: "%+.1f%%", value)
        }
    }
}
