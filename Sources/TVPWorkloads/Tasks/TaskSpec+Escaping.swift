extension TaskSpec {
    /// `text` with `%` and `;` escaped, so that it fits between the spec's separators.
    static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "%": out += "%25"
            case ";": out += "%3B"
            default: out.append(character)
            }
        }
        return out
    }

    /// Undoes `escape`.
    static func unescape(_ text: String) -> String {
        guard text.contains("%") else { return text }
        var out = "", rest = Substring(text)
        while let percent = rest.firstIndex(of: "%") {
            out += rest[..<percent]
            let code = rest[percent...].prefix(3)
            switch code {
            case "%25": out += "%"
            case "%3B": out += ";"
            default: out += code
            }
            rest = rest[percent...].dropFirst(code.count)
        }
        return out + rest
    }
}
