import Foundation
import TVPAnalysis
import TVPMeasure
import TVPResults

/// What importing one run did.
public enum ImportOutcome: Sendable, Equatable {
    /// The run was stored under this id, with this many trials.
    case stored(id: Int64, trials: Int)
    /// A run with the same key was already stored; nothing was written.
    case alreadyStored(id: Int64)
}

/// A stored run's header: who made it, when, and with what labels.
public struct StoredRun: Sendable, Equatable {
    /// The store's id of the run.
    public var id: Int64
    /// The run's key (`RunImport.key`).
    public var key: String
    /// The run folder it was imported from.
    public var folder: String
    /// The scenario's name.
    public var scenario: String
    /// UTC start, ISO 8601.
    public var startedAt: String
    /// meta.json's status ("complete", "failed", …).
    public var status: String
    /// The machine kind's key.
    public var machineKind: String
    /// The run's labels.
    public var labels: [String: String]

    /// The folder's last path component, which names the run in reports.
    public var name: String { (folder as NSString).lastPathComponent }
}

/// An accepted change: from `fromRunKey` on, `cell`'s history restarts.
public struct Acceptance: Sendable, Equatable {
    /// The scenario's name.
    public var scenario: String
    /// The machine kind's key.
    public var machineKind: String
    /// The cell's key (`storedCellKey`).
    public var cell: String
    /// The first run of the new level.
    public var fromRunKey: String
    /// Why the change was intended.
    public var note: String
    /// UTC time of the acceptance, ISO 8601.
    public var acceptedAt: String

    /// An acceptance from its parts.
    public init(scenario: String, machineKind: String, cell: String, fromRunKey: String, note: String, acceptedAt: String) {
        self.scenario = scenario
        self.machineKind = machineKind
        self.cell = cell
        self.fromRunKey = fromRunKey
        self.note = note
        self.acceptedAt = acceptedAt
    }
}

/// A store of runs: SQLite or PostgreSQL behind the same operations.
public protocol ResultsStore: Sendable {
    /// Where the store is, for messages.
    var location: StoreLocation { get }
    /// The schema version the store has.
    func schemaVersion() throws -> Int
    /// Stores `run` whole in one transaction, or finds it already stored.
    func importRun(_ run: RunImport) throws -> ImportOutcome
    /// Stored runs, oldest first, of `scenario` (any when nil) and `machineKind` (any when nil).
    func runs(scenario: String?, machineKind: String?) throws -> [StoredRun]
    /// The trials.csv header and rows of the stored run `id`, in file order.
    func trials(ofRun id: Int64) throws -> (columns: [String], rows: [[String: String]])
    /// The summary.csv rows of the stored run `id`.
    func summaries(ofRun id: Int64) throws -> [[String: String]]
    /// Records an accepted change.
    func accept(_ acceptance: Acceptance) throws
    /// Accepted changes of `scenario` on `machineKind`, oldest first.
    func acceptances(scenario: String, machineKind: String) throws -> [Acceptance]
}

/// Opening a store.
public enum Stores {
    /// The store at `location` (created and migrated as needed); nil for `.none`.
    public static func open(_ location: StoreLocation) throws -> (any ResultsStore)? {
        switch location {
        case .none: nil
        case .sqlite(let path): try SQLiteStore(path: path)
        case .postgres: try PostgresStore(location: location)
        }
    }
}

/// Encoding of a row's fields in the store: a JSON object of column → text, keys sorted.
enum StoredFields {
    static func encode(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try! encoder.encode(value), as: UTF8.self)
    }

    static func decode<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
        try JSONDecoder().decode(type, from: Data(text.utf8))
    }
}
