import Foundation
import TVPSystem

/// A hook for tests that need a placement the kernel refuses: with `TVP_TEST_AFFINITY_CPUS` set to
/// a CPU list ("8000"), cells of `affinity: packed` or `spread` place their workers on those CPU ids
/// instead of tvp's affinity mask, and `sched_setaffinity` really fails (EINVAL) for an id the
/// machine lacks. Not for users: `taskset` chooses tvp's CPUs.
enum PlacementTestHooks {
    /// The CPU ids placement uses: the hook's, else tvp's affinity mask.
    static func usableCPUs() -> [Int] {
        guard let text = ProcessInfo.processInfo.environment["TVP_TEST_AFFINITY_CPUS"], !text.isEmpty else {
            return CPUAffinity.allowedCPUs()
        }
        return text.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
    }
}
