import TVPSystem

/// The machine's usable CPUs as a scenario sees them (`cpus`): the affinity mask and the cgroup CPU
/// quota (rounded up), or a count the user gives to plan for another machine (`--cpus N`, else
/// `TVP_CPUS=N`), with where the number came from.
public struct UsableCPUs: Sendable, Equatable {
    /// The count.
    public var count: Int
    /// Where it came from: "affinity mask", the cgroup quota's files, "--cpus" or "TVP_CPUS".
    public var source: String
    /// What this machine has, when `count` was given instead.
    public var detected: Int?

    /// The largest count accepted, as for `workers`.
    public static let limit = 1...4_096

    /// This machine's, as detected.
    public static func detected() -> UsableCPUs {
        let (count, source) = ProcFS.usableCPUsWithSource()
        return UsableCPUs(count: count, source: source, detected: nil)
    }

    /// `--cpus` when given, else `TVP_CPUS` when set, else this machine's.
    public static func resolve(option: Int?, environment: [String: String]) throws(UsableCPUsError) -> UsableCPUs {
        let machine = detected()
        if let option {
            guard limit.contains(option) else { throw UsableCPUsError(message: "--cpus must be between 1 and \(limit.upperBound), got \(option)") }
            return UsableCPUs(count: option, source: "--cpus", detected: machine.count)
        }
        if let text = environment["TVP_CPUS"], !text.isEmpty {
            guard let value = Int(text), limit.contains(value) else {
                throw UsableCPUsError(message: "TVP_CPUS must be a whole number between 1 and \(limit.upperBound), got '\(text)'; unset it to use this machine's \(machine.count)")
            }
            return UsableCPUs(count: value, source: "TVP_CPUS", detected: machine.count)
        }
        return machine
    }
}

/// A `--cpus` or `TVP_CPUS` that is not a count of CPUs.
public struct UsableCPUsError: Error, CustomStringConvertible {
    /// What is wrong and how to fix it.
    public var message: String
    public var description: String { message }
}
