/// The store's tables, one list of statements per schema version, in the SQL both SQLite and
/// PostgreSQL accept (only the id column differs). A store records its version in `tvp_store_schema`;
/// tvp applies the versions it lacks and refuses a store of a newer version.
enum StoreSchema {
    /// The version this tvp creates and reads.
    static let version = 1

    /// The SQL dialects the store speaks.
    enum Dialect { case sqlite, postgres }

    /// The statements that bring a store of version `version - 1` to `version`.
    static func migration(to version: Int, dialect: Dialect) -> [String] {
        let id = dialect == .sqlite ? "INTEGER PRIMARY KEY AUTOINCREMENT" : "BIGSERIAL PRIMARY KEY"
        switch version {
        case 1:
            return [
                "CREATE TABLE runs (id \(id), run_key TEXT NOT NULL UNIQUE, folder TEXT NOT NULL, "
                    + "scenario TEXT NOT NULL, scenario_sha256 TEXT NOT NULL, started_at TEXT NOT NULL, ended_at TEXT, "
                    + "status TEXT NOT NULL, machine_kind TEXT NOT NULL, cpu_model TEXT NOT NULL, usable_cpus INTEGER NOT NULL, "
                    + "kernel TEXT NOT NULL, sha_extensions INTEGER, optimized_build INTEGER NOT NULL, hostname TEXT NOT NULL, "
                    + "csv_schema_version INTEGER NOT NULL, meta_json TEXT NOT NULL, trial_columns TEXT NOT NULL, "
                    + "summary_columns TEXT NOT NULL, imported_at TEXT NOT NULL)",
                "CREATE INDEX runs_history ON runs (scenario, machine_kind, started_at)",
                "CREATE TABLE labels (run_id BIGINT NOT NULL REFERENCES runs(id) ON DELETE CASCADE, key TEXT NOT NULL, "
                    + "value TEXT NOT NULL, PRIMARY KEY (run_id, key))",
                "CREATE TABLE trials (run_id BIGINT NOT NULL REFERENCES runs(id) ON DELETE CASCADE, line INTEGER NOT NULL, "
                    + "cell TEXT NOT NULL, warmup INTEGER NOT NULL, ok INTEGER NOT NULL, wall_s DOUBLE PRECISION NOT NULL, "
                    + "fields TEXT NOT NULL, PRIMARY KEY (run_id, line))",
                "CREATE TABLE summaries (run_id BIGINT NOT NULL REFERENCES runs(id) ON DELETE CASCADE, line INTEGER NOT NULL, "
                    + "cell TEXT NOT NULL, fields TEXT NOT NULL, PRIMARY KEY (run_id, line))",
                "CREATE TABLE acceptances (id \(id), scenario TEXT NOT NULL, machine_kind TEXT NOT NULL, cell TEXT NOT NULL, "
                    + "from_run_key TEXT NOT NULL, note TEXT NOT NULL, accepted_at TEXT NOT NULL)",
            ]
        default:
            return []
        }
    }

    /// The table holding the version, created before any migration.
    static let versionTable = "CREATE TABLE IF NOT EXISTS tvp_store_schema (version INTEGER NOT NULL)"
}
