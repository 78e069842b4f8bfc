import ArgumentParser
import TVPReport

/// The options `tvp compare` and `tvp paired` share: how large a change counts, whether an
/// inconclusive cell fails, and how the verdicts are printed.
struct GateOptions: ParsableArguments {
    /// Relative change tolerated, as a fraction.
    @Option(name: .long, help: "Relative change tolerated before a cell counts as changed (0.05 = 5%).")
    var threshold: Double = 0.05

    /// Whether inconclusive cells fail the gate.
    @Flag(name: .long, help: "Fail (exit 2) on inconclusive cells too.")
    var strict = false

    /// How the report is printed.
    @Option(name: .long, help: "Output format.")
    var format: ComparisonFormat = .text

    /// Rejects a threshold outside [0, 1).
    func validate() throws {
        guard threshold.isFinite, threshold >= 0, threshold < 1 else {
            throw ValidationError("--threshold must be a fraction in [0, 1), e.g. 0.05 for 5%; got \(threshold)")
        }
    }
}
