import Synchronization
import TVPSystem

/// A pool of exactly `workers` OS threads, created when `run` is called and joined before it
/// returns, pulling task indices from a shared lock-free queue (an atomic counter).
///
/// Dispatch's global pool is not used: it sizes itself, and the worker count must be exact.
public enum ThreadPool {
    /// Runs `body` on each of `workers` new threads; every thread calls `next()` to take the next
    /// task index until it returns nil. Each index in `0..<taskCount` is handed out exactly once.
    /// Returns the number of threads created.
    @discardableResult
    public static func run(
        workers: Int, taskCount: Int,
        _ body: @escaping @Sendable (_ next: () -> Int?) -> Void
    ) throws -> Int {
        let queue = TaskQueue(count: taskCount)
        var threads: [OSThread] = []
        threads.reserveCapacity(workers)
        defer { threads.forEach { $0.join() } }
        for _ in 0..<workers {
            threads.append(try OSThread { body(queue.next) })
        }
        return threads.count
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
