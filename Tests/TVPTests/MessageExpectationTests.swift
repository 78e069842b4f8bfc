import Foundation
import Testing
import TVPWorkloads
@testable import TVPAnalysis
@testable import TVPMeasure
@testable import TVPPlan

@Suite("expectations on conversations: cost per message and round trips")
struct MessageExpectationTests {
    static let text = """
    name: talk
    repetitions: 3
    tasks: 4
    workers: [4]
    modes: [serial, threads, processes]
    workloads:
      message: { pattern: [ping-pong, fan-in], channel: [queue, pipe], round_trips: 1000, messages: 500, group: 4 }
    expect:
      - "serial.per_update(message[ping-pong queue 64B 1000rt], workers: 1) < threads.per_update(message[ping-pong queue 64B 1000rt], workers: 4)"
      - "threads.per_update(message[ping-pong pipe 64B 1000rt], workers: 4) < processes.per_update(message[ping-pong pipe 64B 1000rt], workers: 4)"
      - "threads.round_trip_p50(message[ping-pong pipe 64B 1000rt], workers: 4) <= 5"
      - "processes.per_update(message[fan-in pipe 64B 2x2 500msg], workers: 4) < 150"
    """

    /// A trial of `cell` with wall time `wall` and round trips at `p50` µs (p99 ten times that).
    static func sample(_ cell: Cell, wall: Double, p50: Double? = nil) -> TrialSample {
        var row: [String: String] = ["workload": cell.workload.name, "mode": cell.mode.rawValue, "workers": String(cell.workers),
                                     "tasks": String(cell.tasks), "wall_s": String(wall), "ok": "true", "warmup": "false"]
        for (name, value) in cell.workload.parameters { row[name] = value }
        if let p50 {
            row["round_trip_p50_us"] = String(p50)
            row["round_trip_p99_us"] = String(p50 * 10)
        }
        return TrialSample(row: row)!
    }

    @Test("per_update of a message cell is its wall time over the messages it sent, as in summary.csv; round_trip_p50 reads the trials")
    func messageCellsAreFound() throws {
        let scenario = try ScenarioLoader.parse(Self.text, source: "talk.yaml")
        let cells = scenario.cells
        func cell(_ label: String, _ mode: Mode) throws -> Cell {
            try #require(cells.first { $0.workload.label == label && $0.mode == mode }, "no \(label) under \(mode) in \(cells.map(\.label))")
        }
        let queue = "message[ping-pong queue 64B 1000rt]", pipe = "message[ping-pong pipe 64B 1000rt]", fanIn = "message[fan-in pipe 64B 2x2 500msg]"
        // Ping-pong, 4 tasks: 2 pairs × 2 directions × 1,000 = 4,000 messages, so 1 ms is 250 ns a message.
        // Fan-in, one group of 2 senders × 2 receivers × 500 = 2,000 messages: 0.2 ms is 100 ns a message.
        var samples: [TrialSample] = []
        for wall in [0.001, 0.0011, 0.0009] {
            samples.append(Self.sample(try cell(queue, .serial), wall: wall))
            samples.append(Self.sample(try cell(queue, .threads), wall: wall * 8, p50: 9))
            samples.append(Self.sample(try cell(pipe, .threads), wall: wall * 6, p50: 4))
            samples.append(Self.sample(try cell(pipe, .processes), wall: wall * 7, p50: 6))
            samples.append(Self.sample(try cell(fanIn, .processes), wall: wall / 5))
        }
        let summaries = Summarizer(usableCPUs: 2).summarize(samples, cellOrder: cells)
        let serialQueue = try #require(summaries.first { $0.cell?.workload.label == queue && $0.cell?.mode == .serial })
        #expect(abs((serialQueue.perUpdateNanoseconds ?? 0) - 250) < 1e-6)
        let results = ExpectationEvaluator.evaluate(try ExpectationParser.expectations(of: scenario, source: "talk.yaml"), summaries: summaries)
        #expect(results.map(\.problem) == [nil, nil, nil, nil], "\(results.map(\.line))")
        #expect(results.map(\.passed) == [true, true, true, true], "\(results.map(\.line))")
        // The values each side read, against summary.csv's.
        #expect(abs(results[0].left.value - 250) < 1e-6 && abs(results[0].right.value - 2_000) < 1e-6)
        #expect(abs(results[2].left.value - 4) < 1e-9)
        #expect(abs(results[3].left.value - 100) < 1e-6)
        // Slower processes: the second fails on the same lookup.
        let slower = samples.map { sample -> TrialSample in
            var sample = sample
            if sample.cell.mode == .threads, sample.cell.workload.label == pipe { sample.wallSeconds *= 2 }
            return sample
        }
        let again = ExpectationEvaluator.evaluate(try ExpectationParser.expectations(of: scenario, source: "talk.yaml"),
                                                  summaries: Summarizer(usableCPUs: 2).summarize(slower, cellOrder: cells))
        #expect(again[1].problem == nil && !again[1].passed)
    }

    @Test("round_trip_p50 and p99 are refused on a fan-in, which times no round trips")
    func roundTripsNeedPingPong() throws {
        let text = Self.text.replacingOccurrences(of: "processes.per_update(message[fan-in pipe 64B 2x2 500msg], workers: 4) < 150",
                                                  with: "processes.round_trip_p99(message[fan-in pipe 64B 2x2 500msg], workers: 4) < 150")
        #expect {
            try ExpectationParser.expectations(of: try ScenarioLoader.parse(text, source: "talk.yaml"), source: "talk.yaml")
        } throws: { "\($0)".contains("round_trip_p99 is measured on ping-pong conversations") }
    }
}
