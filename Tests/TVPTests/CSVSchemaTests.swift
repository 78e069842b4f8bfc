import Foundation
import Testing
@testable import TVPAnalysis
@testable import TVPResults

@Suite("CSV schema")
struct CSVSchemaTests {
    /// The golden file's column names: one per line, so that two branches adding columns merge.
    func golden(_ name: String) throws -> [String] {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/golden/\(name)", withExtension: nil))
        return try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map(String.init)
    }

    @Test("trials.csv header is pinned: a column change must bump schema_version and update the golden file")
    func trialsHeader() throws {
        #expect(TrialsCSV.header == (try golden("trials-header.txt")))
        #expect(CSVFormat.line(TrialsCSV.header) == TrialsCSV.header.joined(separator: ",") + "\n", "a column name needs quoting")
        #expect(CSVFormat.schemaVersion == 7)
    }

    @Test("summary.csv header is pinned")
    func summaryHeader() throws {
        #expect(SummaryCSV.header == (try golden("summary-header.txt")))
        #expect(CSVFormat.line(SummaryCSV.header) == SummaryCSV.header.joined(separator: ",") + "\n")
    }

    @Test("schema 2 and 3 rows are read under the schema 4 names: startup_* is spawn_*, setup_* is pool_start_*")
    func renamedColumns() {
        let old = ["startup_p50_us": "410", "startup_max_us": "900", "setup_s": "0.002", "setup_median_s": "0.003", "wall_s": "1"]
        let current = CSVFormat.currentNames(old)
        #expect(current == ["spawn_p50_us": "410", "spawn_max_us": "900", "pool_start_s": "0.002", "pool_start_median_s": "0.003", "wall_s": "1"])
        #expect(CSVFormat.currentNames(current) == current)
        #expect(Set(CSVFormat.renamedColumns.values).isSubset(of: Set(TrialsCSV.header + SummaryCSV.header)))
    }

    @Test("the committed schema 2 and 3 reference runs load with their spawns and pool starts under the new names")
    func oldRunsLoad() throws {
        let overhead = try RunFolder.load(packageRoot + "/results/reference/overhead", reading: .trials)
        #expect(overhead.schemaVersion == 3)
        #expect(overhead.trials.contains { $0.cell.mode == .processPool && $0.poolStartSeconds != nil && $0.spawnP50Microseconds != nil })
        let summary = try SummaryCSV.read(packageRoot + "/results/reference/overhead/summary.csv").summaries
        #expect(summary.contains { $0.mode == "process-pool" && $0.poolStartMedian != nil && $0.spawnP50Microseconds != nil })
        let schema2 = try RunFolder.load(packageRoot + "/results/reference/default", reading: .trials)
        #expect(schema2.schemaVersion == 2)
        #expect(schema2.trials.contains { $0.cell.mode == .processes && $0.spawnP50Microseconds != nil })
        #expect(schema2.trials.allSatisfy { $0.poolStartSeconds == nil })
    }

    @Test("fields are quoted as RFC 4180 requires")
    func quoting() {
        #expect(CSVFormat.line(["a", "b,c", "say \"hi\"", ""]) == "a,\"b,c\",\"say \"\"hi\"\"\",\n")
    }

    @Test("numbers keep nanosecond resolution without exponents for ordinary values")
    func numbers() {
        #expect(CSVFormat.number(0.000010123) == "1.0123e-05" || CSVFormat.number(0.000010123) == "0.000010123")
        #expect(CSVFormat.number(1.5) == "1.5")
        #expect(CSVFormat.number(123.456789012) == "123.456789")
        #expect(CSVFormat.number(Double.nan) == "")
    }
}
