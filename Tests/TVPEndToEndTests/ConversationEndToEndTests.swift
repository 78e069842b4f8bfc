import Foundation
import Testing
import TVPSystem

@Suite("tvp end to end: workers that talk (message)", .serialized)
struct ConversationEndToEndTests {
    static let scenario = """
        name: talk-tiny
        repetitions: 1
        warmup: 0
        tasks: 4
        workers: [4]
        modes: [serial, threads, processes, process-pool, gil, async]
        workloads:
          message: { pattern: [ping-pong, fan-in], channel: [queue, ring, pipe, unix, shm], message_size: 100, round_trips: 300, messages: 100, group: 4 }
        """

    @Test("tvp run: every mode runs the channels it can, every trial's digest is the pattern's one digest, round trips are timed, no shm object left")
    func everyModeAgrees() throws {
        let directory = try scratchDirectory()
        defer { Files.removeTree(directory) }
        try Files.writeDurably(Array(Self.scenario.utf8), to: "\(directory)/talk.yaml")
        let before = Set(Files.directoryEntries("/dev/shm").filter { $0.hasPrefix("tvp-") })
        let result = try runTVP(["run", "talk.yaml", "--out", "out", "--no-plot"], in: directory)
        #expect(result.status == 0, "stderr: \(result.stderr)")
        // The console's table names messages, not a sharing workload's updates.
        #expect(result.stdout.contains("Workers that talk: wall time per message sent") && !result.stdout.contains("Where sharing hurts"))
        let run = "\(directory)/out/\(try #require(Files.directoryEntries("\(directory)/out").first))"
        let trials = try readCSV("\(run)/trials.csv").rows
        #expect(trials.allSatisfy { $0["ok"] == "true" }, "\(trials.filter { $0["ok"] != "true" }.map { $0["error"] ?? "" }.prefix(3))")
        for pattern in ["ping-pong", "fan-in"] {
            let rows = trials.filter { $0["pattern"] == pattern }
            // Process modes over the channels that cross processes; async over queue (an AsyncChannel) only.
            let pairs = Set(rows.map { "\($0["mode"] ?? "") \($0["channel"] ?? "")" })
            var expected: Set<String> = []
            for channel in ["queue", "ring", "pipe", "unix", "shm"] {
                for mode in ["serial", "threads", "gil"] { expected.insert("\(mode) \(channel)") }
            }
            for channel in ["pipe", "unix", "shm"] {
                for mode in ["processes", "process-pool"] { expected.insert("\(mode) \(channel)") }
            }
            expected.insert("async queue")
            #expect(pairs == expected, "\(pattern): \(pairs.symmetricDifference(expected).sorted())")
            // The digest folds which messages each party received, not how they travelled: one per pattern.
            #expect(Set(rows.map { $0["digest"] ?? "" }).count == 1, "\(pattern)")
        }
        let asking = trials.filter { $0["pattern"] == "ping-pong" && ["async", "process-pool"].contains($0["mode"] ?? "") }
        #expect(!asking.isEmpty && asking.allSatisfy { (Double($0["round_trip_p50_us"] ?? "") ?? 0) > 0 })
        let left = Set(Files.directoryEntries("/dev/shm").filter { $0.hasPrefix("tvp-") }).subtracting(before).filter { name in
            name.split(separator: "-").dropFirst().first.flatMap { Int32($0) }.map { !Files.exists("/proc/\($0)") } ?? false
        }
        #expect(left.isEmpty, "\(left)")
    }

    @Test("a mode that can run none of the scenario's channels is refused before any trial, with the file, the line and the fix")
    func impossibleModeRefused() throws {
        let directory = try scratchDirectory()
        defer { Files.removeTree(directory) }
        try Files.writeDurably(Array("repetitions: 1\ntasks: 2\nworkers: [2]\nworkloads:\n  message: { channel: ring }\nmodes: [threads, async]\n".utf8),
                               to: "\(directory)/s.yaml")
        let result = try runTVP(["run", "s.yaml", "--out", "out", "--no-plot"], in: directory)
        #expect(result.status == 1)
        #expect(result.stderr.contains("s.yaml:6") && result.stderr.contains("cannot run under `async` over `channel: ring`")
                && result.stderr.contains("drop `async` from `modes`"), "stderr: \(result.stderr)")
        #expect(Files.directoryEntries("\(directory)/out").isEmpty)
    }
}
