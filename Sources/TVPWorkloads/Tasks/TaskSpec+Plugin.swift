extension TaskSpec {
    /// `plugin;lib=PATH;sym=NAME;param=TEXT`, then `;size=N;transfer=pipe|file|shm` when it has an
    /// input. The library is the resolved path (what the worker opens); the texts escape `%` and
    /// `;` as `%25` and `%3B`.
    static func encode(_ plugin: PluginWorkload) -> String {
        var text = "plugin;lib=\(escape(plugin.libraryPath));sym=\(escape(plugin.symbol));param=\(escape(plugin.parameter))"
        if let input = plugin.input { text += ";size=\(input.inputSize);transfer=\(input.transfer.rawValue)" }
        return text
    }

    /// Decodes the fields of a `plugin` spec; the library is known by its path alone.
    static func decodePlugin(_ fields: [String: String]) throws -> PluginWorkload {
        guard let path = fields["lib"].map(unescape), !path.isEmpty, let symbol = fields["sym"].map(unescape), !symbol.isEmpty else {
            throw DecodingError(description: "plugin task spec needs lib= and sym=")
        }
        var input: SharedWorkload?
        if fields["size"] != nil {
            guard let transfer = Transfer(rawValue: fields["transfer"] ?? "") else {
                throw DecodingError(description: "plugin task spec with an input needs a valid transfer=")
            }
            input = SharedWorkload(inputSize: try integer(fields, "size"), transfer: transfer)
        }
        return PluginWorkload(library: path, libraryPath: path, symbol: symbol,
                              parameter: fields["param"].map(unescape) ?? "", input: input)
    }

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
