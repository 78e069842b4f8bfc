import Foundation

/// Fractions written as percentages.
public enum Percent {
    /// A fraction as a percentage without needless decimals, e.g. 0.05 → "5%".
    public static func format(_ fraction: Double) -> String {
        let value = fraction * 100
        return value == value.rounded() ? "\(Int(value))%" : String(format: "%.1f%%", value)
    }
}
