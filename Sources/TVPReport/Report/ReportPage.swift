import Foundation
import TVPSystem
import TVPAnalysis
import TVPFormatting
import TVPMeasure
import TVPPlan
import TVPResults

/// report.md: the page a person reads first about a run. The machine in one line, the run's size,
/// the scenario's expectations with their verdicts, each chart with its finding, the noisy cells
/// and the failed trials. Plain GitHub-flavoured Markdown (headings, tables, images by relative
/// path), so it renders on GitHub and can be appended to a CI job summary.
public enum ReportPage {
    /// The scenario's expectations, evaluated, or why they could not be.
    public enum Verdicts: Sendable {
        /// The results, in scenario order (empty: the scenario declares none).
        case evaluated([ExpectationResult])
        /// Why they were not evaluated (no meta.json, no trials.csv, …).
        case unavailable(String)
    }

    /// A chart as the report shows it: its finding, embedded when its PNG exists.
    public struct ChartEntry: Sendable {
        /// The chart's file stem.
        public var name: String
        /// Its heading.
        public var title: String
        /// The one-sentence finding, or why the run has no such chart.
        public var text: String
        /// Whether the run has data for it.
        public var hasData: Bool
        /// Whether charts/<name>.png exists.
        public var drawn: Bool
    }

    /// The report of the run folder at `directory`, read once: summary.csv, meta.json, crossover.csv,
    /// and trials.csv for the expectations, re-evaluated as `tvp check` does.
    public static func make(_ directory: String) throws -> String {
        var run = try RunFolder.load(directory, reading: .summary)
        let verdicts: Verdicts
        do {
            try run.read(.trials)
            verdicts = .evaluated(try RunCheck.check(run, path: directory))
        } catch {
            verdicts = .unavailable("\(error)")
        }
        return make(run, verdicts: verdicts)
    }

    /// The report of `run` (holding its summary) with `verdicts`: a run's own, or re-evaluated.
    public static func make(_ run: RunFolder, verdicts: Verdicts) -> String {
        let charts = ChartCatalog.all.map { chart -> ChartEntry in
            let drawn = Files.exists(run.path("charts/\(chart.name).png"))
            switch chart.prepare(run) {
            case .draw(let data): return ChartEntry(name: chart.name, title: chart.title, text: data.finding, hasData: true, drawn: drawn)
            case .skip(let reason): return ChartEntry(name: chart.name, title: chart.title, text: reason, hasData: false, drawn: false)
            }
        }
        return render(run, verdicts: verdicts, charts: charts)
    }

    /// The report's text.
    public static func render(_ run: RunFolder, verdicts: Verdicts, charts: [ChartEntry]) -> String {
        var out = "# tvp run: \(run.meta?.scenario ?? run.scenario ?? "?")"
        if let started = run.meta?.startedAt { out += " — \(day(started))" }
        out += "\n\n"
        if let meta = run.meta, let scenario = try? ScenarioLoader.parse(meta.scenarioText, source: meta.scenarioPath, defaultName: meta.scenario, requiresFiles: false,
                                                                       cpus: meta.machine.usableCPUs),
           !scenario.description.isEmpty {
            out += "> \(scenario.description)\n\n"
        }
        out += "**Machine:** \(machineLine(run.meta?.machine))\n\n"
        if let note = workerPagesNote(run.meta?.workerHugeMappedKiB) { out += "**Note:** \(note)\n\n" }
        out += "**Run:** \(runLine(run))\n\n"
        out += expectationSection(verdicts)
        out += chartSection(charts)
        out += noiseSection(run.summary)
        out += failureSection(run)
        out += fileSection(run)
        return out
    }

    /// What a run whose worker sat in small page-cache folios should say beside its machine: every
    /// spawn then maps the worker's code a window at a time, so its `processes` cells include more
    /// start-up than the same machine with a kernel that keeps 2 MiB folios. Nil otherwise (the
    /// worker in 2 MiB folios, or a run that started no worker or predates the record).
    static func workerPagesNote(_ hugeMappedKiB: Int?) -> String? {
        guard hugeMappedKiB == 0 else { return nil }
        return "the page cache held none of tvp-worker's file in 2 MiB folios (meta.json `worker_huge_mapped_kib` 0), "
            + "so each spawn mapped its code 64 KiB at a time, and the `processes` cells include more start-up than a kernel "
            + "that keeps 2 MiB folios would charge (Linux 6.16 or later on ext4 or XFS: 1.32× against 1.12× a static C no-op "
            + "on a Xeon, docs/overhead.md, row a)."
    }

    /// "Intel(R) Xeon(R) Processor @ 2.50GHz · SHA extensions: yes · 2 usable CPUs (of 2) · Linux … · release build of tvp 0.1.0 (commit), Swift 6.3.1".
    static func machineLine(_ machine: MachineFacts?) -> String {
        guard let m = machine else { return "not recorded (no readable meta.json)" }
        let sha = m.shaExtensions.map { $0 ? "SHA extensions: yes (sha_ni)" : "SHA extensions: no" } ?? "SHA extensions: not recorded"
        let cpus = "\(m.usableCPUs) usable CPU\(m.usableCPUs == 1 ? "" : "s") (of \(m.logicalCPUs)"
            + (m.cgroupCPUQuota.map { ", cgroup quota \(Number.format($0))" } ?? "") + ")"
        let build = (m.optimizedBuild ? "release build" : "**debug build** (numbers not representative)")
            + " of tvp \(m.tvpVersion)" + (m.gitCommit.map { " (\($0))" } ?? "") + ", \(m.swiftVersion)"
        return [Markdown.inline(m.cpuModel), sha, cpus, Markdown.inline(m.kernel), build].joined(separator: " · ")
    }

    /// "scenario `default` (scenarios/default.yaml) · 1331 of 1331 trials, 0 failed · 30 cells · seed 42 · 4 min 12 s · …".
    static func runLine(_ run: RunFolder) -> String {
        var parts: [String] = []
        if let meta = run.meta {
            parts.append("scenario `\(meta.scenario)` (`\(meta.scenarioPath)`)")
            parts.append("\(meta.trialsCompleted) of \(meta.trialsPlanned) trials, \(meta.trialsFailed) failed")
        }
        parts.append("\(run.summary.count) cells")
        if let meta = run.meta {
            parts.append("seed \(meta.seed)")
            if let ended = meta.endedAt, let seconds = duration(from: meta.startedAt, to: ended) { parts.append("took \(Seconds.format(seconds, .elapsed))") }
            if let steal = meta.stealFractionDuringRun { parts.append("hypervisor steal \(Percent.format(steal, .spaced)) of CPU time") }
            parts.append("status \(meta.status)")
            parts.append("CSV schema \(meta.schemaVersion)")
        }
        return parts.joined(separator: " · ")
    }

    static func expectationSection(_ verdicts: Verdicts) -> String {
        var out = "## Expectations\n\n"
        switch verdicts {
        case .unavailable(let reason):
            out += "Not evaluated: \(Markdown.inline(reason)).\n\n"
        case .evaluated(let results) where results.isEmpty:
            out += "The scenario declares none.\n\n"
        case .evaluated(let results):
            out += "| verdict | expectation | measured |\n| --- | --- | --- |\n"
            for result in results {
                let verdict = result.verdict == .fail ? "**FAIL**" : result.verdict.rawValue
                let measured = (result.skipped.map { "skipped: \($0); " } ?? "") + result.measured
                out += "| \(verdict) | `\(result.expectation.text.replacingOccurrences(of: "`", with: "'"))` | \(Markdown.inline(measured)) |\n"
            }
            let held = results.filter { $0.verdict == .pass }.count
            let skipped = results.filter { $0.verdict == .skip }.count
            out += skipped == 0 ? "\n**\(held) of \(results.count) hold.**\n\n"
                : "\n**\(held) of \(results.count - skipped) hold; \(skipped) skipped on this machine.**\n\n"
        }
        return out
    }

    static func chartSection(_ charts: [ChartEntry]) -> String {
        var out = "## Charts\n\nDrawn from summary.csv (and crossover.csv): medians of the counted trials of each cell, "
            + "bars their 95 % intervals. Each finding below is computed from the same numbers.\n\n"
        let drawn = charts.filter(\.hasData)
        if drawn.contains(where: { !$0.drawn }) {
            out += "Some charts are not drawn yet: their data is in charts/data/; draw them with `tvp plot` on this folder (or `gnuplot -c plot.gp` on it, from a tvp checkout), then `tvp report`.\n\n"
        }
        for chart in drawn {
            out += "### \(chart.title)\n\n\(chart.text)\n\n"
            if chart.drawn { out += "![\(chart.title)](charts/\(chart.name).png)\n\n" }
        }
        let missing = charts.filter { !$0.hasData }
        if !missing.isEmpty {
            out += "Not drawn for this run: " + missing.map { "\($0.name) (\($0.text))" }.joined(separator: "; ") + ".\n\n"
        }
        return out
    }

    /// The noisiest cells first, at most `limit`.
    static func noiseSection(_ rows: [CellSummary], limit: Int = 15) -> String {
        let noisy = rows.filter(\.isNoisy).sorted { $0.wallCV > $1.wallCV }
        let threshold = Percent.format(Summarizer.noisyCoefficientOfVariation, .spaced)
        var out = "## Noisy cells\n\n"
        guard !noisy.isEmpty else { return out + "None: every cell's wall time varied by at most \(threshold) (coefficient of variation).\n\n" }
        out += "\(noisy.count) of \(rows.count) cells have a wall-time coefficient of variation above \(threshold): their medians are "
            + "less certain (see the confidence intervals; add repetitions or quiet the machine).\n\n"
        out += "| cell | CV | median wall time | trials |\n| --- | --- | --- | --- |\n"
        for row in noisy.prefix(limit) {
            out += "| \(Markdown.inline(label(row))) | \(Percent.format(row.wallCV, .spaced)) | \(Seconds.format(row.wallMedian, .significant)) | \(row.n) |\n"
        }
        if noisy.count > limit { out += "\n…and \(noisy.count - limit) more (summary.csv, column `noisy`).\n" }
        return out + "\n"
    }

    static func failureSection(_ run: RunFolder) -> String {
        let failedCells = run.summary.filter { $0.failed > 0 }
        let total = run.meta?.trialsFailed ?? failedCells.map(\.failed).reduce(0, +)
        var out = "## Failed trials\n\n"
        guard total > 0 else { return out + "None.\n\n" }
        out += "\(total) trial\(total == 1 ? "" : "s") failed (trials.csv, columns `ok` and `error`, says why)"
        guard !failedCells.isEmpty else { return out + ".\n\n" }
        out += "; counted trials that failed, per cell:\n\n| cell | failed | succeeded |\n| --- | --- | --- |\n"
        for row in failedCells { out += "| \(Markdown.inline(label(row))) | \(row.failed) | \(row.n) |\n" }
        return out + "\n"
    }

    static func fileSection(_ run: RunFolder) -> String {
        let files = ["trials.csv", "summary.csv", "meta.json", "crossover.csv", "breakeven.csv"].filter { Files.exists(run.path($0)) }
        return "## Files\n\n" + files.map { "`\($0)`" }.joined(separator: ", ")
            + " (columns in tvp's docs/results.md), charts in `charts/` (PNG and SVG; their data in `charts/data/`, which `gnuplot -c plot.gp` draws). `tvp plot` redraws the charts, "
            + "`tvp report` rewrites this page, `tvp check` re-evaluates the expectations.\n"
    }

    /// "cpu[8MiB] threads ×4", and "cpu[8MiB] threads ×4 packed" for a cell placed by `affinity`.
    static func label(_ row: CellSummary) -> String {
        "\(row.variant) \(row.mode) ×\(row.workers)" + (row.affinity == "any" ? "" : " \(row.affinity)")
    }

    /// "2026-11-22 01:45 UTC" from an ISO 8601 timestamp.
    static func day(_ timestamp: String) -> String {
        guard timestamp.count >= 16 else { return timestamp }
        return timestamp.prefix(10) + " " + timestamp.dropFirst(11).prefix(5) + " UTC"
    }

    static func duration(from start: String, to end: String) -> Double? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        guard let a = formatter.date(from: start), let b = formatter.date(from: end) else { return nil }
        return b.timeIntervalSince(a)
    }
}
