import ArgumentParser
import TVPStore

/// `tvp store`: the results store.
struct StoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store",
        abstract: "Keep runs in a store (SQLite file or PostgreSQL database) for `compare --history` and `history`.",
        subcommands: [StoreImportCommand.self]
    )
}

/// `tvp store import URL RUN_DIR...`: adds existing run folders to a store.
struct StoreImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Add run folders to a store; a run already stored is left as it is.",
        discussion: """
            URL is a SQLite file (results/history.sqlite, created with its schema when missing) or a \
            PostgreSQL URL (postgres://user@host:port/database). Each run is written in one transaction: \
            stored whole or not at all. A run is known by its start time, its scenario's SHA-256 and its \
            host (meta.json), so importing it again stores nothing.

            Exit status: 0 every run stored or already there; 1 an error (an unreadable folder, an \
            unreachable, corrupt or newer store).
            """
    )

    /// The store.
    @Argument(help: "The store: a SQLite file path or a postgres:// URL.")
    var store: String

    /// The run folders.
    @Argument(help: "Run folders (results/<run>/).", completion: .directory)
    var runs: [String]

    /// Labels recorded on every imported run.
    @Option(name: .long, help: ArgumentHelp("A label recorded on the runs, e.g. branch=main (repeatable).", valueName: "key=value"))
    var label: [String] = []

    /// Imports each folder, printing what happened.
    func run() throws {
        let location = StoreLocation(store)
        guard location != .none else { fail("`none` is no store: name a SQLite file or a postgres:// URL") }
        do {
            let labels = try RunLabels.parse(label)
            guard let store = try Stores.open(location) else { return }
            for path in runs {
                let run = try RunImport.load(path, labels: labels)
                switch try store.importRun(run) {
                case .stored(let id, let trials): print("stored \(run.folder) (run \(id), \(trials) trials)")
                case .alreadyStored(let id): print("already stored: \(run.folder) (run \(id))")
                }
            }
        } catch {
            fail("\(error)")
        }
    }
}
