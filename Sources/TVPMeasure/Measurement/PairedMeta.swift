import Foundation
import TVPSystem
import TVPWorkloads
import TVPPlan

/// meta.json of a `tvp paired` folder: the two builds, the plan, and how it went.
public typealias PairedMeta = FolderMeta<PairedFacts>

/// What ran in a paired run: the two builds and the plan.
public struct PairedFacts: Codable, Sendable {
    /// One build as it was run.
    public struct BuildFacts: Codable, Sendable {
        /// The path given on the command line.
        public var path: String
        /// The `tvp` executable run.
        public var executable: String
        /// SHA-256 of that executable, so two folders' builds can be told apart.
        public var executableSHA256: String?

        enum CodingKeys: String, CodingKey {
            case path, executable, executableSHA256 = "executable_sha256"
        }
    }

    /// The builds.
    public var baseline, current: BuildFacts
    /// The scenario file both ran.
    public var scenarioPath: String
    /// Rounds planned and finished; counted and warm-up trials per cell in each build's run.
    public var roundsPlanned, roundsCompleted, repetitions, warmup: Int
    /// Round 1's seed (round r: seed + r − 1), and the command line.
    public var seed: UInt64, commandLine: [String]

    enum CodingKeys: String, CodingKey {
        case baseline, current, scenarioPath = "scenario_path", roundsPlanned = "rounds_planned",
             roundsCompleted = "rounds_completed", repetitions, warmup, seed, commandLine = "command_line"
    }
}

extension FolderMeta where Facts == PairedFacts {
    /// The facts of a paired run starting now, owned by this tvp.
    public init(baseline: PairedFacts.BuildFacts, current: PairedFacts.BuildFacts, scenarioPath: String, roundsPlanned: Int,
                repetitions: Int, warmup: Int, seed: UInt64, commandLine: [String]) {
        self.init(facts: PairedFacts(baseline: baseline, current: current, scenarioPath: scenarioPath, roundsPlanned: roundsPlanned,
                                     roundsCompleted: 0, repetitions: repetitions, warmup: warmup, seed: seed, commandLine: commandLine),
                  course: RunCourse(ownerProcess: ProcFS.ownIdentity()))
    }

    /// The JSON text.
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self) + "\n"
    }

    /// The facts of `build`.
    public static func buildFacts(_ build: Build) -> PairedFacts.BuildFacts {
        let data = FileManager.default.contents(atPath: build.executable)
        return PairedFacts.BuildFacts(path: build.name, executable: build.executable,
                                      executableSHA256: data.map { SHA256Hasher.hash([UInt8]($0)).hex })
    }
}
