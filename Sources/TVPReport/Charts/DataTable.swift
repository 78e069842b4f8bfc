import Foundation

/// A value of a chart's data: a number (nil when there is none: gnuplot skips the point) or text.
public enum ChartValue: Sendable, Equatable, ExpressibleByFloatLiteral, ExpressibleByIntegerLiteral, ExpressibleByStringLiteral {
    /// A number; nil is written as NaN, which gnuplot treats as missing.
    case number(Double?)
    /// Text (a label); tabs and line breaks become spaces.
    case text(String)

    public init(floatLiteral value: Double) { self = .number(value) }
    public init(integerLiteral value: Int) { self = .number(Double(value)) }
    public init(stringLiteral value: String) { self = .text(value) }

    /// The number, when this is one.
    public var number: Double? {
        if case .number(let value) = self { return value }
        return nil
    }

    /// The field as written to the file.
    var field: String {
        switch self {
        case .number(let value?) where value.isFinite: String(format: "%.9g", value)
        case .number: "NaN"
        case .text(let text): text.map { $0 == "\t" || $0.isNewline ? " " : $0 }.reduce(into: "") { $0.append($1) }
        }
    }
}

/// One data file a chart's gnuplot script plots: tab-separated values in blocks (gnuplot's
/// `index`), one block per line or set of bars drawn, each block starting with the column names so
/// that the script reads columns by name. Blocks are never empty: gnuplot warns about those.
public struct DataTable: Sendable, Equatable {
    /// The file name, e.g. `series.tsv`.
    public var name: String
    /// The column names.
    public var columns: [String]
    /// The blocks, each a list of rows in column order.
    public private(set) var blocks: [[[ChartValue]]] = []

    /// An empty table.
    public init(name: String, columns: [String]) {
        self.name = name
        self.columns = columns
    }

    /// Adds a block of `rows` and returns its number (1-based, as the scripts count); an empty
    /// block is not added and gets nil.
    @discardableResult
    public mutating func addBlock(_ rows: [[ChartValue]]) -> Int? {
        guard !rows.isEmpty else { return nil }
        blocks.append(rows)
        return blocks.count
    }

    /// The values of `column` in block `block` (1-based), for tests and findings.
    public func values(_ column: String, block: Int) -> [ChartValue] {
        guard let index = columns.firstIndex(of: column), blocks.indices.contains(block - 1) else { return [] }
        return blocks[block - 1].map { index < $0.count ? $0[index] : .number(nil) }
    }

    /// The values of `column` in every block, in order.
    public func values(_ column: String) -> [ChartValue] {
        blocks.indices.flatMap { values(column, block: $0 + 1) }
    }

    /// The file's text: each block its header and rows, blocks apart by two blank lines.
    public var text: String {
        let header = columns.joined(separator: "\t")
        return blocks.map { rows in
            ([header] + rows.map { $0.map(\.field).joined(separator: "\t") }).joined(separator: "\n") + "\n"
        }.joined(separator: "\n\n")
    }
}
