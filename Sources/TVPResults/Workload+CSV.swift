import TVPPlan
import TVPWorkloads

extension Workload {
    /// Rebuilds a workload from its CSV name and parameter columns, each read as its declaration
    /// says (an empty field is an absent parameter, which takes its default: a column added since
    /// the row was written); the problem names the column that does not fit.
    init(csvRow fields: TrialRowFields) throws(TrialRowProblem) {
        let name = fields.text("workload")
        guard let kind = Workload.kind(named: name) else {
            throw TrialRowProblem(column: "workload", text: name,
                                  expected: "a workload (one of \(Workload.names.joined(separator: ", ")))")
        }
        var values = ParameterValues()
        for declaration in kind.parameters where declaration.inCSV {
            let text = fields.text(declaration.column)
            if text.isEmpty {
                guard declaration.defaultValue != nil || declaration.isOptional else {
                    throw TrialRowProblem(column: declaration.column, text: text, expected: declaration.summary)
                }
                continue
            }
            do {
                values[declaration.name] = try declaration.parse(text)
            } catch {
                throw TrialRowProblem(column: declaration.column, text: text, expected: error.message)
            }
        }
        do {
            self = try Self.make(kind, values.withDefaults(kind.parameters.filter { !$0.isOptional }))
        } catch {
            let column = kind.parameters.first { $0.name == error.parameter }?.column ?? error.parameter
            throw TrialRowProblem(column: column, text: fields.text(column), expected: error.message)
        }
    }

    private static func make<Kind: WorkloadKind>(_ kind: Kind.Type, _ values: ParameterValues) throws(ParameterProblem) -> Workload {
        Workload(try Kind(parameters: values))
    }
}
