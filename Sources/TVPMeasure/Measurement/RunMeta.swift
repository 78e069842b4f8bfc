import Foundation

/// What a run's meta.json holds: the machine, the build, the scenario as it was run, and how the
/// run went.
public typealias RunMeta = FolderMeta<RunFacts>

/// What ran in a run: the machine, the build, the scenario as it was run, and what it counted.
public struct RunFacts: Codable, Sendable {
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
    /// What tvp added to its environment for the `tvp-worker` processes it started
    /// (`WorkerEnvironment`: libcrypto's CPU capabilities as `OPENSSL_ia32cap`); nil when nothing,
    /// and in runs made before tvp added anything.
    public var workerEnvironment: [String: String]? = nil
    /// Runs that start `tvp-worker` processes: how many KiB of the worker's file the page cache
    /// holds in 2 MiB folios (what a mapping of the whole file takes in 2 MiB pages), read once tvp
    /// had put the file back in the page cache at the start of the run (`ProgramPages`). A spawn maps
    /// the code segment's share of them whole. 0 where the kernel keeps the file in small folios,
    /// and spawns then cost more (docs/overhead.md, row a); nil when it could not be read, and in
    /// runs made before.
    public var workerHugeMappedKiB: Int? = nil

    enum CodingKeys: String, CodingKey {
        case schemaVersion = "schema_version", scenario, scenarioPath = "scenario_path",
             scenarioText = "scenario_text", scenarioSHA256 = "scenario_sha256", seed,
             commandLine = "command_line", warnings,
             trialsPlanned = "trials_planned", trialsCompleted = "trials_completed",
             trialsFailed = "trials_failed", machine, stealFractionDuringRun = "steal_fraction_during_run",
             openDescriptorsAtStart = "open_descriptors_at_start", openDescriptorsAtEnd = "open_descriptors_at_end",
             zombieChildrenAtEnd = "zombie_children_at_end", estimatedSeconds = "estimated_seconds",
             hashingRateMBPerSecond = "hashing_rate_mb_per_s", plugins, workerEnvironment = "worker_environment",
             workerHugeMappedKiB = "worker_huge_mapped_kib"
    }
}

extension FolderMeta where Facts == RunFacts {
    /// Creates the value from its parts.
    public init(schemaVersion: Int, scenario: String, scenarioPath: String, scenarioText: String, scenarioSHA256: String, seed: UInt64, commandLine: [String], startedAt: String, endedAt: String? = nil, status: String, reason: String? = nil, warnings: [String]? = nil, trialsPlanned: Int, trialsCompleted: Int, trialsFailed: Int, machine: MachineFacts, stealFractionDuringRun: Double? = nil, openDescriptorsAtStart: Int? = nil, openDescriptorsAtEnd: Int? = nil, zombieChildrenAtEnd: Int? = nil, estimatedSeconds: Double? = nil, hashingRateMBPerSecond: Double? = nil, plugins: [PluginFact]? = nil, ownerProcess: String? = nil) {
        self.init(facts: RunFacts(schemaVersion: schemaVersion, scenario: scenario, scenarioPath: scenarioPath, scenarioText: scenarioText,
                                  scenarioSHA256: scenarioSHA256, seed: seed, commandLine: commandLine, warnings: warnings,
                                  trialsPlanned: trialsPlanned, trialsCompleted: trialsCompleted, trialsFailed: trialsFailed, machine: machine,
                                  stealFractionDuringRun: stealFractionDuringRun, openDescriptorsAtStart: openDescriptorsAtStart,
                                  openDescriptorsAtEnd: openDescriptorsAtEnd, zombieChildrenAtEnd: zombieChildrenAtEnd,
                                  estimatedSeconds: estimatedSeconds, hashingRateMBPerSecond: hashingRateMBPerSecond, plugins: plugins),
                  course: RunCourse(startedAt: startedAt, endedAt: endedAt, status: status, reason: reason, ownerProcess: ownerProcess))
    }
}
