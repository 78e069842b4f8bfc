import TVPMeasure

/// One finished run as `tvp compare` reads it: every trial of its trials.csv, its meta.json when there is
/// one, and the CSV schema version the rows were written with.
public struct RunData: Sendable {
    /// The trials.csv the samples came from.
    public var trialsPath: String
    /// Every trial in the file, warm-up and failed ones included.
    public var samples: [TrialSample]
    /// The run's meta.json; nil when the folder has none or it could not be decoded (`notes` says which).
    public var meta: RunMeta?
    /// The `schema_version` of the file's rows.
    public var schemaVersion: Int
    /// Remarks made while loading, such as a missing meta.json; the comparison repeats them as warnings.
    public var notes: [String]

    /// The schema version this tvp writes and reads.
    public static var supportedSchemaVersion: Int { TrialSchema.version }

    /// A run assembled from values (tests, or samples already in memory).
    public init(trialsPath: String, samples: [TrialSample], meta: RunMeta? = nil,
                schemaVersion: Int = RunData.supportedSchemaVersion, notes: [String] = []) {
        self.trialsPath = trialsPath
        self.samples = samples
        self.meta = meta
        self.schemaVersion = schemaVersion
        self.notes = notes
    }
}
