import Foundation
import NIOCore
import NIOPosix
import PostgresNIO
import TVPMeasure

/// A store in a PostgreSQL database, shared by a fleet, through postgres-nio. Every call is one
/// connection's work, waited for: tvp's commands are sequential. Each import is one transaction,
/// and a run already there (the same key, from this process or another at the same moment) is
/// found by the key's unique index rather than stored twice. Migrations take an advisory lock, so
/// machines that start at once create the tables once.
final class PostgresStore: ResultsStore {
    let location: StoreLocation
    private let connection: PostgresConnection
    private let logger: Logger

    /// How long connecting may take before the store is reported unreachable.
    static let connectTimeout = TimeAmount.seconds(4)

    /// Connects to the database `location` names and migrates it.
    init(location: StoreLocation) throws {
        self.location = location
        guard case .postgres(let url) = location else { preconditionFailure("not a PostgreSQL location") }
        var logger = Logger(label: "tvp.store")
        logger.logLevel = .critical
        self.logger = logger
        var configuration = try Self.configuration(url, shown: location.description)
        configuration.options.connectTimeout = Self.connectTimeout
        do {
            connection = try PostgresConnection.connect(
                on: MultiThreadedEventLoopGroup.singleton.next(), configuration: configuration, id: 1, logger: logger
            ).wait()
        } catch {
            throw StoreError.unreachable(store: location.description, reason: Self.reason(error))
        }
        try migrate()
    }

    deinit {
        try? connection.close().wait()
    }

    /// The connection settings of a `postgres://user:password@host:port/database` URL; a `host=`
    /// query item that is a folder names the server's Unix socket folder, as libpq's does.
    static func configuration(_ url: String, shown: String) throws -> PostgresConnection.Configuration {
        guard let components = URLComponents(string: url) else {
            throw StoreError.unreachable(store: shown, reason: "not a URL of the form postgres://user:password@host:port/database")
        }
        let user = components.percentEncodedUser.flatMap { $0.removingPercentEncoding } ?? ProcessInfo.processInfo.environment["USER"] ?? "postgres"
        let password = components.percentEncodedPassword.flatMap { $0.removingPercentEncoding }
        let database = components.path.isEmpty ? nil : String(components.path.dropFirst())
        let port = components.port ?? 5432
        let socketFolder = components.queryItems?.first { $0.name == "host" }?.value
        if let socketFolder, socketFolder.hasPrefix("/") {
            return PostgresConnection.Configuration(unixSocketPath: "\(socketFolder)/.s.PGSQL.\(port)", username: user,
                                                    password: password, database: database)
        }
        guard let host = components.host, !host.isEmpty else {
            throw StoreError.unreachable(store: shown, reason: "the URL names no host (postgres://user@host:port/database, or ?host=/socket/folder)")
        }
        return PostgresConnection.Configuration(host: host, port: port, username: user, password: password, database: database,
                                                tls: .disable)
    }

    /// What went wrong, in the server's words when it said something.
    static func reason(_ error: Error) -> String {
        if let error = error as? PSQLError {
            if let message = error.serverInfo?[.message] { return message }
            if let underlying = error.underlying { return "\(underlying)" }
            return "\(error.code)"
        }
        return "\(error)"
    }

    /// Runs one statement and returns its rows.
    @discardableResult
    private func run(_ sql: String, _ values: [(any PostgresThrowingDynamicTypeEncodable)?] = []) throws -> [PostgresRow] {
        var bindings = PostgresBindings()
        for value in values {
            if let value { try bindings.append(value) } else { bindings.appendNull() }
        }
        do {
            return Array(try connection.query(PostgresQuery(unsafeSQL: sql, binds: bindings), logger: logger).wait())
        } catch {
            throw StoreError.database(store: location.description, reason: Self.reason(error))
        }
    }

    /// Runs `body` in one transaction: committed when it returns, rolled back when it throws.
    private func transaction<T>(_ body: () throws -> T) throws -> T {
        try run("BEGIN")
        do {
            let result = try body()
            try run("COMMIT")
            return result
        } catch {
            _ = try? run("ROLLBACK")
            throw error
        }
    }

    /// Creates the tables or applies the versions the store lacks; refuses a newer store.
    private func migrate() throws {
        try transaction {
            // One migrating connection at a time, whichever machine it comes from.
            try run("SELECT pg_advisory_xact_lock(7710250001)")
            try run(StoreSchema.versionTable)
            let found = try run("SELECT COALESCE(MAX(version), 0)::BIGINT FROM tvp_store_schema").first?.decode(Int64.self) ?? 0
            guard found <= StoreSchema.version else {
                throw StoreError.newerSchema(store: location.description, found: Int(found), supported: StoreSchema.version)
            }
            for version in Int(found) + 1 ..< StoreSchema.version + 1 {
                for statement in StoreSchema.migration(to: version, dialect: .postgres) { try run(statement) }
                try run("INSERT INTO tvp_store_schema (version) VALUES ($1)", [version])
            }
        }
    }

    func schemaVersion() throws -> Int {
        Int(try run("SELECT COALESCE(MAX(version), 0)::BIGINT FROM tvp_store_schema").first?.decode(Int64.self) ?? 0)
    }

    func importRun(_ run: RunImport) throws -> ImportOutcome {
        try transaction {
            let meta = run.meta, kind = run.machineKind
            let inserted = try self.run(
                """
                INSERT INTO runs (run_key, folder, scenario, scenario_sha256, started_at, ended_at, status, machine_kind,
                cpu_model, usable_cpus, kernel, sha_extensions, optimized_build, hostname, csv_schema_version, meta_json,
                trial_columns, summary_columns, imported_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)
                ON CONFLICT (run_key) DO NOTHING RETURNING id
                """,
                [run.key, run.folder, meta.scenario, meta.scenarioSHA256, meta.startedAt, meta.endedAt, meta.status, kind.key,
                 kind.cpuModel, Int32(kind.usableCPUs), kind.kernel, kind.shaExtensions.map { Int32($0 ? 1 : 0) },
                 Int32(kind.optimizedBuild ? 1 : 0), meta.machine.hostname, Int32(meta.schemaVersion), StoredFields.encode(meta),
                 StoredFields.encode(run.trialColumns), StoredFields.encode(run.summaryColumns), RunMeta.timestamp()])
            guard let id = try inserted.first?.decode(Int64.self) else {
                let existing = try self.run("SELECT id FROM runs WHERE run_key = $1", [run.key]).first?.decode(Int64.self) ?? 0
                return .alreadyStored(id: existing)
            }
            for (key, value) in run.labels.sorted(by: { $0.key < $1.key }) {
                try self.run("INSERT INTO labels (run_id, key, value) VALUES ($1, $2, $3)", [id, key, value])
            }
            // Many rows per statement: a run's trials in a few round trips.
            let trialRows = run.trialRows.enumerated().map { index, row -> [(any PostgresThrowingDynamicTypeEncodable)?] in
                [id, Int32(index + 2), storedCellKey(run.trialCells[index]), Int32(row["warmup"] == "true" ? 1 : 0),
                 Int32(row["ok"] == "true" ? 1 : 0), Double(row["wall_s"] ?? "") ?? 0, StoredFields.encode(row)]
            }
            try insert(into: "trials (run_id, line, cell, warmup, ok, wall_s, fields)", rows: trialRows)
            let summaryRows = run.summaryRows.enumerated().map { index, row -> [(any PostgresThrowingDynamicTypeEncodable)?] in
                [id, Int32(index + 2), StoredFields.summaryCell(row), StoredFields.encode(row)]
            }
            try insert(into: "summaries (run_id, line, cell, fields)", rows: summaryRows)
            return .stored(id: id, trials: run.trialRows.count)
        }
    }

    /// Inserts `rows` into `table (columns)`, 100 rows a statement; pauses halfway for tests.
    private func insert(into table: String, rows: [[(any PostgresThrowingDynamicTypeEncodable)?]]) throws {
        var start = 0
        while start < rows.count {
            let batch = rows[start..<min(start + 100, rows.count)]
            let width = batch.first!.count
            let tuples = batch.indices.map { row in
                "(" + (0..<width).map { "$\((row - start) * width + $0 + 1)" }.joined(separator: ", ") + ")"
            }
            try run("INSERT INTO \(table) VALUES \(tuples.joined(separator: ", "))", batch.flatMap { $0 })
            start += batch.count
            if table.hasPrefix("trials"), start >= rows.count / 2, start - batch.count < rows.count / 2 { StoreTestHooks.pauseMidImport() }
        }
    }

    func runs(scenario: String?, machineKind: String?) throws -> [StoredRun] {
        var conditions: [String] = [], values: [(any PostgresThrowingDynamicTypeEncodable)?] = []
        if let scenario { values.append(scenario); conditions.append("scenario = $\(values.count)") }
        if let machineKind { values.append(machineKind); conditions.append("machine_kind = $\(values.count)") }
        let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        var labels: [Int64: [String: String]] = [:]
        for row in try run("SELECT run_id, key, value FROM labels") {
            let (id, key, value) = try row.decode((Int64, String, String).self)
            labels[id, default: [:]][key] = value
        }
        return try run("SELECT id, run_key, folder, scenario, started_at, status, machine_kind FROM runs \(filter) ORDER BY started_at, id",
                       values).map { row in
            let (id, key, folder, scenario, startedAt, status, kind) = try row.decode((Int64, String, String, String, String, String, String).self)
            return StoredRun(id: id, key: key, folder: folder, scenario: scenario, startedAt: startedAt, status: status,
                             machineKind: kind, labels: labels[id] ?? [:])
        }
    }

    func trials(ofRun id: Int64) throws -> (columns: [String], rows: [[String: String]]) {
        guard let columns = try run("SELECT trial_columns FROM runs WHERE id = $1", [id]).first?.decode(String.self) else {
            throw StoreError.noRuns(store: location.description, what: "run with id \(id)")
        }
        let rows = try run("SELECT fields FROM trials WHERE run_id = $1 ORDER BY line", [id]).map { try $0.decode(String.self) }
        return (try StoredFields.decode([String].self, columns), try rows.map { try StoredFields.decode([String: String].self, $0) })
    }

    func summaries(ofRun id: Int64) throws -> [[String: String]] {
        try run("SELECT fields FROM summaries WHERE run_id = $1 ORDER BY line", [id])
            .map { try StoredFields.decode([String: String].self, try $0.decode(String.self)) }
    }

    func accept(_ acceptance: Acceptance) throws {
        try run("INSERT INTO acceptances (scenario, machine_kind, cell, from_run_key, note, accepted_at) VALUES ($1, $2, $3, $4, $5, $6)",
                [acceptance.scenario, acceptance.machineKind, acceptance.cell, acceptance.fromRunKey, acceptance.note, acceptance.acceptedAt])
    }

    func acceptances(scenario: String, machineKind: String) throws -> [Acceptance] {
        try run("SELECT scenario, machine_kind, cell, from_run_key, note, accepted_at FROM acceptances "
                + "WHERE scenario = $1 AND machine_kind = $2 ORDER BY id", [scenario, machineKind]).map { row in
            let (scenario, kind, cell, from, note, at) = try row.decode((String, String, String, String, String, String).self)
            return Acceptance(scenario: scenario, machineKind: kind, cell: cell, fromRunKey: from, note: note, acceptedAt: at)
        }
    }
}
