import TVPMeasure

/// Which kind of machine made a run: what decides whether two runs' times can share a history. Two
/// runs of one kind ran on the same CPU model with as many usable CPUs, the same kernel, the same SHA
/// instructions and the same kind of build; the host's name and its load do not count.
public struct MachineKind: Hashable, Sendable, Codable {
    /// The CPU model as /proc/cpuinfo names it.
    public var cpuModel: String
    /// Usable CPUs (affinity, cgroup quota, or `--cpus`).
    public var usableCPUs: Int
    /// The kernel: system, release, machine.
    public var kernel: String
    /// Whether the CPU has SHA instructions; nil when unknown.
    public var shaExtensions: Bool?
    /// Whether tvp was an optimized (release) build.
    public var optimizedBuild: Bool

    /// The kind of the machine `facts` describe.
    public init(_ facts: MachineFacts) {
        self.init(cpuModel: facts.cpuModel, usableCPUs: facts.usableCPUs, kernel: facts.kernel,
                  shaExtensions: facts.shaExtensions, optimizedBuild: facts.optimizedBuild)
    }

    /// A kind from its parts.
    public init(cpuModel: String, usableCPUs: Int, kernel: String, shaExtensions: Bool?, optimizedBuild: Bool) {
        self.cpuModel = cpuModel
        self.usableCPUs = usableCPUs
        self.kernel = kernel
        self.shaExtensions = shaExtensions
        self.optimizedBuild = optimizedBuild
    }

    /// One line naming the kind, also its key in the store, e.g.
    /// "AMD EPYC 7B13 · 2 CPUs · Linux 6.1.0 x86_64 · SHA · release".
    public var key: String {
        let sha = switch shaExtensions { case true?: "SHA"; case false?: "no SHA"; case nil: "SHA unknown" }
        return "\(cpuModel) · \(usableCPUs) CPU\(usableCPUs == 1 ? "" : "s") · \(kernel) · \(sha) · \(optimizedBuild ? "release" : "debug")"
    }
}
