import Foundation
import Testing
import TVPAnalysis
import TVPResults
@testable import TVPStore
import TVPSystem

/// The PostgreSQL server the store's tests use: TVP_TEST_POSTGRES_URL, which `.ci/run` sets after
/// starting one with script/postgres-test-server.
enum TestPostgres {
    static let url = ProcessInfo.processInfo.environment["TVP_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    static let skipped = "TVP_TEST_POSTGRES_URL is not set: start a server with `script/postgres-test-server start /tmp/pg` and export the URL it prints"

    /// A fresh, empty database `name` on the test server (dropped first if left from an earlier
    /// run), created with psql; its URL. Each test has its own: suites run in parallel.
    static func freshDatabase(_ name: String, base: String) throws -> String {
        for sql in ["DROP DATABASE IF EXISTS \(name)", "CREATE DATABASE \(name)"] {
            let psql = Process()
            psql.executableURL = URL(fileURLWithPath: "/usr/bin/psql")
            psql.arguments = [base, "-q", "-v", "ON_ERROR_STOP=1", "-c", sql]
            psql.standardOutput = FileHandle.nullDevice
            try psql.run()
            psql.waitUntilExit()
            #expect(psql.terminationStatus == 0, "psql could not run \(sql) on \(base)")
        }
        var components = URLComponents(string: base)!
        components.path = "/\(name)"
        return components.string!
    }
}

/// The store on a real PostgreSQL server: the same operations as on SQLite.
@Suite("PostgreSQL store", .serialized, .enabled(if: TestPostgres.url != nil, Comment(rawValue: TestPostgres.skipped)))
struct PostgresStoreTests {
    @Test("a run imported reads back equal to its folder; a second import stores nothing; labels and acceptances round-trip")
    func roundTrip() throws {
        let url = try TestPostgres.freshDatabase("tvp_round_trip", base: try #require(TestPostgres.url))
        let store = try #require(try Stores.open(.postgres(url: url)))
        #expect(try store.schemaVersion() == StoreSchema.version)
        let reference = SQLiteStoreTests.reference
        let run = try RunImport.load(reference, labels: ["branch": "main"])
        guard case .stored(let id, let count) = try store.importRun(run) else { Issue.record("not stored"); return }
        let folder = try CSVRows.read(reference + "/trials.csv")
        #expect(count == folder.rows.count)
        let stored = try store.trials(ofRun: id)
        #expect(stored.columns == folder.header)
        #expect(stored.rows == folder.rows)
        #expect(try store.summaries(ofRun: id) == (try CSVRows.read(reference + "/summary.csv")).rows)
        #expect(try store.importRun(run) == .alreadyStored(id: id))
        // Opened again (migrations already applied): the same single run.
        let again = try #require(try Stores.open(.postgres(url: url)))
        let runs = try again.runs(scenario: "default", machineKind: MachineKind(run.meta.machine).key)
        #expect(runs.map(\.id) == [id])
        #expect(runs.first?.labels == ["branch": "main"])
        let acceptance = Acceptance(scenario: "default", machineKind: runs[0].machineKind, cell: "cpu[8MiB] threads×2/32",
                                    fromRunKey: run.key, note: "intended", acceptedAt: "2026-12-06T00:00:00Z")
        try again.accept(acceptance)
        #expect(try again.acceptances(scenario: "default", machineKind: runs[0].machineKind) == [acceptance])
    }

    @Test("a store of a newer schema is refused")
    func newerSchema() throws {
        let url = try TestPostgres.freshDatabase("tvp_newer_schema", base: try #require(TestPostgres.url))
        _ = try Stores.open(.postgres(url: url))
        let psql = Process()
        psql.executableURL = URL(fileURLWithPath: "/usr/bin/psql")
        psql.arguments = [url, "-q", "-c", "INSERT INTO tvp_store_schema (version) VALUES (42)"]
        try psql.run()
        psql.waitUntilExit()
        #expect(throws: StoreError.newerSchema(store: StoreLocation.postgres(url: url).description, found: 42, supported: StoreSchema.version)) {
            _ = try Stores.open(.postgres(url: url))
        }
    }
}
