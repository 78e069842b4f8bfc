import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
import TVPSystem

/// Width and height of a PNG (its IHDR chunk), nil when the file is not a PNG.
func pngDimensions(_ path: String) -> (width: Int, height: Int)? {
    guard let bytes = try? Files.readAll(path), bytes.count > 24, bytes.prefix(8) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    else { return nil }
    func word(_ at: Int) -> Int { bytes[at..<at + 4].reduce(0) { $0 << 8 | Int($1) } }
    return (word(16), word(20))
}

/// The PNG and SVG files in `folder`, sorted.
func chartFiles(_ folder: String) -> [String] {
    Files.directoryEntries(folder).filter { $0.hasSuffix(".png") || $0.hasSuffix(".svg") }.sorted()
}

/// A folder holding the files an attacker would plant where tvp runs: chart scripts, a plot.gp and
/// a default scenario, each of which leaves `pwned` in the folder if gnuplot or tvp ever loads it.
func plantedFolder(in directory: String) throws -> String {
    let folder = "\(directory)/planted"
    try Files.makeDirectories("\(folder)/charts")
    try Files.makeDirectories("\(folder)/scenarios")
    let payload = Array("system(\"touch \(folder)/pwned\")\n".utf8)
    for script in ["lib.gp", "speedup.gp", "wall_time.gp", "sharing.gp", "downloads.gp", "overhead.gp"] {
        try Files.writeDurably(payload, to: "\(folder)/charts/\(script)")
    }
    try Files.writeDurably(payload, to: "\(folder)/plot.gp")
    try Files.writeDurably(Array("name: planted\nworkloads: { null: {} }\nmodes: [serial]\nworkers: [1]\ntasks: 1\nrepetitions: 1\nwarmup: 0\n".utf8),
                           to: "\(folder)/scenarios/default.yaml")
    return folder
}

@Suite("plot.gp: every chart of a run with gnuplot alone", .serialized)
struct PlotScriptTests {
    let plotScript = packageRootForEndToEnd + "/plot.gp"

    @Test("gnuplot -c plot.gp on a copy of every committed reference run, without tvp on PATH and from a folder of planted scripts, draws what tvp plot draws, as valid PNG and SVG, with no warning")
    func referenceRunsByHand() throws {
        let gnuplot = try #require(ExternalProgram.find("gnuplot", searchPath: ProcessInfo.processInfo.environment["PATH"]),
                                   "gnuplot is needed: script/test installs it")
        let path = "/usr/bin:/bin"
        #expect(ExternalProgram.find("tvp", searchPath: path) == nil, "tvp must not be on the PATH plot.gp runs with")
        let references = packageRootForEndToEnd + "/results/reference"
        let runs = Files.directoryEntries(references).sorted()
        #expect(runs.count >= 5)
        let directory = try scratchDirectory()
        defer { Files.removeTree(directory) }
        let planted = try plantedFolder(in: directory)
        for name in runs {
            #expect(Files.exists("\(references)/\(name)/charts/data/index.gp"), "\(name): the committed run has no chart data")
            let byHand = "\(directory)/\(name)-gnuplot", byTVP = "\(directory)/\(name)-tvp"
            try copyFolder("\(references)/\(name)", to: byHand)
            try copyFolder("\(references)/\(name)", to: byTVP)
            for file in chartFiles("\(byHand)/charts") { Files.removeTree("\(byHand)/charts/\(file)") }
            let result = try runProgram(gnuplot, ["-c", plotScript, byHand], in: planted, environment: ["PATH": path])
            #expect(result.status == 0 && result.stderr.isEmpty, "\(name): \(result.stderr)")
            let tvp = try runTVP(["plot", byTVP], in: directory)
            #expect(tvp.status == 0, "\(name): \(tvp.stderr)")
            let drawn = chartFiles("\(byHand)/charts")
            #expect(!drawn.isEmpty && drawn == chartFiles("\(byTVP)/charts"), "\(name): plot.gp drew \(drawn)")
            for file in drawn where file.hasSuffix(".png") {
                let size = pngDimensions("\(byHand)/charts/\(file)")
                #expect(size?.width == 1200 && size?.height == 800, "\(name)/\(file): \(String(describing: size))")
            }
            for file in drawn where file.hasSuffix(".svg") {
                #expect(XMLParser(contentsOf: URL(fileURLWithPath: "\(byHand)/charts/\(file)"))?.parse() == true, "\(name)/\(file) is not well-formed")
            }
        }
        #expect(!Files.exists("\(planted)/pwned"), "a script planted in the current directory was run")
    }

    @Test("tvp plot and tvp run from a folder of planted chart scripts, plot.gp and scenarios/default.yaml use tvp's own")
    func plantedFiles() throws {
        let directory = try scratchDirectory()
        defer { Files.removeTree(directory) }
        let planted = try plantedFolder(in: directory)
        let run = "\(directory)/run"
        try copyFolder(packageRootForEndToEnd + "/Tests/TVPTests/Fixtures/charts/report-sample", to: run)
        let plot = try runTVP(["plot", run], in: planted)
        #expect(plot.status == 0, "\(plot.stderr)")
        #expect(Files.exists("\(run)/charts/speedup.png"))
        // No scenario named: tvp's own default, not the planted one (a smaller matrix of it, to be quick).
        let out = "\(directory)/out"
        let result = try runTVP(["run", "--repetitions", "1", "--warmup", "0", "--no-plot", "--quiet", "--out", out],
                                in: planted)
        let folders = Files.directoryEntries(out)
        #expect(folders.count == 1 && folders[0].hasSuffix("-default"), "ran \(folders): \(result.stderr)")
        #expect(!Files.exists("\(planted)/pwned"), "a file planted in the current directory was run")
    }

    @Test("a run without gnuplot writes its chart data and says how to draw it; gnuplot -c plot.gp draws it later")
    func runWithoutGnuplot() throws {
        let gnuplot = try #require(ExternalProgram.find("gnuplot", searchPath: ProcessInfo.processInfo.environment["PATH"]))
        let directory = try scratchDirectory()
        defer { Files.removeTree(directory) }
        let empty = "\(directory)/empty-bin"
        try Files.makeDirectories(empty)
        try Files.writeDurably(Array("workloads: { cpu: { bytes_per_task: 64KiB }, null: {} }\nmodes: [serial, threads, processes]\nworkers: [1, 2]\nrepetitions: 2\nwarmup: 0\ntasks: 4\n".utf8),
                               to: "\(directory)/s.yaml")
        let result = try runTVP(["run", "s.yaml", "--out", "out", "--quiet"], in: directory, environment: ["PATH": empty])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("gnuplot is not installed") && result.stderr.contains("gnuplot -c plot.gp"), "\(result.stderr)")
        let run = "\(directory)/out/\(try #require(Files.directoryEntries("\(directory)/out").first))"
        #expect(Files.directoryEntries("\(run)/charts") == ["data"])
        let index = String(decoding: try Files.readAll("\(run)/charts/data/index.gp"), as: UTF8.self)
        let charts = try #require(index.split(separator: "\n").first { $0.hasPrefix("tvp_charts = ") })
            .dropFirst("tvp_charts = ".count).filter { $0 != "\"" }.split(separator: " ").map(String.init)
        #expect(Set(["speedup", "wall_time", "overhead", "efficiency", "cpu_vs_wall"]).isSubset(of: charts), "\(index)")
        let draw = try runProgram(gnuplot, ["-c", plotScript, run], in: directory, environment: ["PATH": "/usr/bin:/bin"])
        #expect(draw.status == 0 && draw.stderr.isEmpty, "\(draw.stderr)")
        #expect(chartFiles("\(run)/charts") == charts.flatMap { ["\($0).png", "\($0).svg"] }.sorted())
    }

    @Test("plot.gp on a folder without chart data names the missing file; with another data version, says what to run")
    func missingData() throws {
        let gnuplot = try #require(ExternalProgram.find("gnuplot", searchPath: ProcessInfo.processInfo.environment["PATH"]))
        let directory = try scratchDirectory()
        defer { Files.removeTree(directory) }
        let run = "\(directory)/run"
        try copyFolder(packageRootForEndToEnd + "/Tests/TVPTests/Fixtures/charts/report-sample", to: run)
        let missing = try runProgram(gnuplot, ["-c", plotScript, run], in: directory)
        #expect(missing.status != 0 && missing.stderr.contains("\(run)/charts/data/index.gp"), "\(missing.stderr)")
        try Files.makeDirectories("\(run)/charts/data")
        try Files.writeDurably(Array("tvp_chart_data_version = 99\ntvp_charts = \"speedup\"\n".utf8), to: "\(run)/charts/data/index.gp")
        let other = try runProgram(gnuplot, ["-c", plotScript, run], in: directory)
        #expect(other.status != 0 && other.stderr.contains("version 99") && other.stderr.contains("tvp plot \(run)"), "\(other.stderr)")
    }
}
