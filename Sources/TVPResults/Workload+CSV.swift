import TVPPlan
import TVPWorkloads

extension Workload {
    /// Rebuilds a `tally`, `alloc` or `refs` workload from its CSV columns, within the scenario's limits.
    init(sharingCSVRow fields: TrialRowFields, name: String) throws(TrialRowProblem) {
        typealias Limits = ScenarioLoader.Limits
        let updates = try fields.wholeNumber("updates", in: Limits.updates)
        switch name {
        case "tally":
            let bins = try fields.wholeNumber("bins", in: Limits.bins)
            let sync: TallySync = try fields.choice("sync")
            // A row written before `layout` existed is packed.
            let layout: TallyLayout = fields.text("layout").isEmpty ? .packed : try fields.choice("layout")
            self = .tally(TallyWorkload(updates: updates, bins: bins, sync: sync, layout: layout))
        case "alloc":
            let objects = try fields.wholeNumber("objects", in: Limits.objects)
            let size = try fields.wholeNumber("object_size", in: Limits.objectSize)
            self = .alloc(AllocWorkload(updates: updates, objects: objects, objectSize: size))
        default:
            let nodes = try fields.wholeNumber("nodes", in: Limits.nodes)
            let graph: GraphSharing = try fields.choice("graph")
            self = .refs(RefsWorkload(updates: updates, nodes: nodes, graph: graph))
        }
    }
}

extension PluginWorkload {
    /// Rebuilds the parameters from a trials.csv row (the library known by its spelling alone); the error names the column that does not fit.
    init(csvRow fields: TrialRowFields) throws(TrialRowProblem) {
        let library = fields.text("plugin_library"), symbol = fields.text("plugin_symbol")
        guard !library.isEmpty else { throw TrialRowProblem(column: "plugin_library", text: library, expected: "the plugin's library") }
        guard !symbol.isEmpty else { throw TrialRowProblem(column: "plugin_symbol", text: symbol, expected: "the plugin's symbol") }
        var input: SharedWorkload?
        if !fields.text("input_size").isEmpty {
            let size = try fields.wholeNumber("input_size", in: ScenarioLoader.Limits.inputSize)
            let transfer: Transfer = try fields.choice("transfer")
            input = SharedWorkload(inputSize: size, transfer: transfer)
        }
        self.init(library: library, libraryPath: library, symbol: symbol, parameter: fields.text("plugin_parameter"), input: input)
    }
}
