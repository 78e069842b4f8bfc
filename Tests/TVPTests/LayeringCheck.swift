import Foundation

/// The rules `ArchitectureTests` checks, on texts, so that a synthetic package can show each failing.
enum LayeringCheck {
    /// Modules of the toolchain: a row lists those its target may import, Package.swift never does.
    static let systemModules: Set<String> = [
        "Foundation", "FoundationEssentials", "FoundationNetworking", "FoundationXML", "Glibc", "Musl", "Darwin",
        "Dispatch", "Synchronization", "Swift", "_Concurrency", "Observation", "RegexBuilder",
    ]

    /// A target of Package.swift.
    struct Target: Equatable {
        var name: String
        /// Its targets' and products' names.
        var dependencies: Set<String>
        /// Its folder, relative to the package.
        var path: String
        var isTest: Bool
    }

    /// A Swift file of a target.
    struct SourceFile {
        var target: String
        /// Relative to the package, for messages.
        var path: String
        var text: String
    }

    /// Every problem, one line each, naming the file (and line) or the target.
    static func problems(page: String, manifest: String, sources: [SourceFile]) -> [String] {
        let rows = rows(inPage: page)
        let targets = targets(inManifest: manifest).filter { !$0.isTest }
        var problems: [String] = []
        for target in targets {
            guard let allowed = rows[target.name] else {
                problems.append("Package.swift: \(target.name) is a target without a row in docs/architecture.md")
                continue
            }
            let listed = allowed.subtracting(systemModules)
            for extra in target.dependencies.subtracting(listed).sorted() {
                problems.append("Package.swift: \(target.name) depends on \(extra), which its row in docs/architecture.md does not list")
            }
            for missing in listed.subtracting(target.dependencies).sorted() {
                problems.append("Package.swift: \(target.name) does not depend on \(missing), which its row in docs/architecture.md lists")
            }
        }
        for name in rows.keys.sorted() where !targets.contains(where: { $0.name == name }) {
            problems.append("docs/architecture.md: \(name) has a row but is no target of Package.swift")
        }
        for file in sources {
            let allowed = rows[file.target]
            let code = withoutComments(file.text)
            for (number, line) in code.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                if line.contains("import"), let module = importedModule(line) {
                    if module == "Glibc" && file.target != "TVPSystem" {
                        problems.append("\(file.path):\(number + 1): `import Glibc`: only TVPSystem imports Glibc")
                    }
                    if let allowed, module != file.target, !allowed.contains(module) {
                        problems.append("\(file.path):\(number + 1): `import \(module)`: \(file.target) may import only "
                            + "\(allowed.sorted().joined(separator: ", ")) (docs/architecture.md)")
                    }
                }
                if file.target != "TVPSystem", line.contains("Unsafe"), let pointer = line.firstMatch(of: /\bUnsafe(Mutable)?(Raw)?(Buffer)?Pointer\b/) {
                    problems.append("\(file.path):\(number + 1): `\(pointer.output.0)`: only TVPSystem holds raw pointers")
                }
            }
        }
        return problems
    }

    /// The table's rows: each target (in backquotes, first column) and the names its third column
    /// lists in backquotes ("—": none).
    static func rows(inPage page: String) -> [String: Set<String>] {
        var rows: [String: Set<String>] = [:]
        var inTable = false
        for line in page.split(separator: "\n", omittingEmptySubsequences: false) {
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard line.hasPrefix("|"), cells.count >= 5 else { inTable = false; continue }
            if cells[1] == "target" && cells[3] == "may import" { inTable = true; continue }
            guard inTable, let target = cells[1].firstMatch(of: /^`([^`]+)`$/)?.output.1 else { continue }
            rows[String(target)] = Set(cells[3].matches(of: /`([^`]+)`/).map { String($0.output.1) })
        }
        return rows
    }

    /// Package.swift's targets, from its text: name, dependencies (quoted target names and
    /// `.product(name:)`s), folder (`path:`, else Sources/ or Tests/ and the name).
    static func targets(inManifest manifest: String) -> [Target] {
        var targets: [Target] = []
        var rest = Substring(manifest)
        while let start = rest.firstMatch(of: /\.(target|executableTarget|testTarget|systemLibrary)\(/) {
            let kind = String(start.output.1)
            let body = balanced(rest[start.range.upperBound...])
            rest = rest[body.endIndex...]
            guard let name = body.firstMatch(of: /name:\s*"([^"]+)"/)?.output.1 else { continue }
            var dependencies: Set<String> = []
            if let list = body.firstMatch(of: /dependencies:\s*\[/) {
                var items = String(balanced(body[list.range.upperBound...], open: "[", close: "]"))
                for product in items.matches(of: /\.product\(\s*name:\s*"([^"]+)"[^)]*\)/) { dependencies.insert(String(product.output.1)) }
                items = items.replacing(/\.product\([^)]*\)/, with: "")
                for quoted in items.matches(of: /"([^"]+)"/) { dependencies.insert(String(quoted.output.1)) }
            }
            let folder = kind == "testTarget" ? "Tests" : "Sources"
            let path = body.firstMatch(of: /path:\s*"([^"]+)"/).map { String($0.output.1) } ?? "\(folder)/\(name)"
            targets.append(Target(name: String(name), dependencies: dependencies, path: path, isTest: kind == "testTarget"))
        }
        return targets
    }

    /// Everything `target` may reach through the rows, itself excluded.
    static func reachable(from target: String, rows: [String: Set<String>]) -> Set<String> {
        var seen: Set<String> = [], queue = Array(rows[target] ?? [])
        while let next = queue.popLast() {
            guard seen.insert(next).inserted else { continue }
            queue += rows[next] ?? []
        }
        return seen
    }

    /// The module an `import` line names (`import X`, `@testable import X`, `import struct X.Y`); nil
    /// for any other line.
    static func importedModule(_ line: Substring) -> String? {
        let pattern = /^\s*(?:@\w+\s+)*(?:(?:public|package|internal|private|fileprivate)\s+)?import\s+(?:(?:struct|class|enum|protocol|func|var|let|typealias)\s+)?(\w+)/
        return line.firstMatch(of: pattern).map { String($0.output.1) }
    }

    /// `text` with its comments blanked, lines kept (string literals are not told apart: an import
    /// line never sits inside one here).
    static func withoutComments(_ text: String) -> String {
        var out = "", inLine = false, inBlock = false
        var previous: Character = " "
        for character in text {
            if inLine {
                if character == "\n" { inLine = false; out.append(character) }
            } else if inBlock {
                if character == "\n" { out.append(character) }
                if previous == "*" && character == "/" { inBlock = false; previous = " "; continue }
            } else if previous == "/" && (character == "/" || character == "*") {
                out.removeLast()
                if character == "/" { inLine = true } else { inBlock = true; previous = " "; continue }
            } else {
                out.append(character)
            }
            previous = character
        }
        return out
    }

    /// The text up to the bracket that closes the one just opened, exclusive.
    static func balanced(_ text: Substring, open: Character = "(", close: Character = ")") -> Substring {
        var depth = 1
        var index = text.startIndex
        while index < text.endIndex {
            if text[index] == open { depth += 1 } else if text[index] == close {
                depth -= 1
                if depth == 0 { return text[text.startIndex..<index] }
            }
            index = text.index(after: index)
        }
        return text[...]
    }
}
