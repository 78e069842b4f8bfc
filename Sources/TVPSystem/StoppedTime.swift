import Glibc
import Synchronization

/// How long tvp's process was stopped (SIGSTOP and SIGCONT, Ctrl-Z and `fg`, a debugger, a frozen
/// virtual machine): the monotonic clock runs on while a process is stopped, so a deadline judged
/// on it alone would blame a task for time it could not run.
///
/// One thread ticks every 100 ms. A tick that comes late by more than the thread's own wait for a
/// CPU (`/proc/thread-self/schedstat`, the second field: time spent runnable but not running) and
/// by more than 200 ms was stopped for the difference. A thread starved by a busy machine waits on
/// the run queue and is not counted as stopped; a stopped thread is not on the run queue at all.
public enum StoppedTime {
    private static let interval: UInt64 = 100_000_000
    private static let threshold: UInt64 = 200_000_000
    private static let committed = Atomic<UInt64>(0)
    private static let lastTick = Atomic<UInt64>(0)
    private static let started = Atomic<Bool>(false)
    /// The most `nanoseconds()` returned: a stop counted while pending is never taken back when the
    /// ticking thread commits a slightly different figure, so callers see a clock that only moves on.
    private static let reported = Atomic<UInt64>(0)

    /// Starts the ticking thread once per process; later calls do nothing. Returns whether it runs.
    @discardableResult
    public static func start() -> Bool {
        guard started.compareExchange(expected: false, desired: true, ordering: .relaxed).exchanged else { return true }
        lastTick.store(MonotonicInstant.now().nanoseconds, ordering: .relaxed)
        do {
            let thread = try OSThread(stackBytes: 64 * 1024) { tick() }
            thread.detach()
            HelperThreads.add()
            return true
        } catch {
            started.store(false, ordering: .relaxed)
            return false
        }
    }

    /// Nanoseconds the process was stopped since `start`, a stop still being noticed included: a
    /// tick overdue by more than a second counts as stopped until the ticking thread has run (the
    /// thread that asks may have resumed first).
    public static func nanoseconds() -> UInt64 {
        let total = committed.load(ordering: .relaxed)
        guard started.load(ordering: .relaxed) else { return total }
        let now = MonotonicInstant.now().nanoseconds
        let last = lastTick.load(ordering: .relaxed)
        let overdue = now > last + interval ? now - last - interval : 0
        let value = total + (overdue > 1_000_000_000 ? overdue : 0)
        return max(value, reported.max(value, ordering: .relaxed).newValue)
    }

    /// `nanoseconds()` as seconds.
    public static var seconds: Double { Double(nanoseconds()) / 1e9 }

    private static func tick() {
        var waited = runQueueWait()
        while true {
            sleepThread(nanoseconds: interval)
            let now = MonotonicInstant.now().nanoseconds
            let waitedNow = runQueueWait()
            let late = now &- lastTick.load(ordering: .relaxed) &- interval
            let starved = waitedNow &- waited
            if Int64(bitPattern: late) > Int64(threshold), late > starved {
                committed.add(late - starved, ordering: .relaxed)
            }
            waited = waitedNow
            lastTick.store(now, ordering: .relaxed)
        }
    }

    /// Nanoseconds the calling thread spent runnable but waiting for a CPU (schedstat's second
    /// field); 0 when the kernel keeps no such statistics.
    private static func runQueueWait() -> UInt64 {
        guard let text = ProcFS.readText("/proc/thread-self/schedstat") else { return 0 }
        let fields = text.split(separator: " ")
        return fields.count >= 2 ? UInt64(fields[1].trimmingSuffixNewline) ?? 0 : 0
    }
}

private extension Substring {
    var trimmingSuffixNewline: Substring { last == "\n" ? dropLast() : self }
}
