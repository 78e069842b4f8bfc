import TVPMeasure

/// One run folder, whichever command reads it: meta.json, the trials of trials.csv, the cells of
/// summary.csv and the crossover of the run's `mixed` cells. It is loaded once (`RunFolder.load`,
/// in TVPResults), or handed over whole by the `tvp run` that wrote it, and every reader takes it:
/// the charts, report.md, `tvp check`, `tvp compare`, `tvp paired` and `tvp export`.
public struct RunFolder: Sendable {
    /// Which files of the folder a value holds (meta.json always; crossover.csv with summary.csv).
    public struct Parts: OptionSet, Sendable {
        public let rawValue: Int
        public init(rawValue: Int) { self.rawValue = rawValue }
        /// trials.csv.
        public static let trials = Parts(rawValue: 1)
        /// summary.csv and crossover.csv.
        public static let summary = Parts(rawValue: 2)
    }

    /// The run folder, without a trailing slash.
    public var directory: String
    /// Its trials.csv (as named, when a trials.csv was named instead of its folder).
    public var trialsPath: String
    /// The files read so far.
    public var parts: Parts
    /// meta.json; nil when the folder has none or it could not be decoded (`notes` says which).
    public var meta: RunMeta?
    /// Every trial of trials.csv in file order, warm-up and failed ones included.
    public var trials: [TrialSample]
    /// The `schema_version` of trials.csv's rows.
    public var schemaVersion: Int
    /// summary.csv's cells, in file order.
    public var summary: [CellSummary]
    /// The scenario's name as summary.csv's rows give it; nil without rows.
    public var scenario: String?
    /// The crossover of the run's `mixed` cells: crossover.csv, else computed from trials.csv (a
    /// run made before crossover.csv existed; reading never writes).
    public var crossover: [Crossover.Point]
    /// Remarks made while reading, such as a missing meta.json; a comparison repeats them as warnings.
    public var notes: [String]

    /// A run assembled from values (tests, or a run's own values), holding `parts`.
    public init(directory: String, trialsPath: String? = nil, parts: Parts = [.trials, .summary], meta: RunMeta? = nil,
                trials: [TrialSample] = [], schemaVersion: Int = TrialSchema.version, summary: [CellSummary] = [],
                scenario: String? = nil, crossover: [Crossover.Point] = [], notes: [String] = []) {
        self.directory = directory
        self.trialsPath = trialsPath ?? "\(directory)/trials.csv"
        self.parts = parts
        self.meta = meta
        self.trials = trials
        self.schemaVersion = schemaVersion
        self.summary = summary
        self.scenario = scenario
        self.crossover = crossover
        self.notes = notes
    }

    /// The path of a file of the run, e.g. `charts/speedup.png`.
    public func path(_ relative: String) -> String { "\(directory)/\(relative)" }

    /// `path` without trailing slashes (`results/run/` → `results/run`), so that the paths built
    /// from it and printed read cleanly.
    public static func normalized(_ path: String) -> String {
        var result = Substring(path)
        while result.count > 1 && result.hasSuffix("/") { result = result.dropLast() }
        return String(result)
    }
}
