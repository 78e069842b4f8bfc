import Synchronization
import TVPSystem

/// Tracks the most OS threads this process had while a trial ran, cheaply: a sample (listing
/// `/proc/self/task`) costs some 7 µs, so executors sample at a natural idle point (a pool's threads
/// all started) and from task completions at most once per `interval`, never per task.
final class ThreadCountSampler: Sendable {
    /// Shortest time between two samples taken from task completions, nanoseconds.
    static let interval: UInt64 = 10_000_000
    /// A thread running many short tasks looks at the clock for a sample only every this many.
    static let completionStride = 16

    private let maximum = Atomic<Int>(0)
    private let nextDue: Atomic<UInt64>

    /// A sampler whose first completion sample is due one interval after now.
    init() {
        nextDue = Atomic(MonotonicInstant.now().nanoseconds &+ Self.interval)
    }

    /// Reads the thread count now (`ProcFS.threadCount`, tvp's helper threads left out).
    func sample() {
        maximum.max(HelperThreads.threadCountWithoutHelpers(), ordering: .relaxed)
    }

    /// Samples if the interval has passed since the last sample; one clock read otherwise.
    func sampleIfDue() {
        let now = MonotonicInstant.now().nanoseconds
        let due = nextDue.load(ordering: .relaxed)
        guard now >= due,
              nextDue.compareExchange(expected: due, desired: now &+ Self.interval, ordering: .relaxed).exchanged
        else { return }
        sample()
    }

    /// The largest count sampled, 0 when none was taken.
    var observedMaximum: Int { maximum.load(ordering: .relaxed) }
}
