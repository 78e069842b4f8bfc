import TVPFormatting
import TVPWorkloads

extension Workload {
    /// The labels of the sharing workloads name what they share and how, and the sizes only where
    /// they differ from the defaults: `tally[mutex]`, `tally[local padded]`, `tally[atomic 1Mx64]`,
    /// `alloc[1000x64B]`, `refs[shared]`, `refs[private 1k nodes]`.
    var sharingLabel: String {
        switch self {
        case .tally(let tally):
            var words = [tally.sync.rawValue]
            if tally.sync == .local { words.append(tally.layout.rawValue) }
            if tally.updates != TallyWorkload.defaultUpdates || tally.bins != TallyWorkload.defaultBins {
                words.append("\(formatCount(tally.updates))x\(tally.bins)")
            }
            return "tally[\(words.joined(separator: " "))]"
        case .alloc(let alloc):
            var words = ["\(formatCount(alloc.objects))x\(ByteSize.format(alloc.objectSize))"]
            if alloc.updates != AllocWorkload.defaultUpdates { words.append(formatCount(alloc.updates)) }
            return "alloc[\(words.joined(separator: " "))]"
        case .refs(let refs):
            var words = [refs.graph.rawValue]
            if refs.updates != RefsWorkload.defaultUpdates { words.append(formatCount(refs.updates)) }
            if refs.nodes != RefsWorkload.defaultNodes { words.append("\(formatCount(refs.nodes)) nodes") }
            return "refs[\(words.joined(separator: " "))]"
        default:
            return label
        }
    }
}

/// A count as people write it: 2.5M, 250k, 1000, 65536.
func formatCount(_ count: Int) -> String {
    if count >= 1_000_000 && count % 100_000 == 0 {
        let millions = Double(count) / 1e6
        return millions == millions.rounded() ? "\(Int(millions))M" : "\(millions)M"
    }
    if count >= 10_000 && count % 1_000 == 0 { return "\(count / 1_000)k" }
    return String(count)
}

extension Workload {
    /// Whether `mode` can run this workload: Swift's `Mutex` lives in one process's memory, so
    /// `tally` with `sync: swift-mutex` runs only in-process.
    public func runs(under mode: Mode) -> Bool {
        if case .tally(let tally) = self, mode.usesProcesses { return tally.sync.worksAcrossProcesses }
        return true
    }

    /// The workload as `mode` runs it: objects cannot cross processes, so a worker process always
    /// walks a `refs` graph of its own (`graph: private`).
    func normalized(for mode: Mode) -> Workload {
        if case .refs(var refs) = self, mode.usesProcesses {
            refs.graph = .perWorker
            return .refs(refs)
        }
        return self
    }
}

