import TVPWorkloads

extension Scenario {
    /// The workloads a scenario may name under `workloads`, in the registry's order (`Workload.names`),
    /// for help texts above TVPWorkloads.
    public static var workloadNames: [String] { Workload.names }

    /// The modes a scenario may name under `modes`, in declaration order.
    public static var modeNames: [String] { Mode.allCases.map(\.rawValue) }
}
