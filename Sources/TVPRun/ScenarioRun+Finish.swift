import TVPSystem
import TVPAnalysis
import TVPMeasure
import TVPPlan
import TVPReport
import TVPResults

extension ScenarioRun {
    /// Writes summary.csv, the crossover files and meta.json for the trials `run` finished, with
    /// the run's status ("complete", "failed" or "interrupted") and why, and returns the report.
    /// The trials file's reserve is handed back first, so a disk that filled up still takes them.
    func finish(_ run: inout RunProgress, writer: ResultsWriter) throws -> RunReport {
        writer.releaseReserve()
        let summaries = Summarizer(usableCPUs: run.meta.machine.usableCPUs).summarize(run.samples, cellOrder: run.cells)
        let ranToEnd = run.interruptedBy == nil && run.failure == nil
        // The verdicts judge the run (its exit status) only when it ran to its end; report.md shows
        // them for the trials that finished in any case, as `tvp report` on the folder does.
        var expectations: [ExpectationResult] = []
        let verdicts: ReportPage.Verdicts
        do {
            let evaluated = ExpectationEvaluator.evaluate(
                try ExpectationParser.expectations(of: scenario, source: scenarioPath), summaries: summaries, cpus: scenario.cpus)
            if ranToEnd { expectations = evaluated }
            verdicts = run.samples.isEmpty ? .unavailable(TrialsFileError.noTrials(path: writer.trialsPath).description) : .evaluated(evaluated)
        } catch {
            if ranToEnd { run.failure = "\(error)" }
            verdicts = .unavailable("\(error)")
        }
        var problems: [String] = []
        do { try writer.writeSummary(summaries) } catch { problems.append("\(error)") }
        let crossover = Crossover.points(run.samples, seed: scenario.seed)
        let breakEvens = Crossover.breakEvens(crossover)
        do { try writer.writeCrossover(crossover, breakEvens) } catch { problems.append("\(error)") }

        let cpu = ProcFS.totalCPUSeconds() - run.cpu0
        run.meta.stealFractionDuringRun = cpu > 0 && run.cpu0 > 0 ? (ProcFS.stealSeconds() - run.steal0) / cpu : nil
        run.meta.endedAt = RunMeta.timestamp()
        run.meta.trialsCompleted = run.samples.count
        run.meta.trialsFailed = run.failures.count
        run.meta.zombieChildrenAtEnd = ProcFS.zombieChildren()
        if let signal = run.interruptedBy {
            run.meta.status = "interrupted"
            run.meta.reason = "interrupted by \(signalName(signal)) after \(run.samples.count) of \(run.meta.trialsPlanned) trials"
        } else if let failure = run.failure {
            run.meta.status = "failed"
            run.meta.reason = failure
        } else if let first = run.failures.first {
            run.meta.status = "failed"
            run.meta.reason = "\(run.failures.count) of \(run.samples.count) trials failed; the first (\(first.cell.label), round \(first.round)): \(first.error ?? "")"
        } else {
            run.meta.status = "complete"
        }
        do { try writer.writeMeta(run.meta) } catch { problems.append("\(error)") }
        if !problems.isEmpty {
            let before = run.failure.map { "the run stopped on an error (\($0)), then " } ?? ""
            throw ResultsError(path: writer.directory, problem: "\(before)its last files could not be written: \(problems.joined(separator: "; ")); trials.csv holds the \(run.samples.count) finished trials")
        }
        return RunReport(directory: writer.directory, summaries: summaries, trialsCompleted: run.samples.count,
                         failures: run.failures, meta: run.meta, interruptedBy: run.interruptedBy, failure: run.failure,
                         expectations: expectations, breakEvens: breakEvens,
                         folder: writer.written(meta: run.meta, trials: run.samples, summaries: summaries, crossover: crossover),
                         verdicts: verdicts)
    }
}
