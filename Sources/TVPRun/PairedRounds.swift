import Foundation
import TVPSystem
import TVPAnalysis
import TVPPlan
import TVPResults

/// Runs two builds' `tvp run` in alternating rounds and collects their run folders.
public struct PairedRounds {
    /// The builds.
    public var baseline, current: Build
    /// The rounds to run.
    public var plan: PairedPlan
    /// The paired run's folder.
    public var directory: String
    /// Starts one `tvp run`: the executable, its arguments, the environment and the log file for
    /// its output; returns its exit status.
    public var launch: (_ executable: String, _ arguments: [String], _ environment: [String: String], _ log: String) throws -> Int32

    /// Prepares the rounds; `launch` defaults to `ExternalCommand.run`.
    public init(baseline: Build, current: Build, plan: PairedPlan, directory: String,
                launch: @escaping (String, [String], [String: String], String) throws -> Int32 = PairedRounds.launchProcess) {
        self.baseline = baseline
        self.current = current
        self.plan = plan
        self.directory = directory
        self.launch = launch
    }

    /// What is reported after each build's run.
    public enum Event: Sendable {
        /// A build finished its run of a round.
        case ran(round: Int, side: String, seconds: Double)
    }

    /// Runs every round; stops early (keeping the finished rounds) when tvp receives SIGINT or SIGTERM.
    public func run(events: (Event) -> Void = { _ in }) throws -> [PairedRound] {
        var environment = ProcessInfo.processInfo.environment
        // Each build must use its own worker, found beside its tvp.
        environment.removeValue(forKey: "TVP_WORKER")
        // A round's run is half of a paired measurement, not a run of its own: it is not stored
        // (a build older than the store ignores the variable).
        environment["TVP_STORE"] = "none"
        var rounds: [PairedRound] = []
        for round in 1...plan.rounds {
            if InterruptSignal.received != nil { break }
            var runs: [String: RunFolder] = [:]
            let order = PairedPlan.baselineFirst(inRound: round) ? [("baseline", baseline), ("current", current)]
                : [("current", current), ("baseline", baseline)]
            for (side, build) in order {
                let out = "\(directory)/rounds/\(String(format: "%02d", round))/\(side)"
                try Files.makeDirectories(out)
                let log = "\(out)/tvp-run.log"
                let arguments = ["run", plan.scenarioPath, "--out", out, "--quiet", "--no-plot", "--yes",
                                 "--repetitions", String(plan.repetitions), "--warmup", String(plan.warmup),
                                 "--seed", String(plan.seed &+ UInt64(round - 1))]
                let start = MonotonicInstant.now()
                let status = try launch(build.executable, arguments, environment, log)
                if InterruptSignal.received != nil { return rounds }
                // 0: fine; 2: an expectation of the scenario failed, which says nothing against the run's
                // numbers; anything else: the run did not finish.
                guard status == 0 || status == 2, let folder = Files.directoryEntries(out).first(where: { !$0.hasSuffix(".log") }) else {
                    throw PairedError(message: "round \(round): \(build.name)'s `tvp run` exited with status \(status); its output is in \(log)")
                }
                runs[side] = try RunFolder.load("\(out)/\(folder)", reading: .trials)
                events(.ran(round: round, side: side, seconds: MonotonicInstant.now().seconds(since: start)))
            }
            rounds.append(PairedRound(number: round, baseline: runs["baseline"]!, current: runs["current"]!))
        }
        return rounds
    }

    /// Marks the paired and run folders in `outDirectory` whose tvp was killed while they were
    /// running (`failed`, with why); returns a sentence for each.
    public static func markKilledRuns(in outDirectory: String) -> [String] { KilledRuns.mark(in: outDirectory) }

    /// Starts `executable` with `arguments` and `environment`, its output and errors appended to
    /// `log`, and waits for it.
    public static func launchProcess(_ executable: String, _ arguments: [String], _ environment: [String: String],
                                     _ log: String) throws -> Int32 {
        try ExternalCommand.run(executable, arguments: arguments, environment: environment, outputPath: log)
    }
}

