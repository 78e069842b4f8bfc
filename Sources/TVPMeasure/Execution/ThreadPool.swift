import Dispatch
import Synchronization
import TVPSystem

/// A pool of exactly `workers` OS threads, created when `run` is called and joined before it
/// returns, pulling task indices from a shared lock-free queue (an atomic counter).
///
/// Dispatch's global pool is not used: it sizes itself, and the worker count must be exact.
public enum ThreadPool {
    /// How a pool run ended.
    public struct Outcome: Sendable {
        /// Threads created.
        public var threadsCreated: Int
        /// Whether every thread finished before the deadline. When false the threads still run,
        /// detached: threads cannot be killed.
        public var finished: Bool
        /// The signal (SIGINT, SIGTERM) that ended the wait early, when one did.
        public var interruptedBy: Int32? = nil
    }

    /// Runs `body` on each of `workers` new threads; every thread calls `next()` to take the next
    /// task index until it returns nil. Each index in `0..<taskCount` is handed out exactly once.
    /// Waits for the threads at most `timeoutSeconds` of time they could run (time tvp was stopped
    /// does not count), then gives up on them, as it does at once when tvp receives SIGINT or
    /// SIGTERM. `started` runs on the calling thread once every thread is created, while they work.
    /// Thread i runs only on `cpus(i)` from its first instruction when that is not nil.
    @discardableResult
    public static func run(
        workers: Int, taskCount: Int, timeoutSeconds: Double = .infinity, started: () -> Void = {},
        cpus: (Int) -> [Int]? = { _ in nil },
        _ body: @escaping @Sendable (_ next: () -> Int?) -> Void
    ) throws -> Outcome {
        let queue = TaskQueue(count: taskCount)
        // Each thread signals once as it ends: the caller sleeps in the kernel until then, with a
        // bound, instead of polling.
        let ended = DispatchSemaphore(value: 0)
        var threads: [OSThread] = []
        threads.reserveCapacity(workers)
        do {
            for index in 0..<workers {
                threads.append(try OSThread(cpus: cpus(index)) {
                    body(queue.next)
                    ended.signal()
                })
            }
        } catch {
            threads.forEach { $0.join() }
            throw error
        }
        started()
        let start = MonotonicInstant.now(), stoppedAtStart = StoppedTime.nanoseconds()
        for _ in threads {
            let ran = MonotonicInstant.now().seconds(since: start) - Double(StoppedTime.nanoseconds() &- stoppedAtStart) / 1e9
            let outcome = InProcessWait.wait(ended, timeoutSeconds: timeoutSeconds.isFinite ? max(0, timeoutSeconds - ran) : 1e9)
            guard outcome != .finished else { continue }
            threads.forEach { $0.detach() }
            if case .interrupted(let signal) = outcome {
                return Outcome(threadsCreated: threads.count, finished: false, interruptedBy: signal)
            }
            return Outcome(threadsCreated: threads.count, finished: false)
        }
        threads.forEach { $0.join() }
        return Outcome(threadsCreated: threads.count, finished: true)
    }
}

/// The shared queue of task indices: one atomic increment per task.
final class TaskQueue: Sendable {
    private let cursor = Atomic<Int>(0)
    private let count: Int

    init(count: Int) { self.count = count }

    @inline(__always)
    func next() -> Int? {
        let index = cursor.wrappingAdd(1, ordering: .relaxed).oldValue
        return index < count ? index : nil
    }
}
