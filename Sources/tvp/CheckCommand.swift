import ArgumentParser
import TVPAnalysis
import TVPResults

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Re-evaluate a finished run's scenario expectations.",
        discussion: """
            Reads RUN_DIR/meta.json (the scenario as it was run) and RUN_DIR/trials.csv, summarises the \
            counted trials again and prints each expectation as PASS or FAIL with the measured values \
            and their 95 % confidence intervals.

            Exit status: 0 every expectation holds (or there are none); 1 an error (missing or \
            unreadable files); 2 at least one expectation failed.
            """
    )

    @Argument(help: "A run folder (or its trials.csv).", completion: .directory)
    var runDirectory: String

    func run() throws {
        let checked: (run: RunFolder, results: [ExpectationResult])
        do {
            let run = try RunFolder.load(runDirectory, reading: .trials)
            checked = (run, try RunCheck.check(run, path: runDirectory))
        } catch {
            fail("\(error)")
        }
        checked.run.notes.forEach { printError("note: \($0)") }
        guard !checked.results.isEmpty else {
            print("The scenario of \(runDirectory) declares no expectations.")
            return
        }
        checked.results.forEach { print($0.line) }
        let failed = checked.results.filter { $0.verdict == .fail }.count
        let skipped = checked.results.filter { $0.verdict == .skip }.count
        print("\n\(checked.results.count - failed - skipped) passed, \(failed) failed" + (skipped > 0 ? ", \(skipped) skipped" : ""))
        if failed > 0 {
            if let note = checked.run.meta?.machine.contentionNote { printError("note: \(note)") }
            throw ExitCode(2)
        }
    }
}
