import TVPAnalysis
import TVPPlan
/// Re-evaluates a finished run's expectations from its folder: the scenario text in meta.json and
/// the trials of trials.csv, summarised again with the usable CPUs of the machine it ran on.
public enum RunCheck {
    /// The expectations of `run` (read with its trials), evaluated; `path` names the run in errors.
    public static func check(_ run: RunFolder, path: String) throws -> [ExpectationResult] {
        guard let meta = run.meta else {
            throw ResultsError(path: path, problem: "meta.json is missing or unreadable: it holds the scenario whose expectations are checked")
        }
        let scenario = try ScenarioLoader.parse(meta.scenarioText, source: "\(meta.scenarioPath) (as recorded in meta.json)",
                                                defaultName: meta.scenario, requiresFiles: false,
                                                cpus: meta.machine.usableCPUs)
        let expectations = try ExpectationParser.expectations(of: scenario, source: meta.scenarioPath)
        let summaries = Summarizer(usableCPUs: meta.machine.usableCPUs)
            .summarize(run.trials, cellOrder: scenario.cells)
        return ExpectationEvaluator.evaluate(expectations, summaries: summaries, cpus: scenario.cpus)
    }
}
