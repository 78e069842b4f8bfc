import Foundation
import Testing

/// The layering the compiler cannot see whole: docs/architecture.md's table of targets against
/// Package.swift and against every import line under Sources/.
@Suite("Architecture")
struct ArchitectureTests {
    /// The package's root: three levels above this file (Tests/TVPTests/ArchitectureTests.swift).
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    @Test("docs/architecture.md, Package.swift and the sources' imports agree; Glibc and raw pointers stay in TVPSystem")
    func layeringHolds() throws {
        let page = try String(contentsOfFile: "\(Self.root)/docs/architecture.md", encoding: .utf8)
        let manifest = try String(contentsOfFile: "\(Self.root)/Package.swift", encoding: .utf8)
        let targets = LayeringCheck.targets(inManifest: manifest)
        #expect(targets.count >= 15, "Package.swift's targets were not found: \(targets.map(\.name))")
        let sources = targets.filter { !$0.isTest }.flatMap { target in
            Self.swiftFiles(under: "\(Self.root)/\(target.path)").map { path in
                LayeringCheck.SourceFile(target: target.name, path: String(path.dropFirst(Self.root.count + 1)),
                                         text: (try? String(contentsOfFile: path, encoding: .utf8)) ?? "")
            }
        }
        #expect(sources.count > 100, "the sources were not found under \(Self.root)")
        let problems = LayeringCheck.problems(page: page, manifest: manifest, sources: sources)
        #expect(problems.isEmpty, "\(problems.count) problems:\n\(problems.joined(separator: "\n"))")
    }

    @Test("the workers cannot reach Foundation through the table's imports")
    func workersStayFoundationFree() throws {
        let page = try String(contentsOfFile: "\(Self.root)/docs/architecture.md", encoding: .utf8)
        let rows = LayeringCheck.rows(inPage: page)
        for worker in ["tvp-worker", "tvp-plugin-worker"] {
            let reach = LayeringCheck.reachable(from: worker, rows: rows)
            #expect(!reach.contains("Foundation"), "\(worker) reaches Foundation: \(reach.sorted())")
            #expect(reach.contains("TVPWorkloads"), "\(worker)'s row was not read: \(reach.sorted())")
        }
    }

    // MARK: The check proven able to fail

    static let page = """
        | target | role | may import |
        | --- | --- | --- |
        | `CLow` | C | — |
        | `Low` | the bottom | `CLow`, `SystemPackage`, `Glibc` |
        | `High` | the top | `Low`, `Foundation` |
        """
    static let manifest = """
        let package = Package(targets: [
            .target(name: "CLow"),
            .target(name: "Low", dependencies: ["CLow", .product(name: "SystemPackage", package: "swift-system")]),
            .executableTarget(
                name: "High",
                dependencies: ["Low"]
            ),
            .testTarget(name: "HighTests", dependencies: ["High"]),
        ])
        """

    @Test("a consistent synthetic package has no problem")
    func syntheticConsistent() {
        let sources = [
            LayeringCheck.SourceFile(target: "Low", path: "Sources/Low/A.swift", text: "import SystemPackage\nimport CLow\n"),
            LayeringCheck.SourceFile(target: "High", path: "Sources/High/main.swift", text: "@testable import Low\nimport Foundation\n// import Glibc\n"),
        ]
        #expect(LayeringCheck.problems(page: Self.page, manifest: Self.manifest, sources: sources) == [])
        #expect(LayeringCheck.targets(inManifest: Self.manifest).map(\.path) == ["Sources/CLow", "Sources/Low", "Sources/High", "Tests/HighTests"])
    }

    @Test("an import the row does not allow, Glibc or a raw pointer outside TVPSystem, and a manifest that differs from the page each fail, naming file and import")
    func syntheticFailures() {
        let sources = [
            LayeringCheck.SourceFile(target: "Low", path: "Sources/Low/Up.swift", text: "import Low\nimport High\n"),
            LayeringCheck.SourceFile(target: "High", path: "Sources/High/main.swift", text: "import Glibc\nlet p: UnsafeRawPointer? = nil\n"),
        ]
        let manifest = Self.manifest.replacingOccurrences(of: "dependencies: [\"Low\"]", with: "dependencies: [\"Low\", \"Extra\"]")
        let problems = LayeringCheck.problems(page: Self.page + "\n| `Ghost` | not built | — |\n", manifest: manifest, sources: sources)
        #expect(problems.contains("Sources/Low/Up.swift:2: `import High`: Low may import only CLow, Glibc, SystemPackage (docs/architecture.md)"))
        #expect(problems.contains("Sources/High/main.swift:1: `import Glibc`: only TVPSystem imports Glibc"))
        #expect(problems.contains("Sources/High/main.swift:1: `import Glibc`: High may import only Foundation, Low (docs/architecture.md)"))
        #expect(problems.contains("Sources/High/main.swift:2: `UnsafeRawPointer`: only TVPSystem holds raw pointers"))
        #expect(problems.contains("Package.swift: High depends on Extra, which its row in docs/architecture.md does not list"))
        #expect(problems.contains("docs/architecture.md: Ghost has a row but is no target of Package.swift"))
        #expect(problems.count == 6, "\(problems)")
        let missingRow = LayeringCheck.problems(page: Self.page.replacingOccurrences(of: "| `High` | the top | `Low`, `Foundation` |", with: ""),
                                                manifest: Self.manifest, sources: [])
        #expect(missingRow == ["Package.swift: High is a target without a row in docs/architecture.md"])
        let missingDependency = LayeringCheck.problems(page: Self.page.replacingOccurrences(of: "`Low`, `Foundation`", with: "`Low`, `Yams`, `Foundation`"),
                                                       manifest: Self.manifest, sources: [])
        #expect(missingDependency == ["Package.swift: High does not depend on Yams, which its row in docs/architecture.md lists"])
    }

    /// The Swift files under `directory`, sorted.
    static func swiftFiles(under directory: String) -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: directory) else { return [] }
        return walker.compactMap { $0 as? String }.filter { $0.hasSuffix(".swift") }.sorted().map { "\(directory)/\($0)" }
    }
}
