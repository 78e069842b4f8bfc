import Foundation
import TVPSystem
import TVPWorkloads
import TVPPlan

/// meta.json of a `tvp paired` folder: the two builds, the plan and how it ended.
public struct PairedMeta: Codable, Sendable {
    /// One build as it was run.
    public struct BuildFacts: Codable, Sendable {
        /// The path given on the command line.
        public var path: String
        /// The `tvp` executable run.
        public var executable: String
        /// SHA-256 of that executable, so two folders' builds can be told apart.
        public var executableSHA256: String?
    }

    /// The builds.
    public var baseline, current: BuildFacts
    /// The scenario file both ran.
    public var scenarioPath: String
    /// Rounds planned and finished; counted and warm-up trials per cell in each build's run.
    public var roundsPlanned, roundsCompleted, repetitions, warmup: Int
    /// Round 1's seed (round r: seed + r − 1).
    public var seed: UInt64
    /// The command line.
    public var commandLine: [String]
    /// UTC start and end, ISO 8601.
    public var startedAt: String
    public var endedAt: String?
    /// "running", "complete", "interrupted" or "failed".
    public var status: String
    /// Why it did not complete, when it did not.
    public var reason: String?
    /// The `tvp paired` process while it is "running" ("PID:START"): a later one that finds it
    /// gone marks the folder failed.
    public var ownerProcess: String? = ProcFS.ownIdentity()

    /// Creates the facts of a paired run starting now.
    public init(baseline: BuildFacts, current: BuildFacts, scenarioPath: String, roundsPlanned: Int, repetitions: Int,
                warmup: Int, seed: UInt64, commandLine: [String]) {
        self.baseline = baseline
        self.current = current
        self.scenarioPath = scenarioPath
        self.roundsPlanned = roundsPlanned
        roundsCompleted = 0
        self.repetitions = repetitions
        self.warmup = warmup
        self.seed = seed
        self.commandLine = commandLine
        startedAt = RunMeta.timestamp()
        status = "running"
    }

    /// The JSON text.
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        return String(decoding: try encoder.encode(self), as: UTF8.self) + "\n"
    }

    /// The facts of `build`.
    public static func facts(_ build: Build) -> BuildFacts {
        let data = FileManager.default.contents(atPath: build.executable)
        return BuildFacts(path: build.name, executable: build.executable,
                          executableSHA256: data.map { SHA256Hasher.hash([UInt8]($0)).hex })
    }
}
