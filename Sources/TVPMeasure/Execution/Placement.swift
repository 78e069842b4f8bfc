import Synchronization
import TVPSystem
import TVPPlan

/// Where a trial's workers run: the cell's `affinity` applied to the CPU ids tvp may use (those of
/// its affinity mask at the start of the run, which need not start at 0: `taskset -c 1`).
///
/// Under `any` nothing is read or set: every executor runs exactly as it did before placement
/// existed. Otherwise worker i (a pool thread, a process, the serial lane, a cooperative-pool
/// thread in the order they first run a task) gets `affinity.cpus(forWorker: i, of: usableCPUs)`.
public struct Placement: Sendable, Equatable {
    /// The cell's placement.
    public var affinity: Affinity
    /// The CPU ids placement chooses from, ascending.
    public var usableCPUs: [Int]

    /// The kernel's placement: no mask is set.
    public static let any = Placement(affinity: .any, usableCPUs: [])

    /// Creates a placement.
    public init(affinity: Affinity, usableCPUs: [Int]) {
        self.affinity = affinity
        self.usableCPUs = usableCPUs
    }

    /// Whether any mask is set.
    public var pins: Bool { affinity != .any }

    /// The CPUs of worker `index` (0-based); nil under `any`.
    public func cpus(forWorker index: Int) -> [Int]? { affinity.cpus(forWorker: index, of: usableCPUs) }

    /// The CPUs a spawned worker is given explicitly: `spread`'s round-robin CPU. Under `packed`
    /// nil, because the measuring thread that spawns it is already pinned to the packed CPU
    /// (`TrialMeasurer`) and the child inherits that mask: no system call is added per spawn.
    func spawnCPUs(forWorker index: Int) -> [Int]? { affinity == .spread ? cpus(forWorker: index) : nil }

    /// The error message of a mask that could not be set: the key, the value and the reason.
    func refusal(_ error: any Error) -> String {
        "`affinity: \(affinity.rawValue)` cannot be applied here: \(error); run this cell with `affinity: any`, or give tvp CPUs it may pin to (`taskset`, the cgroup's cpuset)"
    }

    /// Checks, before the clock, that every CPU a trial of `workers` workers would use can be set
    /// (the calling thread is pinned to each in turn and given its mask back): nil when all can,
    /// else the refusal. Under `any`, nil without a system call.
    public func check(workers: Int) -> String? {
        guard pins else { return nil }
        guard !usableCPUs.isEmpty else {
            return "`affinity: \(affinity.rawValue)` cannot be applied here: tvp could not read the CPUs of its affinity mask (/proc/self/status `Cpus_allowed_list`); run this cell with `affinity: any`"
        }
        do {
            for cpu in affinity.cpusUsed(workers: workers, of: usableCPUs) {
                try CPUAffinity.withCurrentThread(pinnedTo: [cpu]) {}
            }
            return nil
        } catch {
            return refusal(error)
        }
    }

    /// Runs `body` with the calling thread on `cpus` (nil: as it is), then gives it its mask back;
    /// a mask that cannot be set is `body`'s failure (the refusal), not a crash.
    func withCallingThread<T>(on cpus: [Int]?, _ body: () -> T, failed: (String) -> T) -> T {
        do {
            return try CPUAffinity.withCurrentThread(pinnedTo: cpus, body)
        } catch {
            return failed(refusal(error))
        }
    }
}

/// Pins the threads of a pool tvp does not create (Swift's cooperative pool, for `async`): each
/// thread pins itself the first time it runs one of the trial's tasks, the n-th such thread to
/// worker n's CPU, and `restore` gives every pinned thread the mask it had once the trial is over.
final class PoolThreadPinning: Sendable {
    private let placement: Placement
    private struct State {
        var pinned: [Int32: [Int]] = [:]
        var failure: String?
    }
    private let state = Mutex(State())

    init(_ placement: Placement) { self.placement = placement }

    /// Pins the calling thread if this trial has not yet; returns the refusal when its mask cannot be set.
    func pinCurrentThread() -> String? {
        let thread = CPUAffinity.currentThreadID()
        return state.withLock { state in
            if let failure = state.failure { return failure }
            guard state.pinned[thread] == nil else { return nil }
            do {
                let previous = try CPUAffinity.currentThreadCPUs()
                if let cpus = placement.cpus(forWorker: state.pinned.count) { try CPUAffinity.pinCurrentThread(to: cpus) }
                state.pinned[thread] = previous
                return nil
            } catch {
                state.failure = placement.refusal(error)
                return state.failure
            }
        }
    }

    /// Gives each thread pinned during the trial its mask back (a thread that has ended since is skipped).
    func restore() {
        for (thread, previous) in state.withLock({ $0.pinned }) {
            try? CPUAffinity.pin(thread: thread, to: previous)
        }
    }
}
