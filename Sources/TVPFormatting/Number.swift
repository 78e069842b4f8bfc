import Foundation

/// Plain numbers in prose and tick labels.
public enum Number {
    /// A whole number as such, anything else to three significant digits: "12", "2.35", "0.0417".
    public static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e9 ? String(Int(value)) : String(format: "%.3g", value)
    }
}
