import TVPWorkloads
import Yams

extension NodeReader {
    /// A `tally`, `alloc` or `refs` workload from its parameters; nil (with problems) when one is wrong.
    mutating func sharingWorkload(_ name: String, _ p: [String: Node], path: String) -> Workload? {
        switch name {
        case "tally":
            let updates = p["updates"].map { integer($0, "\(path).updates", Limits.updates) } ?? TallyWorkload.defaultUpdates
            let bins = p["bins"].map { integer($0, "\(path).bins", Limits.bins) } ?? TallyWorkload.defaultBins
            let sync = choice(p["sync"], "\(path).sync", default: TallySync.mutex)
            let layout = choice(p["layout"], "\(path).layout", default: TallyLayout.packed)
            guard let updates, let bins, let sync, let layout else { return nil }
            return .tally(TallyWorkload(updates: updates, bins: bins, sync: sync, layout: layout))
        case "alloc":
            let updates = p["updates"].map { integer($0, "\(path).updates", Limits.updates) } ?? AllocWorkload.defaultUpdates
            let objects = p["objects"].map { integer($0, "\(path).objects", Limits.objects) } ?? AllocWorkload.defaultObjects
            let size = p["object_size"].map { self.size($0, "\(path).object_size", Limits.objectSize) } ?? AllocWorkload.defaultObjectSize
            guard let updates, let objects, let size else { return nil }
            return .alloc(AllocWorkload(updates: updates, objects: objects, objectSize: size))
        default:
            let updates = p["updates"].map { integer($0, "\(path).updates", Limits.updates) } ?? RefsWorkload.defaultUpdates
            let nodes = p["nodes"].map { integer($0, "\(path).nodes", Limits.nodes) } ?? RefsWorkload.defaultNodes
            let graph = choice(p["graph"], "\(path).graph", default: GraphSharing.shared)
            guard let updates, let nodes, let graph else { return nil }
            return .refs(RefsWorkload(updates: updates, nodes: nodes, graph: graph))
        }
    }

    /// One of an enumeration's names (`default` when the key is absent), or a problem listing them.
    private mutating func choice<T: RawRepresentable & CaseIterable>(_ node: Node?, _ key: String, default value: T) -> T?
    where T.RawValue == String {
        guard let node else { return value }
        let names = T.allCases.map(\.rawValue)
        guard let text = string(node, key) else { return nil }
        if let chosen = T(rawValue: text) { return chosen }
        let hint = closestMatch(to: text, in: names).map { "; did you mean `\($0)`?" } ?? ""
        problem(node, key, "must be one of \(names.map { "`\($0)`" }.joined(separator: ", "))\(hint) (a list sweeps them)")
        return nil
    }
}
