import TVPFormatting
import TVPWorkloads

extension PluginWorkload {
    /// Parameter name and value pairs as written in CSV files: the library as the scenario spells
    /// it, the symbol, the parameter string, and the input when there is one.
    var parameters: [(name: String, value: String)] {
        var pairs = [("plugin_library", library), ("plugin_symbol", symbol), ("plugin_parameter", parameter)]
        if let input { pairs += [("input_size", String(input.inputSize)), ("transfer", input.transfer.rawValue)] }
        return pairs
    }

    /// "plugin[SYMBOL PARAMETER]", with the input's size and transfer when there is one
    /// ("plugin[compress 6 8MiB pipe]"). A comma in the parameter shows as `_` (expectations
    /// separate their arguments with commas), and a long parameter is cut at 40 characters.
    var label: String {
        var words = [symbol]
        if !parameter.isEmpty {
            let shown = String(parameter.map { $0 == "," || $0 == "\n" ? "_" : $0 })
            words.append(shown.count > 40 ? String(shown.prefix(39)) + "…" : shown)
        }
        if let input {
            words.append(ByteSize.format(input.inputSize))
            if input.transfer != .inPlace { words.append(input.transfer.rawValue) }
        }
        return "plugin[\(words.joined(separator: " "))]"
    }
}
