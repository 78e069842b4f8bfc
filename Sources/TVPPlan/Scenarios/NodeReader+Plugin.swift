import Foundation
import TVPSystem
import TVPWorkloads
import Yams

extension NodeReader {
    /// The `plugin` workload: `library` (a path relative to the scenario file's folder, which must
    /// exist), `symbol` (a C identifier), `parameter` (any text), `input_size` with its `transfer`,
    /// and `deterministic`.
    mutating func plugin(_ p: [String: Node], path: String) -> PluginWorkload? {
        // A missing key is reported on the line of the workload's first parameter.
        let first = p.values.min { ($0.mark?.line ?? 0) < ($1.mark?.line ?? 0) }
        var library: (written: String, resolved: String)?
        if let node = p["library"] {
            library = string(node, "\(path).library").flatMap { libraryPath($0, node: node, key: "\(path).library") }
        } else {
            problem(first, "\(path).library", "missing: name the plugin's shared library, e.g. `library: build/libmytask.so` (relative to the scenario file's folder)")
        }
        var symbol: String?
        if let node = p["symbol"] {
            symbol = string(node, "\(path).symbol")
            if let text = symbol, !Self.isCIdentifier(text) {
                problem(node, "\(path).symbol", "must be the exported name of the task function (letters, digits and `_`, not starting with a digit), got '\(text)'")
                symbol = nil
            }
        } else {
            problem(first, "\(path).symbol", "missing: name the task function the library exports, e.g. `symbol: my_task`")
        }
        let parameter = p["parameter"].map { string($0, "\(path).parameter") } ?? ""
        // .some(nil): no input; nil: an input with a problem.
        var input: SharedWorkload?? = .some(nil)
        if let node = p["input_size"] {
            let size = size(node, "\(path).input_size", Limits.inputSize)
            let transfer = p["transfer"].map { self.transfer($0, path: path) } ?? .pipe
            if let size, let transfer { input = SharedWorkload(inputSize: size, transfer: transfer) } else { input = nil }
        } else {
            if let node = p["transfer"] {
                problem(node, "\(path).transfer", "ships the plugin's input, so it needs `input_size` (the input's size, cut into one slice per task)")
            }
        }
        let deterministic = p["deterministic"].map { boolean($0, "\(path).deterministic") } ?? true
        guard let library, let symbol, let parameter, case .some(let input) = input, let deterministic else { return nil }
        return PluginWorkload(library: library.written, libraryPath: library.resolved, symbol: symbol,
                              parameter: parameter, input: input, deterministic: deterministic)
    }

    /// `text` resolved against the scenario's folder, when a file is there (or files are not
    /// required); a problem otherwise.
    private mutating func libraryPath(_ text: String, node: Node, key: String) -> (written: String, resolved: String)? {
        guard !text.isEmpty else {
            problem(node, key, "must name the plugin's shared library, e.g. `build/libmytask.so`")
            return nil
        }
        let resolved = URL(fileURLWithPath: text.hasPrefix("/") ? text : "\(directory)/\(text)").standardized.path
        if requiresFiles, let kind = Files.irregularKind(resolved) {
            problem(node, key, "\(resolved) is \(kind), not a shared library; name the plugin's .so file, e.g. `build/libmytask.so`")
            return nil
        }
        var isDirectory: ObjCBool = false
        guard !requiresFiles || (FileManager.default.fileExists(atPath: resolved, isDirectory: &isDirectory) && !isDirectory.boolValue) else {
            problem(node, key, "no file \(resolved) (`library` is relative to the scenario file's folder, \(directory)); build the plugin first (see its Makefile or Package.swift), or correct the path")
            return nil
        }
        return (text, resolved)
    }

    /// `true`/`false` (or `yes`/`no`).
    mutating func boolean(_ node: Node, _ key: String) -> Bool? {
        guard let text = string(node, key) else { return nil }
        switch text.lowercased() {
        case "true", "yes": return true
        case "false", "no": return false
        default:
            problem(node, key, "expected true or false, got '\(text)'")
            return nil
        }
    }

    private static func isCIdentifier(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic) else { return false }
        return text.unicodeScalars.allSatisfy { $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) }
    }
}
