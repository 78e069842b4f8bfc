/// One parameter of a workload, declared once in the workload's file: the key a scenario writes,
/// the CSV column that records it, what values it takes, its default and its unit. The scenario
/// reader, the CSV writer and reader, the task spec sent to a worker, `tvp list` and the docs'
/// table all come from these declarations.
public struct WorkloadParameter: Sendable {
    /// What values a parameter takes, and how they are written.
    public enum Kind: Sendable, Equatable {
        /// A whole number in a range.
        case count(ClosedRange<Int>)
        /// A byte size in a range: `8MiB`, `256KiB`, `4096` in a scenario; a plain number in CSV.
        case bytes(ClosedRange<Int>)
        /// A number of milliseconds in a range (`20`, `0.5`).
        case milliseconds(ClosedRange<Double>)
        /// A number in a range (`0.25`).
        case number(ClosedRange<Double>)
        /// One of the names; `scenarioChoices` may narrow what a scenario writes.
        case choice([String])
        /// `true` or `false`.
        case flag
        /// Any text.
        case text
        /// A file: a scenario names it relative to the scenario file's folder, and it must exist
        /// there; CSV files keep it as the scenario spells it.
        case file
        /// A C identifier (letters, digits and `_`, not starting with a digit).
        case identifier
    }

    /// The key a scenario writes under the workload (`bytes_per_task`).
    public var name: String
    /// The CSV column of trials.csv and summary.csv (usually `name`).
    public var column: String
    /// What values it takes.
    public var kind: Kind
    /// Its value when a scenario does not write it; nil when the scenario must (or, for an optional
    /// parameter, when absent means absent).
    public var defaultValue: ParameterValue?
    /// Whether the workload can do without it (a `plugin`'s `input_size`).
    public var isOptional: Bool
    /// Whether a scenario writes it; false for what tvp sets itself (`mixed`'s `hash_bytes`,
    /// calibrated on the machine).
    public var inScenario: Bool
    /// Whether a list of values sweeps it (false for a fact such as `deterministic`).
    public var sweeps: Bool
    /// Whether the CSV files record it (false for facts that do not change what is measured).
    public var inCSV: Bool
    /// The choices a scenario may write, when narrower than the kind's (`shared`'s `transfer`:
    /// `in-place` is what in-process modes do, not something to ask for).
    public var scenarioChoices: [String]?
    /// The unit, for `tvp list` and the docs ("bytes", "ms", "").
    public var unit: String
    /// What it means, in a few words.
    public var summary: String
    /// How to fix a value it cannot take, added to every problem with one (`tick_ms: 0`); nil when
    /// the range says enough.
    public var advice: String?

    /// Declares a parameter.
    public init(_ name: String, _ kind: Kind, default defaultValue: ParameterValue? = nil, unit: String = "",
                column: String? = nil, isOptional: Bool = false, inScenario: Bool = true, sweeps: Bool = true,
                inCSV: Bool = true, scenarioChoices: [String]? = nil, summary: String, advice: String? = nil) {
        self.name = name
        self.column = column ?? name
        self.kind = kind
        self.defaultValue = defaultValue
        self.isOptional = isOptional
        self.inScenario = inScenario
        self.sweeps = sweeps
        self.inCSV = inCSV
        self.scenarioChoices = scenarioChoices
        self.unit = unit
        self.summary = summary
        self.advice = advice
    }

    /// The value `text` stands for, checked against the kind's range; a problem says what the
    /// parameter must be. Scenario scalars, CSV fields and task specs all go through here.
    public func parse(_ text: String) throws(ParameterProblem) -> ParameterValue {
        switch kind {
        case .count(let range):
            guard let value = Int(String(text.filter { $0 != "_" })) else { throw problem("expected a whole number, got '\(text)'") }
            guard range.contains(value) else { throw problem("must be between \(range.lowerBound) and \(range.upperBound), got \(value)") }
            return .integer(value)
        case .bytes(let range):
            guard let value = SizeSyntax.parse(text) else {
                throw problem("expected a size such as 4096, 256KiB, 8MiB or 1GiB, got '\(text)'")
            }
            guard range.contains(value) else {
                throw problem("must be between \(SizeSyntax.format(range.lowerBound)) and \(SizeSyntax.format(range.upperBound)), got \(text)")
            }
            return .integer(value)
        case .milliseconds(let range), .number(let range):
            guard let value = Double(text), value.isFinite else { throw problem("expected a number, got '\(text)'") }
            guard range.contains(value) else {
                throw problem("must be between \(ParameterValue.number(range.lowerBound).text) and \(ParameterValue.number(range.upperBound).text), got \(ParameterValue.number(value).text)")
            }
            return .number(value)
        case .choice(let names):
            guard names.contains(text) else { throw problem(choiceMessage(names, got: text)) }
            return .text(text)
        case .flag:
            switch text.lowercased() {
            case "true", "yes": return .flag(true)
            case "false", "no": return .flag(false)
            default: throw problem("must be `true` or `false` (expected true or false, got '\(text)')")
            }
        case .text, .file:
            return .text(text)
        case .identifier:
            guard Self.isCIdentifier(text) else {
                throw problem("must be a C identifier (letters, digits and `_`, not starting with a digit), got '\(text)'")
            }
            return .text(text)
        }
    }

    /// A problem with this parameter.
    public func problem(_ message: String) -> ParameterProblem {
        ParameterProblem(parameter: name, message: advice.map { "\(message); \($0)" } ?? message)
    }

    /// "must be `a`, `b` or `c`, got 'd' (the choices: `a`, `b`, `c`)".
    public func choiceMessage(_ names: [String], got: String) -> String {
        let listed = names.map { "`\($0)`" }
        let either = listed.count <= 1 ? listed.joined() : listed.dropLast().joined(separator: ", ") + " or " + listed.last!
        return "must be \(either), got '\(got)' (the choices: \(listed.joined(separator: ", ")))"
    }

    /// Whether `text` is a C identifier.
    public static func isCIdentifier(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic) else { return false }
        return text.unicodeScalars.allSatisfy { $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) }
    }
}

/// A parameter's value.
public enum ParameterValue: Hashable, Sendable {
    /// A whole number (counts, bytes).
    case integer(Int)
    /// A number (milliseconds, shares).
    case number(Double)
    /// A name or a text.
    case text(String)
    /// True or false.
    case flag(Bool)

    /// The value as CSV files, labels and task specs write it: whole numbers without a decimal
    /// point (`20`, not `20.0`), other numbers as Swift prints them (`0.5`).
    public var text: String {
        switch self {
        case .integer(let value): String(value)
        case .number(let value): value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
        case .text(let value): value
        case .flag(let value): value ? "true" : "false"
        }
    }

    /// The whole number, or 0.
    public var integer: Int {
        switch self {
        case .integer(let value): value
        case .number(let value): Int(value)
        default: 0
        }
    }

    /// The number, or 0.
    public var number: Double {
        switch self {
        case .integer(let value): Double(value)
        case .number(let value): value
        default: 0
        }
    }

    /// The name or text, or "".
    public var string: String {
        if case .text(let value) = self { value } else { text }
    }

    /// The flag, or false.
    public var flag: Bool {
        if case .flag(let value) = self { value } else { false }
    }
}

/// The values of a workload's parameters, by parameter name, in declaration order.
public struct ParameterValues: Sendable, Equatable {
    /// A parameter's name and value.
    public struct Entry: Sendable, Equatable {
        /// The parameter's scenario key.
        public var name: String
        /// Its value.
        public var value: ParameterValue
    }

    /// Name and value pairs, in the order of the workload's declarations. (A struct, not a tuple:
    /// an array of tuples would make a fresh worker build the tuple's metadata at run time.)
    public private(set) var pairs: [Entry] = []
    /// Where each `file` parameter's file is on this machine, by parameter name (a scenario names
    /// it relative to its own folder); a value without an entry is its own path.
    public var resolvedFiles: [String: String] = [:]

    /// No values.
    public init() {}

    /// The values of `pairs`.
    public init(_ pairs: [(String, ParameterValue)]) {
        for (name, value) in pairs { self[name] = value }
    }

    /// The value of parameter `name`; nil when absent. Setting nil removes it.
    public subscript(name: String) -> ParameterValue? {
        get { pairs.first { $0.name == name }?.value }
        set {
            if let index = pairs.firstIndex(where: { $0.name == name }) {
                if let newValue { pairs[index].value = newValue } else { pairs.remove(at: index) }
            } else if let newValue {
                pairs.append(Entry(name: name, value: newValue))
            }
        }
    }

    /// The whole number `name`, or 0 when absent.
    public func integer(_ name: String) -> Int { self[name]?.integer ?? 0 }
    /// The number `name`, or 0 when absent.
    public func number(_ name: String) -> Double { self[name]?.number ?? 0 }
    /// The text `name`, or "" when absent.
    public func text(_ name: String) -> String { self[name]?.string ?? "" }
    /// Where file parameter `name` is on this machine.
    public func path(_ name: String) -> String { resolvedFiles[name] ?? text(name) }
    /// The flag `name`, or false when absent.
    public func flag(_ name: String) -> Bool { self[name]?.flag ?? false }
    /// The choice `name` as an enumeration's case.
    public func choice<T: RawRepresentable>(_ name: String, _ type: T.Type = T.self) -> T? where T.RawValue == String {
        T(rawValue: text(name))
    }

    public static func == (lhs: ParameterValues, rhs: ParameterValues) -> Bool {
        lhs.pairs == rhs.pairs
    }
}

/// A parameter value a workload cannot take: which parameter, and what it must be.
public struct ParameterProblem: Error, CustomStringConvertible, Sendable, Equatable {
    /// The parameter's scenario key.
    public var parameter: String
    /// What is wrong and what it must be.
    public var message: String
    /// Creates a problem.
    public init(parameter: String, message: String) {
        self.parameter = parameter
        self.message = message
    }
    public var description: String { "`\(parameter)`: \(message)" }
}

/// Byte sizes as scenarios, labels and `tvp serve` write them: `8MiB`, `256KiB`, `1GiB`, `64MB`,
/// `4096`; `format` writes the shortest exact form back. Without Foundation, for the workloads'
/// declarations; the other ways tvp shows a size (charts, notices) are `ByteSize`'s (TVPFormatting).
public enum SizeSyntax {
    private static let units: [(suffix: String, factor: Int)] = [
        ("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10),
        ("GB", 1_000_000_000), ("MB", 1_000_000), ("KB", 1_000), ("kB", 1_000), ("B", 1),
    ]

    /// Parses a size; nil when `text` is not a whole number of bytes with an optional unit.
    public static func parse(_ text: String) -> Int? {
        let trimmed = trim(Substring(text))
        for (suffix, factor) in units where trimmed.hasSuffix(suffix) {
            let number = trim(trimmed.dropLast(suffix.count))
            if number.hasPrefix("-") || number.hasPrefix("+") { return nil }
            if let whole = Int(number) {
                let (product, overflow) = whole.multipliedReportingOverflow(by: factor)
                return overflow ? nil : product
            }
            if let fraction = Double(number), fraction >= 0, fraction * Double(factor) < 9e18,
               (fraction * Double(factor)).rounded() == fraction * Double(factor) {
                return Int(fraction * Double(factor))
            }
            return nil
        }
        return trimmed.hasPrefix("-") ? nil : Int(trimmed)
    }

    /// The shortest exact binary form of `bytes`: "8MiB", "1536KiB", "100B".
    public static func format(_ bytes: Int) -> String {
        for (suffix, factor) in [("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)]
        where bytes >= factor && bytes % factor == 0 {
            return "\(bytes / factor)\(suffix)"
        }
        return "\(bytes)B"
    }

    private static func trim(_ text: Substring) -> Substring {
        var text = text
        while text.first == " " || text.first == "\t" { text = text.dropFirst() }
        while text.last == " " || text.last == "\t" { text = text.dropLast() }
        return text
    }
}
