import Synchronization
import TVPSystem

/// A model of CPython's global interpreter lock as rewritten in 3.2 (Python/ceval_gil.h): one lock
/// that a thread must hold while it computes, with timed hand-overs between computing threads.
///
/// - A thread that wants the lock while another holds it waits on a condition for at most the
///   switch interval; if the same holder kept the lock all that time, it sets the drop request.
/// - The holder checks the drop request between compute slices (`checkpoint`); when it is set, it
///   releases the lock and, as CPython's FORCE_SWITCHING does, waits until another thread has taken
///   it, so the releaser cannot take it straight back (no convoy), then queues for it again.
/// - Blocking calls release the lock and take it again afterwards (`release` / `acquire`).
///
/// Records, for the trial it serves, every wait to acquire and every forced switch.
public final class GlobalInterpreterLock: @unchecked Sendable {
    /// How long a waiter lets the holder compute before it asks for the lock (CPython's
    /// `sys.getswitchinterval()`, 5 ms by default), in nanoseconds.
    public let switchIntervalNanoseconds: UInt64

    private let mutex = ConditionLock()
    /// Signalled when the lock is released: wakes one waiter.
    private let released = Condition()
    /// Broadcast when a thread takes the lock: wakes a thread that released it on a drop request.
    private let taken = Condition()
    /// CPython's `gil_drop_request`: read without the mutex by the holder at every checkpoint.
    private let dropRequest = Atomic<Bool>(false)

    // Everything below is guarded by `mutex`.
    private var locked = false
    /// The thread that took the lock last (it stays the last holder after it released it).
    private var lastHolder: UInt = 0
    /// How many times the lock was taken: a waiter asks for a drop only if this did not change.
    private var acquisitions: UInt64 = 0
    private var forcedSwitches = 0
    private var waits = DurationHistogram()

    /// A free lock with the given switch interval.
    public init(switchIntervalNanoseconds: UInt64 = 5_000_000) {
        self.switchIntervalNanoseconds = max(1, switchIntervalNanoseconds)
    }

    /// Takes the lock for the calling thread, waiting as long as needed; returns how long it waited,
    /// in nanoseconds (CPython's `take_gil`).
    @discardableResult
    public func acquire() -> UInt64 {
        acquire(waitingSince: MonotonicInstant.now())
    }

    private func acquire(waitingSince start: MonotonicInstant) -> UInt64 {
        let me = currentThreadID()
        mutex.lock()
        defer { mutex.unlock() }
        while locked {
            let seen = acquisitions
            let deadline = MonotonicInstant(nanoseconds: MonotonicInstant.now().nanoseconds + switchIntervalNanoseconds)
            let signalled = released.wait(mutex, until: deadline)
            // The same holder kept the lock for a whole interval: ask it to let go.
            if !signalled && locked && acquisitions == seen {
                dropRequest.store(true, ordering: .relaxed)
            }
        }
        locked = true
        lastHolder = me
        acquisitions &+= 1
        taken.broadcast()
        // The request, if any, was for the previous holder; a waiter still waiting renews it later.
        if dropRequest.load(ordering: .relaxed) { dropRequest.store(false, ordering: .relaxed) }
        let waited = MonotonicInstant.now().nanoseconds &- start.nanoseconds
        waits.record(waited)
        return waited
    }

    /// Releases the lock, which the calling thread holds (CPython's `drop_gil` before a blocking call).
    public func release() {
        mutex.withLock {
            precondition(locked, "the GIL was released by a thread that does not hold it")
            locked = false
            released.signal()
        }
    }

    /// Between two compute slices: if a waiter asked for the lock, hands it over and queues for it
    /// again. Returns the wait to get it back, in nanoseconds, or nil when there was no request.
    /// Costs one relaxed atomic load when there is none.
    @inline(__always)
    @discardableResult
    public func checkpoint() -> UInt64? {
        guard dropRequest.load(ordering: .relaxed) else { return nil }
        return switchThreads()
    }

    private func switchThreads() -> UInt64 {
        // The thread waits for the lock from the moment it lets go: the hand-over counts too.
        let start = MonotonicInstant.now()
        let me = currentThreadID()
        mutex.withLock {
            locked = false
            released.signal()
            forcedSwitches += 1
            // FORCE_SWITCHING: the thread that asked is waiting, so someone takes the lock soon;
            // until then, stay off it so the releaser cannot win it back at once.
            while lastHolder == me { taken.wait(mutex) }
        }
        return acquire(waitingSince: start)
    }

    /// What happened to the lock so far: switches and waits.
    public var statistics: GILStatistics {
        mutex.withLock {
            GILStatistics(acquisitions: waits.count, switches: forcedSwitches,
                          longestWaitNanoseconds: waits.maximum, medianWaitNanoseconds: waits.median)
        }
    }
}

/// What a global interpreter lock recorded during a trial.
public struct GILStatistics: Sendable, Equatable {
    /// Times the lock was taken (at task starts, after blocking calls, after switches).
    public var acquisitions: Int
    /// Hand-overs forced by a drop request: a computing thread made to let a waiter run.
    public var switches: Int
    /// The longest any thread waited to take the lock, nanoseconds.
    public var longestWaitNanoseconds: UInt64
    /// The median wait to take the lock (uncontended acquisitions count as near zero), nanoseconds.
    public var medianWaitNanoseconds: UInt64
}
