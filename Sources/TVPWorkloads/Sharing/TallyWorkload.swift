import TVPSystem

/// How the tasks of a `tally` trial keep their counts.
public enum TallySync: String, Hashable, Sendable, CaseIterable {
    /// One pthread mutex around the shared table (process-shared under process modes).
    case mutex
    /// Swift's `Synchronization.Mutex` around the shared table: in-process modes only.
    case swiftMutex = "swift-mutex"
    /// One relaxed atomic add per update to the shared table.
    case atomic
    /// A table per worker, merged at the end; a worker process sends its table back with each result.
    case local
    /// An unsynchronised relaxed load then store: updates are lost, and counted.
    case racy

    /// Whether the trial's workers update one table that tvp creates (all but `local`).
    public var sharesTable: Bool { self != .local }

    /// Whether a table shared by processes can use this sync (Swift's Mutex is private to a process).
    public var worksAcrossProcesses: Bool { self != .swiftMutex }
}

/// Where per-worker tables lie relative to each other (`local` only: other syncs share one table).
public enum TallyLayout: String, Hashable, Sendable, CaseIterable {
    /// Interleaved: each worker's count of a bin next to the other workers' (shared cache lines).
    case packed
    /// Each worker's table on cache lines of its own, 128-byte aligned.
    case padded
}

/// Parameters of the `tally` workload: each task makes `updates` increments of `bins` counters,
/// the bins chosen by a key stream seeded with the task index.
public struct TallyWorkload: WorkloadKind, Hashable {
    /// Increments per task.
    public var updates: Int
    /// Counters in the table.
    public var bins: Int
    /// How the counts are kept.
    public var sync: TallySync
    /// Where per-worker tables lie; always `packed` for syncs that share one table (it means nothing there).
    public var layout: TallyLayout

    /// Creates the parameters; `layout` is kept only for `local`.
    public init(updates: Int, bins: Int, sync: TallySync, layout: TallyLayout) {
        self.updates = updates
        self.bins = bins
        self.sync = sync
        self.layout = sync == .local ? layout : .packed
    }

    public static let name = "tally"
    public static let summary = "updates to one table of counters shared by the trial's workers: a lock, atomics, a race, or a table per worker"
    public static let parameters = [
        WorkloadParameter("updates", .count(updatesRange), default: .integer(defaultUpdates), summary: "increments per task"),
        WorkloadParameter("bins", .count(1...(1 << 20)), default: .integer(defaultBins), summary: "counters in the table"),
        WorkloadParameter("sync", .choice(TallySync.allCases.map(\.rawValue)), default: .text("mutex"),
                          summary: "how the counts are kept: `mutex`, `swift-mutex`, `atomic`, `local` (a table per worker) or `racy`"),
        WorkloadParameter("layout", .choice(TallyLayout.allCases.map(\.rawValue)), default: .text("packed"),
                          summary: "`local` only: per-worker tables `packed` together or `padded` to cache lines of their own"),
    ]

    public init(parameters values: ParameterValues) {
        self.init(updates: values.integer("updates"), bins: values.integer("bins"), sync: values.choice("sync") ?? .mutex,
                  layout: values.choice("layout") ?? .packed)
    }
    public var parameterValues: ParameterValues {
        var values = ParameterValues([("updates", .integer(updates)), ("bins", .integer(bins)), ("sync", .text(sync.rawValue))])
        if sync == .local { values["layout"] = .text(layout.rawValue) }
        return values
    }
    /// A worker is told the layout whatever the sync (CSV files leave it empty where it means nothing).
    public var specValues: ParameterValues {
        var values = parameterValues
        values["layout"] = .text(layout.rawValue)
        return values
    }
    /// `tally[mutex]`, `tally[local padded]`, `tally[atomic 1Mx64]`: the sizes only where they
    /// differ from the defaults.
    public var label: String {
        var words = [sync.rawValue]
        if sync == .local { words.append(layout.rawValue) }
        if updates != Self.defaultUpdates || bins != Self.defaultBins { words.append("\(formatCount(updates))x\(bins)") }
        return "tally[\(words.joined(separator: " "))]"
    }

    public func makeTask(input: TaskInput, taskTimeoutSeconds: Double?) -> any WorkloadTask { TallyTask(self, input: input) }
    public var updatesPerTask: Int? { updates }
    public var mayLoseUpdates: Bool { sync == .racy }
    public static var countsLostUpdates: Bool { true }
    public var runsInProcesses: Bool { sync.worksAcrossProcesses }
    public func estimatedTaskSeconds(tasks: Int) -> (compute: Double, wait: Double) { (Double(updates) * 100e-9, 0) }

    /// A zeroed table. In-process modes get it in tvp's memory, with one per-worker table per runner
    /// when the sync is `local`. Under process modes a shared sync's table is a POSIX shared-memory
    /// object that the workers map and `remove()` unlinks; a `local` one is empty, filled from the
    /// tables the workers send back.
    public func stageSharedState(processes: Bool, runners: Int, sharedName: () -> String) throws -> StagedState? {
        let name = processes && sync.sharesTable ? sharedName() : nil
        let slots = sync == .local && !processes ? runners : 0
        let table = try TallyTable.create(bins: bins, slots: slots, padded: layout == .padded, sharedName: name)
        return StagedState(input: .tally(table), remove: { table.remove() })
    }

    /// The final table's digest, counted plainly: a tally's digest is its table's, not its tasks'.
    public func referenceDigest(tasks: Int, input: TaskInput) throws -> TaskDigest? { expectedDigest(tasks: tasks) }

    /// The digest every non-racy trial of `tasks` tasks must end with: SHA-256 of the expected
    /// counts, each a 64-bit word.
    public func expectedDigest(tasks: Int) -> TaskDigest {
        var hasher = SHA256Hasher()
        for count in expectedTotals(tasks: tasks) { hasher.update(count) }
        return hasher.finish()
    }

    /// The updates a scenario may ask of a task (`tally`, `alloc`, `refs`).
    static let updatesRange = 1...(1 << 40)

    /// Updates per task when a scenario names none: 4 tasks make 20 M updates.
    public static let defaultUpdates = 5_000_000
    /// Bins when a scenario names none.
    public static let defaultBins = 256

    /// The salt of the key streams (benchmarks/c/tally.c uses the same).
    public static let keySalt: UInt64 = 0x7A11_0000_0000_0000

    /// The key stream of task `index`.
    public func keys(task index: Int) -> KeyStreamGenerator {
        KeyStreamGenerator(salt: Self.keySalt, index: index)
    }

    /// The counts every non-racy trial of `tasks` tasks must end with, counted plainly.
    public func expectedTotals(tasks: Int) -> [UInt64] {
        var totals = [UInt64](repeating: 0, count: bins)
        for task in 0..<tasks {
            var keys = keys(task: task)
            for _ in 0..<updates { totals[keys.next(below: bins)] &+= 1 }
        }
        return totals
    }
}

extension Workload {
    /// A `tally` workload.
    public static func tally(_ tally: TallyWorkload) -> Workload { Workload(tally) }
}

/// A count as people write it: 2.5M, 250k, 1000, 65536.
func formatCount(_ count: Int) -> String {
    if count >= 1_000_000 && count % 100_000 == 0 {
        let millions = Double(count) / 1e6
        return millions == millions.rounded() ? "\(Int(millions))M" : "\(millions)M"
    }
    if count >= 10_000 && count % 1_000 == 0 { return "\(count / 1_000)k" }
    return String(count)
}

/// Xorshift64 (13, 7, 17) seeded by splitmix64 of a salt and a task index; each key reduced to a
/// range by the high word of key × count (no division). The C references use the same function.
public struct KeyStreamGenerator: KeyStream, Sendable {
    @usableFromInline var state: UInt64

    /// The stream of task `index` under `salt`.
    public init(salt: UInt64, index: Int) {
        var z = salt ^ UInt64(truncatingIfNeeded: index)
        z &+= 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        z ^= z >> 31
        state = z | 1
    }

    /// The next raw key.
    @inlinable @inline(__always)
    public mutating func nextKey() -> UInt64 {
        var x = state
        x ^= x << 13
        x ^= x >> 7
        x ^= x << 17
        state = x
        return x
    }

    @inlinable @inline(__always)
    public mutating func next(below count: Int) -> Int {
        Int(truncatingIfNeeded: nextKey().multipliedFullWidth(by: UInt64(truncatingIfNeeded: count)).high)
    }
}
