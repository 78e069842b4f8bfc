import Foundation
import Testing
import TVPSystem

/// The store on a real PostgreSQL server through the built tvp: a fleet writing at once, a killed
/// import, an unreachable server. Needs TVP_TEST_POSTGRES_URL (`.ci/run` starts a server).
@Suite("PostgreSQL end to end", .serialized,
       .enabled(if: (ProcessInfo.processInfo.environment["TVP_TEST_POSTGRES_URL"] ?? "") != "",
                "TVP_TEST_POSTGRES_URL is not set: start a server with `script/postgres-test-server start /tmp/pg` and export the URL it prints"))
struct PostgresEndToEndTests {
    static let base = ProcessInfo.processInfo.environment["TVP_TEST_POSTGRES_URL"] ?? ""
    static let references = ["default", "default-epyc", "folklore", "folklore-epyc"].map { packageRootForEndToEnd + "/results/reference/\($0)" }

    /// psql's unaligned output of `sql` in the database `url`.
    static func psql(_ sql: String, _ url: String) throws -> String {
        let result = try runProgram("/usr/bin/psql", [url, "-At", "-v", "ON_ERROR_STOP=1", "-c", sql], in: "/")
        #expect(result.status == 0, "psql: \(result.stderr)")
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A fresh, empty database `name` on the test server; its URL. Each test has its own.
    static func freshDatabase(_ name: String) throws -> String {
        _ = try psql("DROP DATABASE IF EXISTS \(name)", base)
        _ = try psql("CREATE DATABASE \(name)", base)
        var components = URLComponents(string: base)!
        components.path = "/\(name)"
        return components.string!
    }

    /// Trial rows of a run folder's trials.csv.
    static func trialCount(_ folder: String) throws -> Int {
        try String(contentsOfFile: folder + "/trials.csv", encoding: .utf8).split(separator: "\n").count - 1
    }

    @Test("4 tvp store import processes writing the same 4 runs at once into a fresh database: every run and every trial arrives once")
    func fleetImports() throws {
        let url = try Self.freshDatabase("tvp_fleet")
        let directory = try scratchDirectory()
        defer { Files.removeTree(directory) }
        let tvp = (Files.currentExecutablePath()! as NSString).deletingLastPathComponent + "/tvp"
        // Each process imports all four runs, starting at a different one, all at once.
        let processes = (0..<4).map { index in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: tvp)
            let order = Array(Self.references[index...] + Self.references[..<index])
            process.arguments = ["store", "import", url, "--label", "machine=m\(index)"] + order
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            return process
        }
        for process in processes { try process.run() }
        for process in processes { process.waitUntilExit() }
        #expect(processes.allSatisfy { $0.terminationStatus == 0 })
        #expect(try Self.psql("SELECT count(*) FROM runs", url) == "4")
        #expect(try Self.psql("SELECT count(DISTINCT run_key) FROM runs", url) == "4")
        let expected = try Self.references.map(Self.trialCount).reduce(0, +)
        #expect(try Self.psql("SELECT count(*) FROM trials", url) == String(expected))
        #expect(try Self.psql("SELECT count(*) FROM (SELECT run_id, line FROM trials GROUP BY run_id, line HAVING count(*) > 1) AS d", url) == "0")
        // Each run's trials are all its own: per run, as many as its trials.csv.
        for reference in Self.references {
            let name = (reference as NSString).lastPathComponent
            #expect(try Self.psql("SELECT count(*) FROM trials JOIN runs ON runs.id = trials.run_id WHERE runs.folder LIKE '%/\(name)'", url)
                    == String(try Self.trialCount(reference)))
        }
        #expect(try Self.psql("SELECT count(DISTINCT machine_kind) FROM runs", url) == "2")
        #expect(try Self.psql("SELECT count(*) FROM tvp_store_schema", url) == "1")
    }

    @Test("an import killed mid-write leaves no partial run in PostgreSQL; the next stores it whole")
    func killedImport() throws {
        let url = try Self.freshDatabase("tvp_killed")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: (Files.currentExecutablePath()! as NSString).deletingLastPathComponent + "/tvp")
        process.arguments = ["store", "import", url, Self.references[0]]
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
        // The server rolls the dead connection's transaction back.
        var count = ""
        for _ in 0..<50 {
            count = try Self.psql("SELECT (SELECT count(*) FROM runs) + (SELECT count(*) FROM trials)", url)
            if count == "0" { break }
            Thread.sleep(forTimeInterval: 0.1)
        }
        #expect(count == "0")
        let imported = try runTVP(["store", "import", url, Self.references[0]], in: "/")
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(try Self.psql("SELECT count(*) FROM trials", url) == String(try Self.trialCount(Self.references[0])))
    }

    @Test("an unreachable server fails tvp run with exit 1 quickly, naming the fix, and the run folder is whole")
    func unreachable() throws {
        let directory = try scratchDirectory()
        defer { Files.removeTree(directory) }
        try Files.writeDurably(Array(StoreEndToEndTests.scenario.utf8), to: "\(directory)/s.yaml")
        // Port 1 on loopback: nothing listens there.
        let store = "postgres://tvp:secret@127.0.0.1:1/tvp"  // nothing listens on port 1
        let start = Date()
        let result = try runTVP(["store", "import", store, packageRootForEndToEnd + "/results/reference/default"], in: directory)
        let seconds = Date().timeIntervalSince(start)
        #expect(result.status == 1)
        #expect(result.stderr.contains("cannot reach the store postgres://tvp:***@127.0.0.1:1/tvp"), "\(result.stderr)")
        #expect(!result.stderr.contains("secret"))
        #expect(seconds < 5, "reported after \(seconds) s")
        let run = try runTVP(["run", "s.yaml", "--out", "out", "--no-plot", "--quiet", "--store", store], in: directory)
        #expect(run.status == 1)
        #expect(run.stderr.contains("the run was not stored"), "\(run.stderr)")
        let folder = try StoreEndToEndTests.runFolder("\(directory)/out")
        #expect(try String(contentsOfFile: "\(folder)/meta.json", encoding: .utf8).contains("\"status\" : \"complete\""))
    }
}
