import Foundation

/// A build `tvp paired` runs: its `tvp` executable, with its own `tvp-worker` beside it.
public struct Build: Sendable {
    /// What the user named it, for messages.
    public var name: String
    /// The `tvp` executable.
    public var executable: String

    /// The build at `path`: a `tvp` executable, or a folder holding one (e.g. `.build/release`).
    /// Throws a message naming the path when there is no executable `tvp` there, or no `tvp-worker`
    /// beside it (a build's worker is part of what is compared).
    public init(path: String) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw PairedError(message: "\(path): no such file or folder; give a build folder (e.g. .build/release) or its tvp executable")
        }
        let executable = isDirectory.boolValue ? URL(fileURLWithPath: path).appendingPathComponent("tvp").path : path
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw PairedError(message: "\(executable): not an executable tvp; build it with `swift build -c release`")
        }
        let worker = URL(fileURLWithPath: executable).resolvingSymlinksInPath().deletingLastPathComponent()
            .appendingPathComponent("tvp-worker").path
        guard FileManager.default.isExecutableFile(atPath: worker) else {
            throw PairedError(message: "\(worker): the build has no tvp-worker beside its tvp; both are built by `swift build -c release`")
        }
        name = path
        self.executable = executable
    }
}

/// How a paired run goes.
public struct PairedPlan: Sendable {
    /// The scenario file both builds run.
    public var scenarioPath: String
    /// Rounds; in each, both builds run the scenario once, in ABBA order over the rounds.
    public var rounds: Int
    /// Counted and warm-up trials per cell in each build's run of a round.
    public var repetitions, warmup: Int
    /// Seed of round 1's trial order; round r uses seed + r − 1, the same for both builds.
    public var seed: UInt64

    /// Creates a plan.
    public init(scenarioPath: String, rounds: Int, repetitions: Int, warmup: Int, seed: UInt64) {
        self.scenarioPath = scenarioPath
        self.rounds = rounds
        self.repetitions = repetitions
        self.warmup = warmup
        self.seed = seed
    }

    /// Which build runs first in `round` (from 1): baseline in odd rounds, current in even ones,
    /// so that drift during a pair of rounds favours neither (ABBA).
    public static func baselineFirst(inRound round: Int) -> Bool { round % 2 == 1 }
}

/// A paired comparison that cannot be run.
public struct PairedError: Error, CustomStringConvertible, Sendable {
    /// What went wrong and what to do.
    public var message: String
    public var description: String { message }

    /// Creates the value from its parts.
    public init(message: String) {
        self.message = message
    }
}
