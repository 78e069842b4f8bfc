import Foundation

/// Byte sizes shown with a binary unit (charts, notices, comparisons). The form scenarios and labels
/// write, `8MiB`, is `SizeSyntax` (TVPWorkloads), which parses it too and needs no Foundation.
public enum ByteSize {
    /// How a size is written. Each output keeps the style it has always had.
    public enum Style: Sendable {
        /// A space and three significant digits, from KiB up: "64 MiB", "1.5 GiB", "0.5 KiB" (charts).
        case significant
        /// A space and whole units, rounded down: "3 MiB", "12 KiB", "100 bytes" (notices).
        case wholeUnitsDown
        /// A space, in MiB with one decimal from 1 MiB on, else whole KiB: "1.5 MiB", "900 KiB" (`tvp
        /// compare`'s peak memory).
        case tenthsOfMiB
    }

    private static let kib = 1_024.0, mib = 1_048_576.0, gib = 1_073_741_824.0

    /// `bytes` in `style`.
    public static func format(_ bytes: Double, _ style: Style) -> String {
        switch style {
        case .wholeUnitsDown:
            return bytes.isFinite && abs(bytes) < 9e18 ? format(Int(bytes), style) : "–"
        case .significant:
            return bytes >= gib ? "\(Number.format(bytes / gib)) GiB"
                : bytes >= mib ? "\(Number.format(bytes / mib)) MiB"
                : "\(Number.format(bytes / kib)) KiB"
        case .tenthsOfMiB:
            let kibibytes = bytes / kib
            return kibibytes >= 1024 ? String(format: "%.1f MiB", kibibytes / 1024) : String(format: "%.0f KiB", kibibytes)
        }
    }

    /// `bytes` in `style`.
    public static func format(_ bytes: Int, _ style: Style) -> String {
        switch style {
        case .wholeUnitsDown:
            return bytes >= 1 << 20 ? "\(bytes >> 20) MiB" : bytes >= 1 << 10 ? "\(bytes >> 10) KiB" : "\(bytes) bytes"
        case .significant, .tenthsOfMiB:
            return format(Double(bytes), style)
        }
    }
}
