/// Arithmetic over whole numbers, decimals and `cpus` (the machine's usable CPUs), so that a
/// scenario's worker counts, task counts and expectation bounds follow the machine:
/// `workers: [1, 2, cpus, 2 * cpus]`, `tasks: max(32, 4 * cpus)`,
/// `threads.speedup(cpu, workers: cpus) >= 0.6 * cpus`.
///
/// Grammar: `sum := product (('+' | '-') product)*`, `product := atom (('*' | '/') atom)*`,
/// `atom := NUMBER | cpus | '(' sum ')' | (min | max) '(' sum ',' sum ')'`.
public enum CPUExpression {
    /// The value of `text` with `cpus` CPUs; nil when `text` is not such an expression.
    public static func value(_ text: String, cpus: Int) -> Double? {
        var parser = Parser(tokens: tokens(text), cpus: Double(cpus))
        guard !parser.tokens.isEmpty, let value = parser.sum(), parser.position == parser.tokens.count, value.isFinite else { return nil }
        return value
    }

    /// A count (of workers or tasks) from `text`: the value rounded up, at least 1; nil when `text`
    /// is not an expression.
    public static func count(_ text: String, cpus: Int) -> Int? {
        guard let value = value(text, cpus: cpus), value < Double(Int32.max) else { return nil }
        return max(1, Int(value.rounded(.up)))
    }

    /// Whether `text` mentions `cpus`.
    public static func mentionsCPUs(_ text: String) -> Bool { tokens(text).contains(.name("cpus")) }

    enum Token: Equatable {
        case number(Double), name(String), symbol(Character)
    }

    static func tokens(_ text: String) -> [Token] {
        var result: [Token] = []
        var index = text.startIndex
        while index < text.endIndex {
            let c = text[index]
            if c == " " || c == "\t" {
                index = text.index(after: index)
            } else if c.isNumber || c == "." {
                var end = index
                while end < text.endIndex, text[end].isNumber || text[end] == "." { end = text.index(after: end) }
                guard let number = Double(text[index..<end]) else { return [.symbol("?")] }
                result.append(.number(number))
                index = end
            } else if c.isLetter {
                var end = index
                while end < text.endIndex, text[end].isLetter || text[end] == "_" { end = text.index(after: end) }
                result.append(.name(String(text[index..<end])))
                index = end
            } else {
                result.append(.symbol(c))
                index = text.index(after: index)
            }
        }
        return result
    }

    struct Parser {
        let tokens: [Token]
        let cpus: Double
        var position = 0

        init(tokens: [Token], cpus: Double) {
            self.tokens = tokens
            self.cpus = cpus
        }

        mutating func take(_ symbol: Character) -> Bool {
            guard position < tokens.count, tokens[position] == .symbol(symbol) else { return false }
            position += 1
            return true
        }

        mutating func sum() -> Double? {
            guard var value = product() else { return nil }
            while true {
                if take("+") { guard let next = product() else { return nil }; value += next }
                else if take("-") { guard let next = product() else { return nil }; value -= next }
                else { return value }
            }
        }

        mutating func product() -> Double? {
            guard var value = atom() else { return nil }
            while true {
                if take("*") { guard let next = atom() else { return nil }; value *= next }
                else if take("/") { guard let next = atom(), next != 0 else { return nil }; value /= next }
                else { return value }
            }
        }

        mutating func atom() -> Double? {
            guard position < tokens.count else { return nil }
            let token = tokens[position]
            position += 1
            switch token {
            case .number(let value): return value
            case .name("cpus"): return cpus
            case .name(let function) where function == "min" || function == "max":
                guard take("("), let a = sum(), take(","), let b = sum(), take(")") else { return nil }
                return function == "min" ? Swift.min(a, b) : Swift.max(a, b)
            case .symbol("("):
                guard let value = sum(), take(")") else { return nil }
                return value
            default: return nil
            }
        }
    }
}
