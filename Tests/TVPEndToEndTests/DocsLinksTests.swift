import Foundation
import Testing

/// The README and docs/ stay linked: every relative link or image of README.md and docs/*.md points
/// at a file or folder that exists, every `#fragment` at a heading of its page (GitHub's slug rule),
/// and the README stays a front door of at most 400 lines.
@Suite struct DocsLinksTests {
    /// The repository's root: three levels above this file (Tests/TVPEndToEndTests/DocsLinksTests.swift).
    static let root: String = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()
        .deletingLastPathComponent()
        .deletingLastPathComponent()
        .path

    /// README.md, then every docs/*.md in name order, as absolute paths.
    static func pages() throws -> [String] {
        let docs = root + "/docs"
        let names = try FileManager.default.contentsOfDirectory(atPath: docs)
            .filter { $0.hasSuffix(".md") }
            .sorted()
        return [root + "/README.md"] + names.map { docs + "/" + $0 }
    }

    /// GitHub's anchor for a heading: lowercased, each space a `-`, every character that is not a
    /// letter, a digit, `-` or `_` dropped (backticks, colons, slashes, parentheses, apostrophes, dashes).
    static func slug(_ heading: String) -> String {
        var result = ""
        for character in heading.lowercased() {
            if character == " " {
                result.append("-")
            } else if character == "-" || character == "_" || character.isLetter || character.isNumber {
                result.append(character)
            }
        }
        return result
    }

    /// A Markdown page's heading anchors and its links (`[text](target)` and `![alt](target)`), each
    /// with its line number; fenced code blocks and inline code spans are skipped.
    static func scan(_ text: String) -> (anchors: Set<String>, links: [(line: Int, target: String)]) {
        var anchors: Set<String> = []
        var links: [(line: Int, target: String)] = []
        var inFence = false
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = String(rawLine)
            let trimmed = line.drop(while: { $0 == " " || $0 == "\t" })
            if trimmed.hasPrefix("```") {
                inFence.toggle()
                continue
            }
            if inFence { continue }
            if let heading = headingText(line) {
                anchors.insert(slug(heading))
            }
            // Inline code spans hold no links: keep only the text between them.
            let pieces = line.split(separator: "`", omittingEmptySubsequences: false)
            let prose = pieces.enumerated().filter { $0.offset % 2 == 0 }.map { String($0.element) }.joined(separator: " ")
            for target in linkTargets(prose) {
                links.append((line: index + 1, target: target))
            }
        }
        return (anchors, links)
    }

    /// The text of an ATX heading (`# Title` to `###### Title`), or nil.
    static func headingText(_ line: String) -> String? {
        let hashes = line.prefix(while: { $0 == "#" }).count
        guard hashes >= 1, hashes <= 6 else { return nil }
        let rest = line.dropFirst(hashes)
        guard rest.first == " " else { return nil }
        var text = rest.trimmingCharacters(in: .whitespaces)
        while text.hasSuffix("#") { text.removeLast() }
        return text.trimmingCharacters(in: .whitespaces)
    }

    /// The targets of the `[text](target)` links on one line of prose (a title after a space dropped).
    static func linkTargets(_ line: String) -> [String] {
        let characters = Array(line)
        var targets: [String] = []
        var index = 0
        while index < characters.count {
            guard characters[index] == "[",
                  let close = characters[(index + 1)...].firstIndex(of: "]"),
                  close + 1 < characters.count, characters[close + 1] == "(",
                  let end = characters[(close + 2)...].firstIndex(of: ")")
            else {
                index += 1
                continue
            }
            let inside = String(characters[(close + 2)..<end])
            let target = inside.split(separator: " ", maxSplits: 1).first.map { String($0) } ?? ""
            if !target.isEmpty { targets.append(target) }
            index = end + 1
        }
        return targets
    }

    /// Every broken link of `pages`, as "file:line: target (why)".
    static func brokenLinks(in pages: [String]) throws -> [String] {
        var anchorsOf: [String: Set<String>] = [:]
        func anchors(_ path: String) throws -> Set<String> {
            if let known = anchorsOf[path] { return known }
            let text = try String(contentsOfFile: path, encoding: .utf8)
            let found = scan(text).anchors
            anchorsOf[path] = found
            return found
        }
        var broken: [String] = []
        for page in pages {
            let text = try String(contentsOfFile: page, encoding: .utf8)
            let shown = page.hasPrefix(root + "/") ? String(page.dropFirst(root.count + 1)) : page
            let folder = URL(fileURLWithPath: page).deletingLastPathComponent()
            for (line, target) in scan(text).links {
                if target.hasPrefix("http://") || target.hasPrefix("https://") || target.hasPrefix("mailto:") { continue }
                let parts = target.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)
                let path = String(parts[0])
                let fragment = parts.count > 1 ? String(parts[1]) : ""
                if path.isEmpty {
                    let own = try anchors(page)
                    if !own.contains(fragment) {
                        broken.append("\(shown):\(line): \(target) (no heading with this anchor on the page)")
                    }
                    continue
                }
                let resolved = folder.appendingPathComponent(path).standardizedFileURL.path
                guard FileManager.default.fileExists(atPath: resolved) else {
                    broken.append("\(shown):\(line): \(target) (no such file)")
                    continue
                }
                if !fragment.isEmpty, resolved.hasSuffix(".md") {
                    let theirs = try anchors(resolved)
                    if theirs.contains(fragment) { continue }
                    broken.append("\(shown):\(line): \(target) (no heading with this anchor in \(path))")
                }
            }
        }
        return broken
    }

    @Test func everyRelativeLinkOfTheReadmeAndDocsResolves() throws {
        let pages = try Self.pages()
        #expect(pages.count > 1, "docs/ holds no Markdown page")
        let broken = try Self.brokenLinks(in: pages)
        #expect(broken.isEmpty, "\(broken.count) broken link(s):\n\(broken.joined(separator: "\n"))")
    }

    @Test func theReadmeIsAFrontDoorOfAtMost400Lines() throws {
        let text = try String(contentsOfFile: Self.root + "/README.md", encoding: .utf8)
        let lines = text.utf8.filter { $0 == UInt8(ascii: "\n") }.count + (text.isEmpty || text.hasSuffix("\n") ? 0 : 1)
        #expect(lines <= 400, "README.md has \(lines) lines; move detail into docs/")
    }

    @Test func anchorsFollowGitHubsSlugRule() {
        #expect(Self.slug("JSON export (hyperfine's layout)") == "json-export-hyperfines-layout")
        #expect(Self.slug("`cpus`: the usable CPUs") == "cpus-the-usable-cpus")
        #expect(Self.slug("The CPU/I-O crossover: `scenarios/crossover.yaml`") == "the-cpui-o-crossover-scenarioscrossoveryaml")
        #expect(Self.slug("tvp — threads versus processes, measured") == "tvp--threads-versus-processes-measured")
        #expect(Self.linkTargets("see [a](docs/a.md#x \"title\") and ![b](b.png), not [c] (d)") == ["docs/a.md#x", "b.png"])
    }
}
