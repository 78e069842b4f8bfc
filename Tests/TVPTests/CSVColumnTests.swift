import Foundation
import Testing
import TVPWorkloads
@testable import TVPAnalysis
@testable import TVPMeasure
@testable import TVPPlan
@testable import TVPResults

/// The column declarations of trials.csv and summary.csv: a value written through them reads back as
/// the same value, and every measured column's name ends in its unit.
@Suite("CSV columns")
struct CSVColumnTests {
    /// `fields` of `header` as a row, column name to field.
    static func row(_ header: [String], _ fields: [String]) -> [String: String] {
        Dictionary(uniqueKeysWithValues: zip(header, fields))
    }

    /// A trial with a distinct value in every field trials.csv holds.
    static var trial: TrialSample {
        let cell = Cell(workload: .shared(SharedWorkload(inputSize: 1 << 20, transfer: .pipe)), mode: .processPool, workers: 3, tasks: 12)
        var trial = TrialSample(cell: cell, isWarmup: true, ok: false, wallSeconds: 1.25)
        trial.round = 4
        trial.position = 5
        trial.repetition = 2
        trial.userSeconds = 0.5
        trial.systemSeconds = 0.125
        trial.maxRSSKiB = 40_960
        trial.voluntaryContextSwitches = 7
        trial.involuntaryContextSwitches = 8
        trial.minorFaults = 9
        trial.majorFaults = 1
        trial.taskP50Microseconds = 10.5
        trial.taskP90Microseconds = 20.5
        trial.taskP99Microseconds = 30.5
        trial.taskMaxMicroseconds = 40.5
        trial.spawnP50Microseconds = 400
        trial.spawnMaxMicroseconds = 900
        trial.processesSpawned = 3
        trial.threadsCreated = 2
        trial.distinctProcesses = 3
        trial.osThreadsMax = 6
        trial.gilSwitches = 11
        trial.gilWaitMaxMicroseconds = 12.5
        trial.stealSeconds = 0.001
        trial.ioReadBytes = 4_294_967_296
        trial.ioDiskReadBytes = 1_048_576
        trial.poolStartSeconds = 0.002
        trial.transferSeconds = 0.003
        trial.transferBytes = 1_048_576
        trial.lostUpdates = 13
        trial.tvpMaxRSSKiB = 20_480
        trial.serverCPUSeconds = 0.04
        trial.serverMaxRSSKiB = 10_240
        trial.connectionErrors = 2
        trial.listenDrops = 1
        trial.stoppedSeconds = 0.5
        trial.digest = TaskDigest(bytes: Array(0..<32))
        trial.digestCheck = .differs
        trial.error = "digest differs, say"
        return trial
    }

    @Test("a trial written through trials.csv's columns reads back as the same row, every column of it")
    func trialRoundTrip() throws {
        let fields = TrialsCSV.fields(Self.trial, scenario: "s")
        #expect(fields.count == TrialsCSV.header.count)
        let back = try TrialsCSV.trial(Self.row(TrialsCSV.header, fields))
        #expect(TrialsCSV.fields(back, scenario: "s") == fields)
        #expect(back.cell == Self.trial.cell && back.digest == Self.trial.digest && back.error == Self.trial.error)
        // Counts and byte totals are whole numbers, however large.
        #expect(Self.row(TrialsCSV.header, fields)["io_read_bytes"] == "4294967296")
    }

    @Test("a cell's summary written through summary.csv's columns reads back as the same row, with its cell")
    func summaryRoundTrip() throws {
        let trials = (1...5).map { index -> TrialSample in
            var trial = Self.trial
            trial.isWarmup = false
            trial.ok = true
            trial.wallSeconds = 1 + Double(index) / 100
            return trial
        }
        let summary = try #require(Summarizer(usableCPUs: 2).summarize(trials).first)
        let fields = SummaryCSV.fields(summary, scenario: "s")
        let back = try #require(SummaryCSV.summary(Self.row(SummaryCSV.header, fields)))
        #expect(SummaryCSV.fields(back, scenario: "s") == fields)
        #expect(back.cell == summary.cell && back.variant == summary.variant && back.parameters == summary.parameters)
    }

    @Test("every measured column's name ends in its unit; every column of a file is named once")
    func units() {
        let columns = TrialsCSV.table.columns.map { ($0.name, $0.unit) } + SummaryCSV.table.columns.map { ($0.name, $0.unit) }
        for (name, unit) in columns {
            if let unit { #expect(name.hasSuffix(unit.suffix), "\(name) is in \(unit)") }
        }
        #expect(Set(TrialsCSV.header).count == TrialsCSV.header.count && Set(SummaryCSV.header).count == SummaryCSV.header.count)
    }
}
