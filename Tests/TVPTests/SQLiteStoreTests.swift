import Foundation
import GRDB
import Testing
import TVPAnalysis
import TVPMeasure
import TVPResults
@testable import TVPStore
import TVPSystem

/// The store on SQLite: runs read back equal to their folders, stored once, and clear errors.
@Suite("SQLite store")
struct SQLiteStoreTests {
    static let reference = packageRoot + "/results/reference/default"

    /// A fresh store file in a scratch folder; the folder is removed by the caller.
    static func scratchStore() throws -> (folder: String, path: String) {
        let folder = try Files.makePrivateDirectory(in: Files.temporaryDirectory, prefix: "tvp-store-")
        return (folder, "\(folder)/history.sqlite")
    }

    @Test("a run imported reads back equal to its folder, every trial and summary row; a second import stores nothing")
    func roundTrip() throws {
        let (folder, path) = try Self.scratchStore()
        defer { Files.removeTree(folder) }
        let store = try #require(try Stores.open(.sqlite(path: path)))
        let run = try RunImport.load(Self.reference, labels: ["branch": "main", "commit": "abc"])
        guard case .stored(let id, let count) = try store.importRun(run) else { Issue.record("not stored"); return }
        let folderTrials = try CSVRows.read(Self.reference + "/trials.csv")
        #expect(count == folderTrials.rows.count)
        let stored = try store.trials(ofRun: id)
        #expect(stored.columns == folderTrials.header)
        #expect(stored.rows == folderTrials.rows)
        #expect(try store.summaries(ofRun: id) == (try CSVRows.read(Self.reference + "/summary.csv")).rows)
        #expect(try store.importRun(run) == .alreadyStored(id: id))
        // Imported again under another path (a copy of the folder): still the same run.
        let runs = try store.runs(scenario: nil, machineKind: nil)
        #expect(runs.count == 1)
        #expect(runs.first?.labels == ["branch": "main", "commit": "abc"])
        #expect(runs.first?.machineKind == MachineKind(run.meta.machine).key)
        #expect(runs.first?.scenario == "default")
        #expect(try store.schemaVersion() == StoreSchema.version)
        // The stored trials are the folder's trials.
        let data = try StoreHistory.runData(store, try #require(runs.first))
        let original = try RunFolder.load(Self.reference, reading: .trials)
        #expect(data.trials.map(\.wallSeconds) == original.trials.map(\.wallSeconds))
        #expect(data.trials.map(\.cell) == original.trials.map(\.cell))
    }

    @Test("a store of a newer schema is refused with the versions and the fix")
    func newerSchema() throws {
        let (folder, path) = try Self.scratchStore()
        defer { Files.removeTree(folder) }
        _ = try Stores.open(.sqlite(path: path))
        let queue = try DatabaseQueue(path: path)
        try queue.write { try $0.execute(sql: "INSERT INTO tvp_store_schema (version) VALUES (99)") }
        #expect(throws: StoreError.newerSchema(store: path, found: 99, supported: StoreSchema.version)) {
            _ = try Stores.open(.sqlite(path: path))
        }
        #expect(StoreError.newerSchema(store: path, found: 99, supported: 1).description.contains("written by a newer tvp"))
    }

    @Test("a file that is not SQLite is reported as corrupt, naming the re-import that rebuilds it")
    func corruptFile() throws {
        let (folder, path) = try Self.scratchStore()
        defer { Files.removeTree(folder) }
        try Files.writeDurably(Array(String(repeating: "not a database\n", count: 200).utf8), to: path)
        do {
            _ = try Stores.open(.sqlite(path: path))
            Issue.record("a corrupt file was opened")
        } catch let error as StoreError {
            guard case .corrupt = error else { Issue.record("\(error)"); return }
            #expect(error.description.contains("tvp store import"))
        }
    }

    @Test("a store in a folder that cannot be created is unreachable, and says --store none")
    func unreachable() throws {
        do {
            _ = try Stores.open(.sqlite(path: "/proc/no-such-folder/history.sqlite"))
            Issue.record("opened")
        } catch let error as StoreError {
            guard case .unreachable = error else { Issue.record("\(error)"); return }
            #expect(error.description.contains("--store none"))
        }
    }

    @Test("store locations: none, paths, sqlite: and postgres URLs; the password is hidden")
    func locations() {
        #expect(StoreLocation("none") == .none)
        #expect(StoreLocation("results/h.sqlite") == .sqlite(path: "results/h.sqlite"))
        #expect(StoreLocation("sqlite:/tmp/x.db") == .sqlite(path: "/tmp/x.db"))
        #expect(StoreLocation("postgres://u:pw@localhost/tvp") == .postgres(url: "postgres://u:pw@localhost/tvp"))
        #expect(StoreLocation("postgres://u:pw@localhost/tvp").description == "postgres://u:***@localhost/tvp")
        #expect(StoreLocation.resolve(option: nil, environment: [:], runsFolder: "out") == .sqlite(path: "out/history.sqlite"))
        #expect(StoreLocation.resolve(option: nil, environment: ["TVP_STORE": "none"], runsFolder: "out") == .none)
        #expect(StoreLocation.resolve(option: "a.db", environment: ["TVP_STORE": "none"], runsFolder: "out") == .sqlite(path: "a.db"))
    }

    @Test("labels are key=value")
    func labels() throws {
        #expect(try RunLabels.parse(["branch=main", "commit=a=b"]) == ["branch": "main", "commit": "a=b"])
        #expect(throws: StoreError.badLabel("branch")) { try RunLabels.parse(["branch"]) }
        #expect(throws: StoreError.badLabel("=x")) { try RunLabels.parse(["=x"]) }
    }
}
