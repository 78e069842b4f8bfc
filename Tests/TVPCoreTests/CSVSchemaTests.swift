import Foundation
import Testing
@testable import TVPCore

@Suite("CSV schema")
struct CSVSchemaTests {
    func golden(_ name: String) throws -> String {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/golden/\(name)", withExtension: nil))
        return try String(contentsOf: url, encoding: .utf8)
    }

    @Test("trials.csv header is pinned: a column change must bump schema_version and update the golden file")
    func trialsHeader() throws {
        #expect(CSVFormat.line(TrialsCSV.header) == (try golden("trials-header.csv")))
        #expect(CSVFormat.schemaVersion == 4)
    }

    @Test("summary.csv header is pinned")
    func summaryHeader() throws {
        #expect(CSVFormat.line(SummaryCSV.header) == (try golden("summary-header.csv")))
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
