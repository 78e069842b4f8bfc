import TVPWorkloads

extension Workload {
    /// Whether `mode` can run this workload (Swift's `Mutex` lives in one process's memory, so
    /// `tally` with `sync: swift-mutex` runs only in-process; `async`'s parties of a conversation
    /// talk only through a channel that suspends, `queue`).
    public func runs(under mode: Mode) -> Bool {
        if mode.usesProcesses { return runsInProcesses }
        if mode == .async, let shape = conversation { return shape.channel.suspends }
        return true
    }

    /// The workload as `mode` runs it (objects cannot cross processes, so a worker process always
    /// walks a `refs` graph of its own).
    func normalized(for mode: Mode) -> Workload { normalized(processes: mode.usesProcesses) }
}
