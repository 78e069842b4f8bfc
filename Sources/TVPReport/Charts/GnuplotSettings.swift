/// The values a chart's script reads, written as gnuplot assignments to `settings.gp`: scalars
/// (`usable_cpus = 2`) and arrays (`array panel_title[2] = ["cpu[8MiB]", "null"]`). Titles,
/// ranges, styles and panel layout are decided here, in Swift; the script only draws with them.
public struct GnuplotSettings: Sendable, Equatable {
    /// A value of one setting.
    public enum Value: Sendable, Equatable {
        /// A number.
        case number(Double)
        /// Text.
        case text(String)
        /// An array of numbers (never empty: gnuplot has no empty arrays).
        case numbers([Double])
        /// An array of texts (never empty).
        case texts([String])
    }

    /// The settings in the order they were made.
    public private(set) var entries: [(name: String, value: Value)] = []

    /// No settings.
    public init() {}

    /// The value of `name`, if set.
    public subscript(name: String) -> Value? {
        entries.last { $0.name == name }?.value
    }

    /// Sets a number (a Bool is 1 or 0).
    public mutating func set(_ name: String, _ value: Double) { put(name, .number(value)) }

    /// Sets a text.
    public mutating func set(_ name: String, _ value: String) { put(name, .text(value)) }

    /// Sets an array of numbers; an empty array is left out (scripts test `exists("name")`).
    public mutating func set(_ name: String, numbers: [Double]) {
        if !numbers.isEmpty { put(name, .numbers(numbers)) }
    }

    /// Sets an array of texts; an empty array is left out.
    public mutating func set(_ name: String, texts: [String]) {
        if !texts.isEmpty { put(name, .texts(texts)) }
    }

    private mutating func put(_ name: String, _ value: Value) {
        entries.removeAll { $0.name == name }
        entries.append((name, value))
    }

    /// The text of settings.gp.
    public var text: String {
        entries.map { name, value in
            switch value {
            case .number(let x): "\(name) = \(Self.literal(x))"
            case .text(let s): "\(name) = \(Self.literal(s))"
            case .numbers(let xs): "array \(name)[\(xs.count)] = [\(xs.map(Self.literal).joined(separator: ", "))]"
            case .texts(let ss): "array \(name)[\(ss.count)] = [\(ss.map(Self.literal).joined(separator: ", "))]"
            }
        }.joined(separator: "\n") + "\n"
    }

    /// A number as gnuplot reads it (NaN for none). A whole number is written as an integer, so
    /// that flags work as conditions; scripts divide with `real()` where it matters.
    static func literal(_ value: Double) -> String {
        guard value.isFinite else { return "NaN" }
        return value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : "\(value)"
    }

    /// A gnuplot string in single quotes, where nothing is special but the quote itself (doubled).
    static func literal(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "''").replacingOccurrences(of: "\n", with: " ") + "'"
    }

    public static func == (lhs: GnuplotSettings, rhs: GnuplotSettings) -> Bool {
        lhs.entries.map(\.name) == rhs.entries.map(\.name) && lhs.entries.map(\.value) == rhs.entries.map(\.value)
    }
}
