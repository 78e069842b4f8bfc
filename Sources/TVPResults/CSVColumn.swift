/// One column of a CSV file tvp writes, declared once: its name, the unit its name ends in, how
/// its field is made from the value a row is written from, and how the field is read back into
/// that value. A file's columns are one list (`CSVTable`): its header, its writer and its reader
/// all come from that list, so adding a column is adding one declaration.
struct CSVColumn<Row>: Sendable {
    /// Makes the field of a row written for the scenario named `scenario`.
    typealias Write = @Sendable (_ row: Row, _ scenario: String) -> String
    /// Reads the column's field of `fields` into `row`, or says why the field is not what the column holds.
    typealias Read = @Sendable (_ row: inout Row, _ fields: TrialRowFields) throws(TrialRowProblem) -> Void

    /// The name, in the header.
    let name: String
    /// The unit of a measured quantity, the end of its name; nil for names, counts and ratios.
    let unit: CSVUnit?
    /// Whether a file without this column is not this kind of file (its rows cannot be read).
    let isRequired: Bool
    /// The field of a row.
    let write: Write
    /// How the field is read back; nil for a column derived from others (`cpu_s`), or read with
    /// another (a workload's parameters, by `workload`).
    let read: Read?

    /// A column.
    init(_ name: String, _ unit: CSVUnit? = nil, required: Bool = false, write: @escaping Write, read: Read?) {
        self.name = name
        self.unit = unit
        isRequired = required
        self.write = write
        self.read = read
    }
}

/// The unit a measured column's name ends in (`wall_s`, `max_rss_kib`): DESIGN's rule that every
/// measured column says its unit.
enum CSVUnit: String, Sendable {
    /// Seconds, microseconds, nanoseconds, kibibytes (1024 bytes), bytes, megabytes (10⁶ bytes) per
    /// second, events per second: each named by how a column's name ends.
    case seconds = "_s", microseconds = "_us", nanoseconds = "_ns", kibibytes = "_kib", bytes = "_bytes",
         megabytesPerSecond = "mb_per_s", perSecond = "_per_s"

    /// How the name of a column in this unit ends.
    var suffix: String { rawValue }
}

extension CSVColumn {
    /// `schema_version`: the schema this tvp writes (`CSVFormat.schemaVersion`). Each reader checks it
    /// for the whole file (one file, one version), so no row reads it.
    static func schemaVersion(required: Bool) -> CSVColumn {
        CSVColumn("schema_version", required: required, write: { _, _ in String(CSVFormat.schemaVersion) }, read: nil)
    }

    /// `scenario`: the name of the run's scenario, the same in every row; readers take it from the
    /// file, not from each row.
    static var scenario: CSVColumn {
        CSVColumn("scenario", write: { _, scenario in scenario }, read: nil)
    }

    /// The workload parameter `name` of the row's workload, as `Workload.parameters` writes it; empty
    /// when the workload has no such parameter. Read back with the workload (`Workload(csvRow:)`).
    static func parameter(_ name: String, of parameters: @escaping @Sendable (Row) -> [(name: String, value: String)]) -> CSVColumn {
        CSVColumn(name, write: { row, _ in parameters(row).first { $0.name == name }?.value ?? "" }, read: nil)
    }

    /// A column computed from others of the row (`cpu_s` = `user_s` + `sys_s`), not read back.
    static func derived(_ name: String, _ unit: CSVUnit? = nil, _ write: @escaping @Sendable (Row) -> String) -> CSVColumn {
        CSVColumn(name, unit, write: { row, _ in write(row) }, read: nil)
    }
}

/// The columns of one CSV file, in header order.
struct CSVTable<Row>: Sendable {
    /// The columns.
    let columns: [CSVColumn<Row>]

    /// The header.
    var header: [String] { columns.map(\.name) }

    /// Columns a file must have for its rows to be read, in header order.
    var requiredColumns: [String] { columns.filter(\.isRequired).map(\.name) }

    /// The fields of `row` in a file of the scenario named `scenario`, in header order.
    func fields(_ row: Row, scenario: String) -> [String] {
        columns.map { $0.write(row, scenario) }
    }

    /// Reads `fields` into `row` (a blank to fill in), column by column in header order: the first
    /// field that does not hold what its column must is the error.
    func read(_ fields: TrialRowFields, into row: inout Row) throws(TrialRowProblem) {
        for column in columns {
            try column.read?(&row, fields)
        }
    }
}
