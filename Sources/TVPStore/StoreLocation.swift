/// Where runs are stored: a SQLite file, a PostgreSQL database, or nowhere.
public enum StoreLocation: Sendable, Equatable, CustomStringConvertible {
    /// No store (`--store none`).
    case none
    /// A SQLite file (`results/history.sqlite`, or `sqlite:PATH`).
    case sqlite(path: String)
    /// A PostgreSQL database (`postgres://user@host:port/db` or `postgresql://…`).
    case postgres(url: String)

    /// The file name of the default store, in the folder of the runs.
    public static let defaultFileName = "history.sqlite"

    /// The location a `--store` value or `TVP_STORE` names: `none`, a postgres:// URL, `sqlite:PATH`
    /// or a plain path.
    public init(_ text: String) {
        if text == "none" {
            self = .none
        } else if text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") {
            self = .postgres(url: text)
        } else if text.hasPrefix("sqlite://") {
            self = .sqlite(path: String(text.dropFirst("sqlite://".count)))
        } else if text.hasPrefix("sqlite:") {
            self = .sqlite(path: String(text.dropFirst("sqlite:".count)))
        } else {
            self = .sqlite(path: text)
        }
    }

    /// The store of `tvp run`: `--store`, else `TVP_STORE`, else history.sqlite in the runs' folder.
    public static func resolve(option: String?, environment: [String: String], runsFolder: String) -> StoreLocation {
        if let option { return StoreLocation(option) }
        if let variable = environment["TVP_STORE"], !variable.isEmpty { return StoreLocation(variable) }
        return .sqlite(path: "\(runsFolder)/\(defaultFileName)")
    }

    /// The location as the user wrote it, with a PostgreSQL password hidden.
    public var description: String {
        switch self {
        case .none: "none"
        case .sqlite(let path): path
        case .postgres(let url): Self.hidingPassword(url)
        }
    }

    /// `postgres://user:secret@host/db` → `postgres://user:***@host/db`.
    static func hidingPassword(_ url: String) -> String {
        guard let scheme = url.range(of: "://"), let at = url[scheme.upperBound...].firstIndex(of: "@") else { return url }
        let credentials = url[scheme.upperBound..<at]
        guard let colon = credentials.firstIndex(of: ":") else { return url }
        return String(url[..<colon]) + ":***" + String(url[at...])
    }
}
