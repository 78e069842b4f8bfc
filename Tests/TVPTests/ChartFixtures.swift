import Foundation
import Testing
import TVPSystem
import TVPWorkloads
@testable import TVPAnalysis
@testable import TVPReport
@testable import TVPResults

/// The chart fixtures (Fixtures/charts/<name>/) as run folders of their own, and what tests read
/// of charts.
enum ChartFixtures {
    /// The environment with this checkout's chart scripts.
    static var environment: [String: String] {
        ProcessInfo.processInfo.environment.merging(["TVP_CHARTS_DIR": packageRoot + "/charts"]) { $1 }
    }

    /// A fresh run folder holding every file of the fixture `name`.
    static func runFolder(_ name: String) throws -> String {
        let directory = try Files.makePrivateDirectory(in: Files.temporaryDirectory, prefix: "tvp-charts-")
        let source = try #require(Bundle.module.url(forResource: "Fixtures/charts/\(name)", withExtension: nil))
        for file in try FileManager.default.contentsOfDirectory(atPath: source.path) {
            try Files.writeDurably(Array(try Data(contentsOf: source.appendingPathComponent(file))), to: "\(directory)/\(file)")
        }
        return directory
    }

    /// The fixture `name` read as a run.
    static func run(_ name: String) throws -> RunFolder {
        let directory = try runFolder(name)
        defer { Files.removeTree(directory) }
        return try RunFolder.load(directory, reading: .summary)
    }

    /// The data `chart` prepares for `run`; fails the test when it skips.
    static func data(_ chart: Chart, _ run: RunFolder) throws -> ChartData {
        switch chart.prepare(run) {
        case .draw(let data): return data
        case .skip(let reason):
            Issue.record("\(chart.name) skipped: \(reason)")
            throw ChartFixtureError.skipped
        }
    }

    /// The numbers of a settings array.
    static func numbers(_ data: ChartData, _ name: String) -> [Double] {
        if case .numbers(let values)? = data.settings[name] { return values }
        return []
    }

    /// The texts of a settings array.
    static func texts(_ data: ChartData, _ name: String) -> [String] {
        if case .texts(let values)? = data.settings[name] { return values }
        return []
    }

    /// A TSV file as gnuplot reads it: blocks apart by blank lines, each a header and rows.
    static func parseTSV(_ text: String) -> [[[String: String]]] {
        text.components(separatedBy: "\n\n\n").map { block in
            let lines = block.split(separator: "\n").map(String.init)
            guard let header = lines.first?.components(separatedBy: "\t") else { return [] }
            return lines.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(header, $0.components(separatedBy: "\t"))) }
        }
    }

    /// Width and height from a PNG's IHDR chunk (bytes 16–23, big-endian), after checking the signature.
    static func pngSize(_ path: String) throws -> (width: Int, height: Int) {
        let bytes = try Files.readAll(path)
        #expect(bytes.count > 24)
        #expect(Array(bytes[0..<8]) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], "\(path) is not a PNG")
        let be = { (at: Int) in bytes[at..<at + 4].reduce(0) { $0 << 8 | Int($1) } }
        return (be(16), be(20))
    }

    /// SHA-256 of every file under `directory` outside charts/, by relative path.
    static func hashesOutsideCharts(_ directory: String) throws -> [String: String] {
        var result: [String: String] = [:]
        func walk(_ relative: String) throws {
            let path = relative.isEmpty ? directory : "\(directory)/\(relative)"
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return }
            if isDirectory.boolValue {
                for name in Files.directoryEntries(path) where !(relative.isEmpty && name == "charts") {
                    try walk(relative.isEmpty ? name : "\(relative)/\(name)")
                }
            } else {
                result[relative] = SHA256Hasher.hash(try Files.readAll(path, limit: 1 << 30)).hex
            }
        }
        try walk("")
        return result
    }
}

/// A chart a test expected to be drawn was skipped.
enum ChartFixtureError: Error { case skipped }
