import Foundation
import Testing
import TVPSystem

/// The contents of every file under `directory` outside charts/, by relative path.
func filesOutsideCharts(_ directory: String) throws -> [String: [UInt8]] {
    var result: [String: [UInt8]] = [:]
    func walk(_ relative: String) throws {
        let path = relative.isEmpty ? directory : "\(directory)/\(relative)"
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return }
        if isDirectory.boolValue {
            for name in Files.directoryEntries(path) where !(relative.isEmpty && name == "charts") {
                try walk(relative.isEmpty ? name : "\(relative)/\(name)")
            }
        } else {
            result[relative] = try Files.readAll(path, limit: 1 << 30)
        }
    }
    try walk("")
    return result
}

/// Copies the folder `source` (files and subfolders) to the new folder `destination`.
func copyFolder(_ source: String, to destination: String) throws {
    try FileManager.default.copyItem(atPath: source, toPath: destination)
}

/// A folder holding an executable `gnuplot` that runs `script` (sh).
func fakeGnuplot(_ script: String, in directory: String) throws -> String {
    let bin = "\(directory)/fakebin"
    try Files.makeDirectories(bin)
    try Files.writeDurably(Array("#!/bin/sh\n\(script)\n".utf8), to: "\(bin)/gnuplot")
    try Files.setMode("\(bin)/gnuplot", 0o755)
    return bin
}

/// Starts the built tvp with `arguments`; returns the process and its stderr pipe.
func startTVP(_ arguments: [String], in directory: String, environment: [String: String]) throws -> (Process, Pipe) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: (Files.currentExecutablePath()! as NSString).deletingLastPathComponent + "/tvp")
    process.arguments = arguments
    process.currentDirectoryURL = URL(fileURLWithPath: directory)
    process.environment = testEnvironment.merging(environment) { $1 }
    let err = closeOnExecPipe()
    process.standardError = err
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    return (process, err)
}

/// Waits until `path` exists and holds a pid; nil after `seconds`.
func waitForPID(_ path: String, seconds: Double = 60) -> Int32? {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if let bytes = try? Files.readAll(path), let pid = Int32(String(decoding: bytes, as: UTF8.self).filter(\.isNumber)) { return pid }
        Thread.sleep(forTimeInterval: 0.05)
    }
    return nil
}

@Suite("charts and report.md end to end", .serialized)
struct ChartsEndToEndTests {
    let charts = ["TVP_CHARTS_DIR": packageRootForEndToEnd + "/charts"]

    @Test("tvp plot and tvp report on every committed reference run: no gnuplot warning, and no file outside charts/ and report.md changes")
    func referenceRuns() throws {
        let references = packageRootForEndToEnd + "/results/reference"
        let runs = Files.directoryEntries(references).sorted()
        #expect(runs.count >= 5)
        let directory = try scratchDirectory()
        defer { Files.removeTree(directory) }
        for name in runs {
            let run = "\(directory)/\(name)"
            try copyFolder("\(references)/\(name)", to: run)
            let before = try filesOutsideCharts(run)
            #expect(before == (try filesOutsideCharts("\(references)/\(name)")))
            let plot = try runTVP(["plot", run], in: directory, environment: charts)
            #expect(plot.status == 0, "\(name): \(plot.stderr)")
            #expect(plot.stderr.isEmpty, "\(name): gnuplot or tvp said: \(plot.stderr)")
            #expect(plot.stdout.contains("\(run)/charts/wall_time.png"), "\(name): \(plot.stdout)")
            #expect(try filesOutsideCharts(run) == before, "\(name): tvp plot changed a file outside charts/")
            #expect(Files.directoryEntries("\(run)/charts").allSatisfy { !$0.hasPrefix(".") }, "\(name): staging left")

            let report = try runTVP(["report", run], in: directory, environment: charts)
            #expect(report.status == 0, "\(name): \(report.stderr)")
            var after = try filesOutsideCharts(run)
            let page = String(decoding: after.removeValue(forKey: "report.md") ?? [], as: UTF8.self)
            var expected = before
            expected.removeValue(forKey: "report.md")
            #expect(after == expected, "\(name): tvp report changed a file other than report.md")
            #expect(page.contains("**Machine:**") && page.contains("## Expectations") && page.contains("(charts/wall_time.png)"), "\(name)")
            // The committed runs still satisfy their scenarios' expectations as tvp judges them now.
            let check = try runTVP(["check", run], in: directory)
            #expect(check.status == 0 && check.stdout.contains(" 0 failed"), "\(name): \(check.stdout)\(check.stderr)")
        }
    }

    @Test("Ctrl-C while tvp plot draws: gnuplot stopped, no staging folder, exit 130, the run's files untouched")
    func interruptPlot() throws {
        let directory = try scratchDirectory()
        defer { Files.removeTree(directory) }
        let run = "\(directory)/run"
        try copyFolder(packageRootForEndToEnd + "/Tests/TVPTests/Fixtures/charts/report-sample", to: run)
        let before = try filesOutsideCharts(run)
        let bin = try fakeGnuplot("echo $$ > \(directory)/gnuplot.pid\nexec /bin/sleep 60", in: directory)
        let (process, err) = try startTVP(["plot", run], in: directory,
                                          environment: charts.merging(["PATH": "\(bin):/usr/bin:/bin", "TMPDIR": directory]) { $1 })
        let gnuplot = try #require(waitForPID("\(directory)/gnuplot.pid"))
        kill(process.processIdentifier, SIGINT)
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationReason == .exit && process.terminationStatus == 130, "stderr: \(stderr)")
        #expect(stderr.contains("interrupted by SIGINT"), "stderr: \(stderr)")
        #expect(!processExists(gnuplot), "gnuplot \(gnuplot) still runs")
        #expect(Files.directoryEntries("\(run)/charts") == ["data"], "left in charts/: \(Files.directoryEntries("\(run)/charts"))")
        #expect(try filesOutsideCharts(run) == before)
    }

    @Test("SIGTERM while tvp run draws its charts: exit 143, gnuplot stopped, every result file complete, no staging folder")
    func interruptRunCharts() throws {
        let directory = try scratchDirectory()
        defer { Files.removeTree(directory) }
        try Files.writeDurably(Array("workloads: { cpu: { bytes_per_task: 64KiB } }\nmodes: [serial, threads]\nworkers: [1, 2]\nrepetitions: 2\nwarmup: 0\ntasks: 4\n".utf8),
                               to: "\(directory)/s.yaml")
        let bin = try fakeGnuplot("echo $$ > \(directory)/gnuplot.pid\nexec /bin/sleep 60", in: directory)
        let (process, err) = try startTVP(["run", "s.yaml", "--out", "out", "--quiet"], in: directory,
                                          environment: charts.merging(["PATH": "\(bin):/usr/bin:/bin"]) { $1 })
        let gnuplot = try #require(waitForPID("\(directory)/gnuplot.pid"))
        kill(process.processIdentifier, SIGTERM)
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationReason == .exit && process.terminationStatus == 143, "stderr: \(stderr)")
        #expect(stderr.contains("while drawing the charts"), "stderr: \(stderr)")
        #expect(!processExists(gnuplot))
        let run = "\(directory)/out/\(try #require(Files.directoryEntries("\(directory)/out").first))"
        #expect(try readCSV("\(run)/trials.csv").rows.count == 6)
        #expect(try readCSV("\(run)/summary.csv").rows.count == 3)
        let meta = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(run)/meta.json"))) as? [String: Any])
        #expect(meta["status"] as? String == "complete")
        #expect(Files.directoryEntries("\(run)/charts") == ["data"], "left in charts/: \(Files.directoryEntries("\(run)/charts"))")
    }

    @Test("a gnuplot that fails: tvp plot exits 1 with gnuplot's message, and leaves nothing in $TMPDIR or charts/")
    func failingGnuplot() throws {
        let directory = try scratchDirectory()
        defer { Files.removeTree(directory) }
        let run = "\(directory)/run"
        try copyFolder(packageRootForEndToEnd + "/Tests/TVPTests/Fixtures/charts/report-sample", to: run)
        let before = try filesOutsideCharts(run)
        let temporary = "\(directory)/tmp"
        try Files.makeDirectories(temporary)
        let bin = try fakeGnuplot("echo 'gnuplot: cannot draw' >&2\nexit 1", in: directory)
        let result = try runTVP(["plot", run], in: directory,
                                environment: charts.merging(["PATH": "\(bin):/usr/bin:/bin", "TMPDIR": temporary]) { $1 })
        #expect(result.status == 1)
        #expect(result.stderr.contains("gnuplot: cannot draw") && result.stderr.contains("exit status 1"), "stderr: \(result.stderr)")
        #expect(Files.directoryEntries(temporary).isEmpty, "left in TMPDIR: \(Files.directoryEntries(temporary))")
        #expect(Files.directoryEntries("\(run)/charts") == ["data"], "only the chart data stays")
        #expect(try filesOutsideCharts(run) == before)
    }
}
