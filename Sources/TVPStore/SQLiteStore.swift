import Foundation
import GRDB
import TVPMeasure

/// A store in one SQLite file, through GRDB. Concurrent importers take turns: each import is one
/// immediate transaction, and a busy file is waited on for up to 30 s.
final class SQLiteStore: ResultsStore {
    let location: StoreLocation
    private let path: String
    private let queue: DatabaseQueue

    /// Opens (creating the file and its folder when missing) and migrates the store at `path`.
    init(path: String) throws {
        self.path = path
        location = .sqlite(path: path)
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty, !FileManager.default.fileExists(atPath: folder) {
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            } catch {
                throw StoreError.unreachable(store: path, reason: "cannot create the folder \(folder)")
            }
        }
        var configuration = Configuration()
        configuration.busyMode = .timeout(30)
        do {
            queue = try DatabaseQueue(path: path, configuration: configuration)
        } catch {
            throw Self.storeError(error, path: path)
        }
        try migrate()
    }

    /// The store error an SQLite error means.
    static func storeError(_ error: Error, path: String) -> StoreError {
        if let error = error as? StoreError { return error }
        guard let error = error as? DatabaseError else { return .database(store: path, reason: "\(error)") }
        switch error.resultCode {
        case .SQLITE_NOTADB, .SQLITE_CORRUPT: return .corrupt(store: path, reason: error.message ?? "\(error)")
        case .SQLITE_CANTOPEN, .SQLITE_PERM, .SQLITE_READONLY, .SQLITE_AUTH:
            return .unreachable(store: path, reason: error.message ?? "\(error)")
        default: return .database(store: path, reason: error.message ?? "\(error)")
        }
    }

    /// Runs `body` in one immediate transaction, mapping errors to store errors.
    private func write<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try queue.writeWithoutTransaction { db in
                var result: T?
                try db.inTransaction(.immediate) {
                    result = try body(db)
                    return .commit
                }
                return result!
            }
        } catch {
            throw Self.storeError(error, path: path)
        }
    }

    /// Runs `body` reading.
    private func read<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try queue.read(body)
        } catch {
            throw Self.storeError(error, path: path)
        }
    }

    /// Creates the tables or applies the versions the store lacks; refuses a newer store.
    private func migrate() throws {
        try write { db in
            try db.execute(sql: StoreSchema.versionTable)
            let found = try Int.fetchOne(db, sql: "SELECT MAX(version) FROM tvp_store_schema") ?? 0
            guard found <= StoreSchema.version else {
                throw StoreError.newerSchema(store: path, found: found, supported: StoreSchema.version)
            }
            for version in (found + 1)...max(found + 1, StoreSchema.version) where version > found && version <= StoreSchema.version {
                for statement in StoreSchema.migration(to: version, dialect: .sqlite) { try db.execute(sql: statement) }
                try db.execute(sql: "INSERT INTO tvp_store_schema (version) VALUES (?)", arguments: [version])
            }
        }
    }

    func schemaVersion() throws -> Int {
        try read { db in try Int.fetchOne(db, sql: "SELECT MAX(version) FROM tvp_store_schema") ?? 0 }
    }

    func importRun(_ run: RunImport) throws -> ImportOutcome {
        try write { db in
            if let id = try Int64.fetchOne(db, sql: "SELECT id FROM runs WHERE run_key = ?", arguments: [run.key]) {
                return .alreadyStored(id: id)
            }
            let meta = run.meta, kind = run.machineKind
            try db.execute(
                sql: """
                    INSERT INTO runs (run_key, folder, scenario, scenario_sha256, started_at, ended_at, status, machine_kind,
                    cpu_model, usable_cpus, kernel, sha_extensions, optimized_build, hostname, csv_schema_version, meta_json,
                    trial_columns, summary_columns, imported_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [run.key, run.folder, meta.scenario, meta.scenarioSHA256, meta.startedAt, meta.endedAt, meta.status,
                            kind.key, kind.cpuModel, kind.usableCPUs, kind.kernel, kind.shaExtensions.map { $0 ? 1 : 0 },
                            kind.optimizedBuild ? 1 : 0, meta.machine.hostname, meta.schemaVersion,
                            StoredFields.encode(meta), StoredFields.encode(run.trialColumns),
                            StoredFields.encode(run.summaryColumns), RunMeta.timestamp()])
            let id = db.lastInsertedRowID
            for (key, value) in run.labels.sorted(by: { $0.key < $1.key }) {
                try db.execute(sql: "INSERT INTO labels (run_id, key, value) VALUES (?, ?, ?)", arguments: [id, key, value])
            }
            let insertTrial = try db.makeStatement(
                sql: "INSERT INTO trials (run_id, line, cell, warmup, ok, wall_s, fields) VALUES (?, ?, ?, ?, ?, ?, ?)")
            for (index, row) in run.trialRows.enumerated() {
                if index == run.trialRows.count / 2 { StoreTestHooks.pauseMidImport() }
                try insertTrial.execute(arguments: [
                    id, index + 2, storedCellKey(run.trialCells[index]), row["warmup"] == "true" ? 1 : 0,
                    row["ok"] == "true" ? 1 : 0, Double(row["wall_s"] ?? "") ?? 0, StoredFields.encode(row)])
            }
            let insertSummary = try db.makeStatement(
                sql: "INSERT INTO summaries (run_id, line, cell, fields) VALUES (?, ?, ?, ?)")
            for (index, row) in run.summaryRows.enumerated() {
                try insertSummary.execute(arguments: [id, index + 2, StoredFields.summaryCell(row), StoredFields.encode(row)])
            }
            return .stored(id: id, trials: run.trialRows.count)
        }
    }

    func runs(scenario: String?, machineKind: String?) throws -> [StoredRun] {
        try read { db in
            var conditions: [String] = [], arguments: [any DatabaseValueConvertible] = []
            if let scenario { conditions.append("scenario = ?"); arguments.append(scenario) }
            if let machineKind { conditions.append("machine_kind = ?"); arguments.append(machineKind) }
            let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            let rows = try Row.fetchAll(
                db, sql: "SELECT id, run_key, folder, scenario, started_at, status, machine_kind FROM runs \(filter) ORDER BY started_at, id",
                arguments: StatementArguments(arguments))
            var labels: [Int64: [String: String]] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT run_id, key, value FROM labels") {
                labels[row["run_id"], default: [:]][row["key"]] = row["value"] as String
            }
            return rows.map { row in
                let id: Int64 = row["id"]
                return StoredRun(id: id, key: row["run_key"], folder: row["folder"], scenario: row["scenario"],
                                 startedAt: row["started_at"], status: row["status"], machineKind: row["machine_kind"],
                                 labels: labels[id] ?? [:])
            }
        }
    }

    func trials(ofRun id: Int64) throws -> (columns: [String], rows: [[String: String]]) {
        try read { db in
            guard let columns = try String.fetchOne(db, sql: "SELECT trial_columns FROM runs WHERE id = ?", arguments: [id]) else {
                throw StoreError.noRuns(store: path, what: "run with id \(id)")
            }
            let rows = try String.fetchAll(db, sql: "SELECT fields FROM trials WHERE run_id = ? ORDER BY line", arguments: [id])
            return (try StoredFields.decode([String].self, columns), try rows.map { try StoredFields.decode([String: String].self, $0) })
        }
    }

    func summaries(ofRun id: Int64) throws -> [[String: String]] {
        try read { db in
            try String.fetchAll(db, sql: "SELECT fields FROM summaries WHERE run_id = ? ORDER BY line", arguments: [id])
                .map { try StoredFields.decode([String: String].self, $0) }
        }
    }

    func accept(_ acceptance: Acceptance) throws {
        try write { db in
            try db.execute(
                sql: "INSERT INTO acceptances (scenario, machine_kind, cell, from_run_key, note, accepted_at) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [acceptance.scenario, acceptance.machineKind, acceptance.cell, acceptance.fromRunKey, acceptance.note,
                            acceptance.acceptedAt])
        }
    }

    func acceptances(scenario: String, machineKind: String) throws -> [Acceptance] {
        try read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM acceptances WHERE scenario = ? AND machine_kind = ? ORDER BY id",
                arguments: [scenario, machineKind]
            ).map { row in
                Acceptance(scenario: row["scenario"], machineKind: row["machine_kind"], cell: row["cell"],
                           fromRunKey: row["from_run_key"], note: row["note"], acceptedAt: row["accepted_at"])
            }
        }
    }
}

extension StoredFields {
    /// A summary.csv row's cell, as far as its columns say ("workload mode×workers/tasks", with
    /// " packed" or " spread" after the workers when the cell was placed: `Cell.label`'s rule).
    static func summaryCell(_ row: [String: String]) -> String {
        let affinity = row["affinity"].flatMap { $0.isEmpty || $0 == "any" ? nil : " \($0)" } ?? ""
        return "\(row["workload"] ?? "?") \(row["mode"] ?? "?")×\(row["workers"] ?? "?")\(affinity)/\(row["tasks"] ?? "?")"
    }
}

/// Hooks for tests that must stop tvp at a chosen moment.
enum StoreTestHooks {
    /// With `TVP_STORE_TEST_PAUSE_S=N` set, says so on stderr and sleeps N seconds halfway through
    /// writing a run's trials: a test kills tvp there and checks that no partial run was stored.
    static func pauseMidImport() {
        guard let text = ProcessInfo.processInfo.environment["TVP_STORE_TEST_PAUSE_S"], let seconds = Double(text) else { return }
        FileHandle.standardError.write(Data("tvp: test pause mid-import\n".utf8))
        Thread.sleep(forTimeInterval: seconds)
    }
}
