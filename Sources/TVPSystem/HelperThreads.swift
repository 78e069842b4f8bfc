import Synchronization

/// Threads tvp keeps for its own bookkeeping across trials (the stop clock's ticker, the thread
/// `serial` runs its tasks on), left out of the thread counts a trial reports (`os_threads_max`), so
/// that these keep meaning the threads a mode needed.
public enum HelperThreads {
    private static let running = Atomic<Int>(0)

    /// How many there are.
    public static var count: Int { running.load(ordering: .relaxed) }

    /// Counts one more (a helper thread was started; they are never joined).
    public static func add() { running.add(1, ordering: .relaxed) }

    /// This process's threads (`ProcFS.threadCount`) less the helpers.
    public static func threadCountWithoutHelpers() -> Int { max(1, ProcFS.threadCount() - count) }
}
