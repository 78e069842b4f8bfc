import TVPWorkloads

extension Workload {
    /// Whether `mode` can run this workload (Swift's `Mutex` lives in one process's memory, so
    /// `tally` with `sync: swift-mutex` runs only in-process).
    public func runs(under mode: Mode) -> Bool { !mode.usesProcesses || runsInProcesses }

    /// The workload as `mode` runs it (objects cannot cross processes, so a worker process always
    /// walks a `refs` graph of its own).
    func normalized(for mode: Mode) -> Workload { normalized(processes: mode.usesProcesses) }
}
