import Foundation
import Testing
import TVPSystem

/// Input that is not a number, at the layer a user meets it: a scenario's `expect` bound, and a
/// trials.csv read back by `tvp check` and `tvp compare`. Each is refused with the file, the line and
/// what to write, exit 1, and no trap.
@Suite("Input that is not a number, end to end", .serialized)
struct NonNumericInputTests {
    static let fixture = packageRootForEndToEnd + "/Tests/TVPTests/Fixtures/compare/quick"

    @Test("an expect bound of nan or inf, or a negative factor, is refused when the scenario loads: exit 1, nothing run",
          arguments: [
              ("threads.overhead(null, workers: 2) < nan", "the bound 'nan' is not a finite number of at least 0"),
              ("threads.overhead(null, workers: 2) > inf", "the bound 'inf' is not a finite number of at least 0"),
              ("threads.wall(null, workers: 2) < -5 * serial.wall(null, workers: 1)", "the factor '-5' must be a finite number above 0"),
          ])
    func badBound(expect: String, message: String) throws {
        let directory = try scratchDirectory()
        defer { Files.removeTree(directory) }
        try Files.writeDurably(Array("""
            workloads: { null: {} }
            modes: [serial, threads]
            workers: [2]
            repetitions: 2
            tasks: 8
            expect:
              - "threads.overhead(null, workers: 2) < 1000000"
              - "\(expect)"
            """.utf8), to: "\(directory)/s.yaml")
        let run = try runTVP(["run", "s.yaml", "--out", "out", "--no-plot"], in: directory)
        #expect(run.status == 1, "stdout: \(run.stdout) stderr: \(run.stderr)")
        #expect(run.stderr.contains("s.yaml:8: `expect`: \(message)"), "stderr: \(run.stderr)")
        #expect(!Files.exists("\(directory)/out"), "nothing ran, so no run folder")
    }

    /// A copy of the `quick` fixture run in `directory` whose first counted trial has `value` in `column`;
    /// returns the run folder and the line changed.
    func corruptedRun(in directory: String, column: String, value: String) throws -> (folder: String, line: Int) {
        let folder = "\(directory)/run"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: "\(Self.fixture)/meta.json", toPath: "\(folder)/meta.json")
        var lines = try String(contentsOfFile: "\(Self.fixture)/trials.csv", encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let header = lines[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let index = try #require(header.firstIndex(of: column)), warmup = try #require(header.firstIndex(of: "warmup"))
        let line = try #require(lines.indices.dropFirst().first { lines[$0].split(separator: ",", omittingEmptySubsequences: false)[warmup] == "false" })
        var fields = lines[line].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        fields[index] = value
        lines[line] = fields.joined(separator: ",")
        try Files.writeDurably(Array(lines.joined(separator: "\n").utf8), to: "\(folder)/trials.csv")
        return (folder, line + 1)
    }

    @Test("a trials.csv whose wall_s is nan, inf, negative or 0 is refused by check and compare with file, line and column",
          arguments: ["nan", "inf", "-0.5", "0", "1e999"])
    func badWallTime(value: String) throws {
        let directory = try scratchDirectory()
        defer { Files.removeTree(directory) }
        let (folder, line) = try corruptedRun(in: directory, column: "wall_s", value: value)
        let expected = "\(folder)/trials.csv: line \(line): wall_s \"\(value)\" is not a number of seconds above 0"
        let check = try runTVP(["check", folder], in: directory)
        #expect(check.status == 1, "stdout: \(check.stdout) stderr: \(check.stderr)")
        #expect(check.stderr.contains(expected), "stderr: \(check.stderr)")
        for arguments in [["compare", Self.fixture, folder], ["compare", folder, Self.fixture]] {
            let compare = try runTVP(arguments, in: directory)
            #expect(compare.status == 1, "stdout: \(compare.stdout) stderr: \(compare.stderr)")
            #expect(compare.stderr.contains(expected), "stderr: \(compare.stderr)")
            #expect(!compare.stdout.contains("%"), "no comparison is printed: \(compare.stdout)")
        }
    }

    @Test("other measured columns must be finite and not negative", arguments: [("user_s", "-1"), ("sys_s", "nan"), ("max_rss_kib", "inf")])
    func badMeasure(column: String, value: String) throws {
        let directory = try scratchDirectory()
        defer { Files.removeTree(directory) }
        let (folder, line) = try corruptedRun(in: directory, column: column, value: value)
        let check = try runTVP(["check", folder], in: directory)
        #expect(check.status == 1)
        #expect(check.stderr.contains("line \(line): \(column) \"\(value)\" is not a finite number of at least 0"), "stderr: \(check.stderr)")
    }
}
