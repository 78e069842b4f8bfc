import Foundation

/// What meta.json holds: the machine, the build, the scenario as it was run, and when.
public struct RunMeta: Codable, Sendable {
    /// The schema of the run's CSV files.
    public var schemaVersion: Int
    /// The scenario's name.
    public var scenario: String
    /// The scenario file's path, or "<built-in>".
    public var scenarioPath: String
    /// The scenario file's text, exactly as run.
    public var scenarioText: String
    /// SHA-256 of that text.
    public var scenarioSHA256: String
    /// The seed of the trial order and the bootstrap.
    public var seed: UInt64
    /// The command line that started the run.
    public var commandLine: [String]
    /// UTC start, ISO 8601.
    public var startedAt: String
    /// UTC end, ISO 8601; nil while running.
    public var endedAt: String?
    /// "running", "complete" (every trial ran and succeeded), "failed" (an error stopped the run,
    /// or a trial failed) or "interrupted" (SIGINT or SIGTERM).
    public var status: String
    /// Why the run is "failed" or "interrupted"; nil otherwise.
    public var reason: String?
    /// Problems the run warned about on stderr (a `cold` cache on a file system in memory); nil in
    /// runs made before tvp recorded them.
    public var warnings: [String]?
    /// Trials planned and trials finished.
    public var trialsPlanned: Int
    /// Trials that finished (and are in trials.csv).
    public var trialsCompleted: Int
    /// Finished trials that failed.
    public var trialsFailed: Int
    /// Facts of the machine at the start.
    public var machine: MachineFacts
    /// Hypervisor steal over the whole run, as a fraction of CPU time.
    public var stealFractionDuringRun: Double?
    /// Descriptors tvp had open when the run started and when it ended (a leak shows as a difference).
    public var openDescriptorsAtStart: Int?
    /// Descriptors open at the end.
    public var openDescriptorsAtEnd: Int?
    /// Children of tvp left unreaped (zombies) at the end; 0 when every child was reaped.
    public var zombieChildrenAtEnd: Int?
    /// The run's forecast duration in seconds, made before it started.
    public var estimatedSeconds: Double?
    /// Runs with `mixed` tasks: the hashing rate measured before the trials, which sets how many
    /// bytes a task hashes for its CPU share, MB/s.
    public var hashingRateMBPerSecond: Double?
    /// Runs with `plugin` workloads: each library's path, size and SHA-256 (nil in other runs).
    public var plugins: [PluginFact]?
    /// The tvp process that answers for the run while it is "running" ("PID:START", see
    /// `ProcFS.processIdentity`): the supervising `tvp run`. A later run that finds it gone marks
    /// the run failed.
    public var ownerProcess: String?

    enum CodingKeys: String, CodingKey {
        case schemaVersion = "schema_version", scenario, scenarioPath = "scenario_path",
             scenarioText = "scenario_text", scenarioSHA256 = "scenario_sha256", seed,
             commandLine = "command_line", startedAt = "started_at", endedAt = "ended_at", status, reason, warnings,
             trialsPlanned = "trials_planned", trialsCompleted = "trials_completed",
             trialsFailed = "trials_failed", machine, stealFractionDuringRun = "steal_fraction_during_run",
             openDescriptorsAtStart = "open_descriptors_at_start", openDescriptorsAtEnd = "open_descriptors_at_end",
             zombieChildrenAtEnd = "zombie_children_at_end", estimatedSeconds = "estimated_seconds",
             hashingRateMBPerSecond = "hashing_rate_mb_per_s", plugins, ownerProcess = "owner_process"
    }

    /// The current UTC time in ISO 8601 with milliseconds.
    public static func timestamp(_ date: Date = Date()) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }

    /// Creates the value from its parts.
    public init(schemaVersion: Int, scenario: String, scenarioPath: String, scenarioText: String, scenarioSHA256: String, seed: UInt64, commandLine: [String], startedAt: String, endedAt: String? = nil, status: String, reason: String? = nil, warnings: [String]? = nil, trialsPlanned: Int, trialsCompleted: Int, trialsFailed: Int, machine: MachineFacts, stealFractionDuringRun: Double? = nil, openDescriptorsAtStart: Int? = nil, openDescriptorsAtEnd: Int? = nil, zombieChildrenAtEnd: Int? = nil, estimatedSeconds: Double? = nil, hashingRateMBPerSecond: Double? = nil, plugins: [PluginFact]? = nil, ownerProcess: String? = nil) {
        self.schemaVersion = schemaVersion
        self.scenario = scenario
        self.scenarioPath = scenarioPath
        self.scenarioText = scenarioText
        self.scenarioSHA256 = scenarioSHA256
        self.seed = seed
        self.commandLine = commandLine
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.status = status
        self.reason = reason
        self.warnings = warnings
        self.trialsPlanned = trialsPlanned
        self.trialsCompleted = trialsCompleted
        self.trialsFailed = trialsFailed
        self.machine = machine
        self.stealFractionDuringRun = stealFractionDuringRun
        self.openDescriptorsAtStart = openDescriptorsAtStart
        self.openDescriptorsAtEnd = openDescriptorsAtEnd
        self.zombieChildrenAtEnd = zombieChildrenAtEnd
        self.estimatedSeconds = estimatedSeconds
        self.hashingRateMBPerSecond = hashingRateMBPerSecond
        self.plugins = plugins
        self.ownerProcess = ownerProcess
    }
}
