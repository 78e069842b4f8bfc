import Foundation
import Testing
import TVPSystem

/// The store end to end: runs recorded by `tvp run`, one judged against their history, the history
/// drawn, a killed import, an unreachable store.
@Suite("store end to end", .serialized)
struct StoreEndToEndTests {
    static let scenario = """
        name: storetiny
        repetitions: 3
        warmup: 1
        seed: 5
        tasks: 4
        workloads:
          cpu: { bytes_per_task: 64KiB }
          null: {}
        modes: [serial, threads]
        workers: [2]
        """

    /// The one run folder in `folder`.
    static func runFolder(_ folder: String) throws -> String {
        let runs = Files.directoryEntries(folder).filter { $0.hasSuffix("-storetiny") }
        #expect(runs.count == 1, "\(runs)")
        return "\(folder)/\(try #require(runs.first))"
    }

    /// A copy of the run folder `run` at `copy` whose `cpu serial` trials took `factor` times as long
    /// and whose start time differs (so it is another run).
    static func slowedCopy(of run: String, to copy: String, factor: Double, startPrefix: String = "9", everyCell: Bool = false) throws {
        try Files.makeDirectories(copy)
        for file in ["meta.json", "summary.csv"] {
            try Files.writeDurably(Array(try Data(contentsOf: URL(fileURLWithPath: "\(run)/\(file)"))), to: "\(copy)/\(file)")
        }
        let meta = try String(contentsOfFile: "\(copy)/meta.json", encoding: .utf8)
            .replacingOccurrences(of: "\"started_at\" : \"", with: "\"started_at\" : \"\(startPrefix)")
        try Files.writeDurably(Array(meta.utf8), to: "\(copy)/meta.json")
        let lines = try String(contentsOfFile: "\(run)/trials.csv", encoding: .utf8).split(separator: "\n").map(String.init)
        let header = lines[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let wall = try #require(header.firstIndex(of: "wall_s")), mode = try #require(header.firstIndex(of: "mode"))
        let workload = try #require(header.firstIndex(of: "workload"))
        let slowed = [lines[0]] + lines.dropFirst().map { line in
            var fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            if everyCell || (fields[workload] == "cpu" && fields[mode] == "serial") { fields[wall] = String(Double(fields[wall])! * factor) }
            return fields.joined(separator: ",")
        }
        try Files.writeDurably(Array((slowed.joined(separator: "\n") + "\n").utf8), to: "\(copy)/trials.csv")
    }

    @Test("runs recorded by tvp run, a 50x slower cell caught against its band (text and JSON name it), history.png drawn, an intended change accepted")
    func recordJudgeDraw() throws {
        let directory = try scratchDirectory()
        defer { Files.removeTree(directory) }
        try Files.writeDurably(Array(Self.scenario.utf8), to: "\(directory)/s.yaml")
        // The default store: history.sqlite beside the runs. Two runs are recorded by `tvp run`; the
        // rest of the history is copies of the first with every trial scaled by 0.97-1.03, so that
        // the bands this test judges against do not depend on how busy the machine is.
        for index in 0..<2 {
            let run = try runTVP(["run", "s.yaml", "--out", "runs", "--no-plot", "--quiet", "--label", "branch=main"],
                                 in: directory, environment: ["TVP_STORE": ""])
            #expect(run.status == 0 || run.status == 2, "run \(index): \(run.stderr)")
            #expect(run.stdout.contains("Stored: runs/history.sqlite"))
        }
        #expect(Files.exists("\(directory)/runs/history.sqlite"))
        let source = try #require(Files.directoryEntries("\(directory)/runs").filter { $0.hasSuffix("-storetiny") }.sorted().first)
        let first = "\(directory)/runs/\(source)"
        for (index, factor) in [0.97, 1.02, 0.99, 1.03, 1.0, 0.98, 1.01].enumerated() {
            try Self.slowedCopy(of: first, to: "\(directory)/copies/\(index)", factor: factor, startPrefix: "0\(index)", everyCell: true)
            let imported = try runTVP(["store", "import", "runs/history.sqlite", "copies/\(index)", "--label", "branch=main"], in: directory)
            #expect(imported.status == 0, "\(imported.stderr)")
        }
        let current = try runTVP(["run", "s.yaml", "--out", "current", "--no-plot", "--quiet", "--store", "none"], in: directory)
        #expect(current.status == 0 || current.status == 2, "\(current.stderr)")
        #expect(!Files.exists("\(directory)/current/history.sqlite"))
        let run = try Self.runFolder("\(directory)/current")

        // Against 9 runs of history every cell has a band; the unchanged run's verdicts depend on
        // the machine, so only the report's shape is checked.
        let judged = try runTVP(["compare", "--history", "runs/history.sqlite", run, "--where", "branch=main", "--format", "json"], in: directory)
        #expect(judged.status == 0 || judged.status == 2, "\(judged.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(judged.stdout.utf8)) as? [String: Any])
        #expect(document["history_runs"] as? Int == 9)
        let cells = try #require(document["cells"] as? [[String: Any]])
        #expect(cells.count == 4)
        #expect(cells.allSatisfy { (($0["band"] as? [String: Any])?["runs"] as? Int) == 9 })

        // A copy of the history's first run with cpu serial 50x slower: a regression in that cell
        // (and in no other: the rest equals the history), exit 2.
        try Self.slowedCopy(of: first, to: "\(directory)/slow/run", factor: 50)
        let slow = try runTVP(["compare", "--history", "runs/history.sqlite", "slow/run"], in: directory)
        #expect(slow.status == 2, "\(slow.stdout + slow.stderr)")
        let regressions = slow.stdout.components(separatedBy: "Regressions (")
        #expect(regressions.count == 2 && regressions[1].contains("cpu[64KiB] serial×1"), "\(slow.stdout)")
        #expect(slow.stdout.contains("against 9 stored runs"))
        #expect(slow.stdout.contains("9/3"), "runs/n names the runs the band came from")
        let markdown = try runTVP(["compare", "--history", "runs/history.sqlite", "slow/run", "--format", "markdown"], in: directory)
        #expect(markdown.stdout.contains("| regression | `cpu[64KiB] serial×1`"), "\(markdown.stdout)")

        // A label filter that matches nothing: an error naming the scenario and the machine kind.
        let none = try runTVP(["compare", "--history", "runs/history.sqlite", run, "--where", "branch=other"], in: directory)
        #expect(none.status == 1)
        #expect(none.stderr.contains("no complete run of scenario \"storetiny\" labelled branch=other"), "\(none.stderr)")

        // The history: text with each cell's band, and history.png through the chart layer.
        let history = try runTVP(["history", "runs/history.sqlite", "--out", "hist"], in: directory)
        #expect(history.status == 0, "\(history.stderr)")
        #expect(history.stdout.contains("tvp history: storetiny on"))
        #expect(history.stdout.contains("band "))
        #expect(Files.exists("\(directory)/hist/charts/data/history/series.tsv"))
        if history.stdout.contains("Chart: ") {
            #expect(Files.exists("\(directory)/hist/charts/history.png") && Files.exists("\(directory)/hist/charts/history.svg"))
        }

        // The slowed run stored, then accepted as intended: its band restarts there (too few runs: two-run rule).
        let imported = try runTVP(["store", "import", "runs/history.sqlite", "slow/run"], in: directory)
        #expect(imported.status == 0 && imported.stdout.contains("stored "), "\(imported.stderr)")
        let again = try runTVP(["store", "import", "runs/history.sqlite", "slow/run"], in: directory)
        #expect(again.stdout.contains("already stored"), "\(again.stdout)")
        let accepted = try runTVP(["history", "accept", "runs/history.sqlite", "--cell", "cpu[64KiB] serial", "--from", "slow/run",
                                   "--note", "hashing twice on purpose"], in: directory)
        #expect(accepted.status == 0, "\(accepted.stderr)")
        #expect(accepted.stdout.contains("accepted from run: cpu[64KiB] serial×1"), "\(accepted.stdout)")
        try Self.slowedCopy(of: first, to: "\(directory)/slow2/run", factor: 51, startPrefix: "99")
        // Judged from JSON, cell by cell: another cell of this tiny run may be flagged on a noisy machine.
        let after = try runTVP(["compare", "--history", "runs/history.sqlite", "slow2/run", "--format", "json"], in: directory)
        let afterDocument = try #require(try JSONSerialization.jsonObject(with: Data(after.stdout.utf8)) as? [String: Any])
        let serial = try #require((afterDocument["cells"] as? [[String: Any]])?.first {
            ($0["cell"] as? [String: Any])?["label"] as? String == "cpu[64KiB] serial×1"
        }, "\(after.stdout)")
        #expect(serial["verdict"] as? String != "regression", "\(after.stdout)")
        #expect((serial["note"] as? String)?.contains("two-run rule against run") == true, "\(after.stdout)")
        let shown = try runTVP(["history", "runs/history.sqlite", "--no-plot", "--out", "hist"], in: directory)
        #expect(shown.stdout.contains("accepted from run: cpu[64KiB] serial×1/4: hashing twice on purpose"), "\(shown.stdout)")
    }

    @Test("two machine kinds: a run is not judged against another kind's history (refused, naming both), and --machines sets them side by side")
    func machineKinds() throws {
        let directory = try scratchDirectory()
        defer { Files.removeTree(directory) }
        let references = packageRootForEndToEnd + "/results/reference"
        let imported = try runTVP(["store", "import", "h.sqlite", references + "/default"], in: directory)
        #expect(imported.status == 0, "\(imported.stderr)")
        let judged = try runTVP(["compare", "--history", "h.sqlite", references + "/default-epyc"], in: directory)
        #expect(judged.status == 1)
        #expect(judged.stderr.contains("no complete run of scenario \"default\" on this machine kind (AMD EPYC"), "\(judged.stderr)")
        #expect(judged.stderr.contains("other machine kinds: Intel(R) Xeon(R) Processor"), "\(judged.stderr)")
        _ = try runTVP(["store", "import", "h.sqlite", references + "/default-epyc"], in: directory)
        let side = try runTVP(["history", "h.sqlite", "--machines", "--cell", "cpu[8MiB] threads", "--out", "m"], in: directory)
        #expect(side.status == 0, "\(side.stderr)")
        #expect(side.stdout.contains("default on 2 machine kinds"))
        #expect(side.stdout.contains("[1] AMD EPYC") && side.stdout.contains("[2] Intel(R) Xeon(R)"), "\(side.stdout)")
        // The reference runs' medians of cpu threads×2: 86.20 ms (1.98×) on the EPYC, 472.59 ms (1.75×) on the Xeon.
        #expect(side.stdout.contains("86.20 ms (1.98×)") && side.stdout.contains("472.59 ms (1.75×)"), "\(side.stdout)")
        #expect(Files.exists("\(directory)/m/charts/data/machines/series.tsv"))
    }

    @Test("an import killed mid-write stores no partial run; the next import stores it whole")
    func killedImport() throws {
        let directory = try scratchDirectory()
        defer { Files.removeTree(directory) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: (Files.currentExecutablePath()! as NSString).deletingLastPathComponent + "/tvp")
        process.arguments = ["store", "import", "\(directory)/h.sqlite", packageRootForEndToEnd + "/results/reference/default"]
        process.environment = ProcessInfo.processInfo.environment.merging(["TVP_STORE_TEST_PAUSE_S": "60"]) { $1 }
        let err = closeOnExecPipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        var said = Data()
        while !String(decoding: said, as: UTF8.self).contains("test pause mid-import") {
            let chunk = err.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            said += chunk
        }
        #expect(String(decoding: said, as: UTF8.self).contains("test pause mid-import"))
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal)
        let shown = try runTVP(["history", "\(directory)/h.sqlite", "--no-plot", "--out", "\(directory)/hist"], in: directory)
        #expect(shown.status == 1)
        #expect(shown.stderr.contains("has no run"), "\(shown.stderr)")
        let imported = try runTVP(["store", "import", "\(directory)/h.sqlite", packageRootForEndToEnd + "/results/reference/default"], in: directory)
        #expect(imported.status == 0)
        #expect(imported.stdout.contains("stored ") && imported.stdout.contains("363 trials"), "\(imported.stdout)")
    }

    @Test("an unreachable or corrupt store fails the run with exit 1 and the fix, and the run folder is whole")
    func unusableStores() throws {
        let directory = try scratchDirectory()
        defer { Files.removeTree(directory) }
        try Files.writeDurably(Array(Self.scenario.utf8), to: "\(directory)/s.yaml")
        let result = try runTVP(["run", "s.yaml", "--out", "out", "--no-plot", "--quiet", "--store", "/proc/nowhere/h.sqlite"], in: directory)
        #expect(result.status == 1)
        #expect(result.stderr.contains("the run was not stored: cannot reach the store /proc/nowhere/h.sqlite"), "\(result.stderr)")
        #expect(result.stderr.contains("tvp store import /proc/nowhere/h.sqlite"))
        let run = try Self.runFolder("\(directory)/out")
        let meta = try String(contentsOfFile: "\(run)/meta.json", encoding: .utf8)
        #expect(meta.contains("\"status\" : \"complete\""))
        #expect(Files.exists("\(run)/summary.csv") && Files.exists("\(run)/report.md"))

        try Files.writeDurably(Array(String(repeating: "garbage ", count: 1000).utf8), to: "\(directory)/bad.sqlite")
        let corrupt = try runTVP(["store", "import", "bad.sqlite", run], in: directory)
        #expect(corrupt.status == 1)
        #expect(corrupt.stderr.contains("is not a readable SQLite database"), "\(corrupt.stderr)")
        let label = try runTVP(["run", "s.yaml", "--label", "nokey"], in: directory)
        #expect(label.status == 64 || label.status == 1)
        #expect(label.stderr.contains("is not key=value"), "\(label.stderr)")
    }
}
