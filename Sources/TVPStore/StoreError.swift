/// A store that cannot be used, or a request it cannot answer; each says what to do.
public enum StoreError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The database could not be reached or opened.
    case unreachable(store: String, reason: String)
    /// The store was created by a newer tvp.
    case newerSchema(store: String, found: Int, supported: Int)
    /// The SQLite file is not a database, or is damaged.
    case corrupt(store: String, reason: String)
    /// A run folder that cannot be stored.
    case unusableRun(folder: String, reason: String)
    /// A label not written key=value.
    case badLabel(String)
    /// Runs of more than one machine kind in one verdict.
    case mixedMachineKinds(kinds: [String])
    /// No stored run matches.
    case noRuns(store: String, what: String)
    /// A database error with no better name.
    case database(store: String, reason: String)

    /// The problem and the fix.
    public var description: String {
        switch self {
        case .unreachable(let store, let reason):
            "cannot reach the store \(store): \(reason); check the path or URL (and that the server runs), "
                + "or pass --store none; run folders are complete without it and `tvp store import` adds them later"
        case .newerSchema(let store, let found, let supported):
            "the store \(store) has schema version \(found), but this tvp knows up to \(supported): "
                + "it was written by a newer tvp; use that tvp, or another store (--store PATH)"
        case .corrupt(let store, let reason):
            "the store \(store) is not a readable SQLite database (\(reason)); move it aside and re-create it "
                + "with `tvp store import \(store) results/*/` (the run folders are the source of truth)"
        case .unusableRun(let folder, let reason):
            "\(folder): \(reason)"
        case .badLabel(let text):
            "label \"\(text)\" is not key=value (e.g. --label branch=main); keys are letters, digits, '_', '-' and '.'"
        case .mixedMachineKinds(let kinds):
            "the runs come from \(kinds.count) machine kinds (\(kinds.joined(separator: "; "))): a verdict judges one kind "
                + "at a time; pick one with --machine-kind or compare speedups with `tvp history --machines`"
        case .noRuns(let store, let what):
            "the store \(store) has no \(what)"
        case .database(let store, let reason):
            "the store \(store) failed: \(reason)"
        }
    }
}

/// `--label key=value` values, checked.
public enum RunLabels {
    /// The labels `texts` name (key=value each; a later key replaces an earlier one).
    public static func parse(_ texts: [String]) throws(StoreError) -> [String: String] {
        var labels: [String: String] = [:]
        for text in texts {
            guard let equals = text.firstIndex(of: "=") else { throw .badLabel(text) }
            let key = String(text[..<equals]), value = String(text[text.index(after: equals)...])
            guard !key.isEmpty, key.allSatisfy({ $0.isLetter || $0.isNumber || "_-.".contains($0) }) else { throw .badLabel(text) }
            labels[key] = value
        }
        return labels
    }
}
