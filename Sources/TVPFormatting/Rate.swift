import Foundation

/// Throughputs written with their unit.
public enum Rate {
    /// Megabytes (10⁶ bytes) per second, whole: "412 MB/s".
    public static func format(megabytesPerSecond: Double) -> String {
        String(format: "%.0f MB/s", megabytesPerSecond)
    }
}
