import CTVPSystem
import Glibc
import SystemPackage

/// The CPUs a thread may run on (its affinity mask), read and set by CPU id: what the scenario key
/// `affinity` uses to place workers. Linux keeps a mask per thread; a new thread or process starts
/// with its creator's.
public enum CPUAffinity {
    /// The CPU ids tvp's process may run on, ascending: `Cpus_allowed_list` of /proc/self/status
    /// (e.g. "1" under `taskset -c 1`, "0-3,6"); empty when unreadable.
    public static func allowedCPUs() -> [Int] {
        ProcFS.allowedCPUList() ?? []
    }

    /// The CPU ids the calling thread may run on now, ascending (`sched_getaffinity`).
    public static func currentThreadCPUs() throws -> [Int] {
        try cpus(ofThread: 0)
    }

    /// The CPU ids kernel thread `threadID` may run on, ascending (`sched_getaffinity`).
    public static func cpus(ofThread threadID: Int32) throws -> [Int] {
        var ids = [CInt](repeating: 0, count: Int(TVP_MAX_CPUS))
        let count = try attempt("sched_getaffinity of thread \(threadID)") { () throws in
            try valueOrErrno { tvp_thread_cpus(threadID, &ids, CInt(ids.count)) }
        }
        return ids.prefix(Int(min(count, CInt(ids.count)))).map(Int.init)
    }

    /// Lets the calling thread run only on `cpus` (`sched_setaffinity` of itself); the kernel
    /// moves it there at once if it runs elsewhere.
    public static func pinCurrentThread(to cpus: [Int]) throws {
        try pin(thread: 0, to: cpus)
    }

    /// Lets kernel thread `threadID` of this process (0: the calling one) run only on `cpus`
    /// (`sched_setaffinity`).
    public static func pin(thread threadID: Int32, to cpus: [Int]) throws {
        let ids = cpus.map { CInt(clamping: $0) }
        _ = try attempt("sched_setaffinity of thread \(threadID) to CPU \(list(cpus))") { () throws in
            try valueOrErrno { tvp_set_thread_cpus(threadID, ids, CInt(ids.count)) }
        }
    }

    /// Runs `body` with the calling thread pinned to `cpus` (nil: as it is), then gives the thread
    /// back the mask it had: what a child spawned inside `body` starts with, before its first
    /// instruction (Linux's `posix_spawn` has no affinity attribute; the child inherits the mask
    /// of the thread that spawns it).
    public static func withCurrentThread<T>(pinnedTo cpus: [Int]?, _ body: () throws -> T) throws -> T {
        guard let cpus else { return try body() }
        let previous = try currentThreadCPUs()
        try pinCurrentThread(to: cpus)
        defer { try? pinCurrentThread(to: previous) }
        return try body()
    }

    /// The calling thread's kernel id (`gettid`), by which another thread can pin it.
    public static func currentThreadID() -> Int32 { tvp_thread_id() }

    /// The CPU the calling thread runs on at this instant (`sched_getcpu`); -1 when unknown.
    public static func currentCPU() -> Int { Int(tvp_current_cpu()) }

    /// `cpus` as a CPU list is written ("0,2", "1").
    public static func list(_ cpus: [Int]) -> String { cpus.map(String.init).joined(separator: ",") }

    /// Sets `cpus` in thread `attributes` (`pthread_attr_setaffinity_np`).
    static func set(_ cpus: [Int], in attributes: inout pthread_attr_t) throws {
        let ids = cpus.map { CInt(clamping: $0) }
        try attempt("pthread_attr_setaffinity_np to CPU \(list(cpus))") { () throws in
            try checkReturnCode(tvp_thread_attr_set_cpus(&attributes, ids, CInt(ids.count)))
        }
    }
}
