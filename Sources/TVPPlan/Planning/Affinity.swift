/// Where a trial's work runs (the scenario key `affinity`): the kernel's choice, one CPU for
/// everything, or the workers dealt round-robin over the usable CPUs.
public enum Affinity: String, CaseIterable, Hashable, Sendable, Comparable {
    /// The kernel places every thread and process: tvp sets no mask (its behaviour before the key).
    case any
    /// Every worker (thread, process, pool thread) and tvp's measuring thread on the first usable CPU.
    case packed
    /// Worker i on usable CPU i mod n; tvp's measuring thread left where the kernel puts it.
    case spread

    /// The placement a scenario runs when it names none.
    public static let defaultSelection: [Affinity] = [.any]

    /// One line for help texts and errors.
    public var summary: String {
        switch self {
        case .any: "the kernel places the work (no mask is set)"
        case .packed: "every worker and tvp's measuring thread on the first usable CPU"
        case .spread: "worker i on usable CPU i mod n, round-robin over the affinity mask"
        }
    }

    /// The CPUs worker `index` (0-based) may run on, chosen from `usable` (the CPU ids of tvp's
    /// affinity mask, ascending); nil under `any` or without usable CPUs: no mask is set.
    public func cpus(forWorker index: Int, of usable: [Int]) -> [Int]? {
        guard !usable.isEmpty else { return nil }
        switch self {
        case .any: return nil
        case .packed: return [usable[0]]
        case .spread: return [usable[index % usable.count]]
        }
    }

    /// The CPUs of tvp's measuring thread during a trial: the packed CPU under `packed`, nil (left
    /// as it is) otherwise.
    public func measuringThreadCPUs(of usable: [Int]) -> [Int]? {
        self == .packed ? cpus(forWorker: 0, of: usable) : nil
    }

    /// The distinct CPUs a trial of `workers` workers uses, in the order the workers get them.
    public func cpusUsed(workers: Int, of usable: [Int]) -> [Int] {
        var seen = Set<Int>()
        return (0..<max(1, min(workers, usable.count))).compactMap { cpus(forWorker: $0, of: usable)?.first }
            .filter { seen.insert($0).inserted }
    }

    public static func < (lhs: Affinity, rhs: Affinity) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
