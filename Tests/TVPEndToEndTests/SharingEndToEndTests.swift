import Foundation
import Testing
import TVPSystem

@Suite("tvp end to end: the sharing workloads", .serialized)
struct SharingEndToEndTests {
    static let scenario = """
        name: sharing-tiny
        repetitions: 2
        warmup: 0
        tasks: 4
        workers: [2]
        modes: [serial, threads, processes, process-pool, gil]
        workloads:
          tally: { updates: 50000, bins: 32, sync: [mutex, swift-mutex, atomic, local, racy], layout: padded }
          alloc: { updates: 20000, objects: 100 }
          refs: { updates: 50000, nodes: 64, graph: [shared, private] }
        expect:
          - "serial.lost(tally[racy 50kx32], workers: 1) <= 0"
          - "threads.per_update(tally[mutex 50kx32], workers: 2) > 0"
        """

    @Test("tvp run: every tally, alloc and refs trial succeeds, tables agree, costs per update and lost updates are written, the chart drawn, no table left in /dev/shm")
    func run() throws {
        let directory = try scratchDirectory()
        defer { Files.removeTree(directory) }
        try Files.writeDurably(Array(Self.scenario.utf8), to: "\(directory)/sharing.yaml")
        let before = Set(Files.directoryEntries("/dev/shm").filter { $0.hasPrefix("tvp-") })
        let result = try runTVP(["run", "sharing.yaml", "--out", "out"], in: directory,
                                environment: ["TVP_CHARTS_DIR": packageRootForEndToEnd + "/charts"])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdout.contains("Where sharing hurts: wall time per update"))
        let run = "\(directory)/out/\(try #require(Files.directoryEntries("\(directory)/out").first))"

        let trials = try readCSV("\(run)/trials.csv")
        #expect(trials.rows.allSatisfy { $0["ok"] == "true" }, "\(trials.rows.filter { $0["ok"] != "true" }.map { $0["error"] ?? "" }.prefix(2))")
        // Each tally variant's final table has one digest in every mode (racy: when it lost nothing).
        for sync in ["mutex", "swift-mutex", "atomic", "local"] {
            let rows = trials.rows.filter { $0["workload"] == "tally" && $0["sync"] == sync }
            #expect(Set(rows.map { $0["digest"] ?? "" }).count == 1, "\(sync)")
            #expect(rows.allSatisfy { $0["lost_updates"] == "0" })
        }
        #expect(trials.rows.filter { $0["sync"] == "swift-mutex" }.allSatisfy { !["processes", "process-pool"].contains($0["mode"] ?? "") })
        #expect(trials.rows.filter { $0["workload"] == "alloc" }.allSatisfy { $0["lost_updates"] == "" })
        let summary = try readCSV("\(run)/summary.csv")
        let sharing = summary.rows.filter { ["tally", "alloc", "refs"].contains($0["workload"] ?? "") }
        #expect(sharing.count == summary.rows.count)
        #expect(sharing.allSatisfy { (Double($0["per_update_ns"] ?? "") ?? 0) > 0 })
        // refs under process modes walk a graph of their own whatever was asked.
        #expect(Set(summary.rows.filter { $0["workload"] == "refs" && $0["mode"] == "processes" }.map { $0["graph"] ?? "" }) == ["private"])
        #expect(Files.exists("\(run)/charts/sharing.png"))
        #expect(result.stdout.contains("PASS  serial.lost(tally[racy 50kx32], workers: 1) <= 0"))
        // Objects made since, by a process that has ended (other tests' live tvp processes may hold some).
        let left = Set(Files.directoryEntries("/dev/shm").filter { $0.hasPrefix("tvp-") }).subtracting(before).filter { name in
            name.split(separator: "-").dropFirst().first.flatMap { Int32($0) }.map { !Files.exists("/proc/\($0)") } ?? false
        }
        #expect(left.isEmpty, "\(left)")
    }
}
