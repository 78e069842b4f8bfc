/// A store in a PostgreSQL database.
final class PostgresStore: ResultsStore {
    let location: StoreLocation

    init(location: StoreLocation) throws {
        self.location = location
        throw StoreError.unreachable(store: location.description, reason: "this tvp was built without PostgreSQL support")
    }

    func schemaVersion() throws -> Int { 0 }
    func importRun(_ run: RunImport) throws -> ImportOutcome { .alreadyStored(id: 0) }
    func runs(scenario: String?, machineKind: String?) throws -> [StoredRun] { [] }
    func trials(ofRun id: Int64) throws -> (columns: [String], rows: [[String: String]]) { ([], []) }
    func summaries(ofRun id: Int64) throws -> [[String: String]] { [] }
    func accept(_ acceptance: Acceptance) throws {}
    func acceptances(scenario: String, machineKind: String) throws -> [Acceptance] { [] }
}
