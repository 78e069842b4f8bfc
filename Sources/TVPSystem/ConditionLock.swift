import Glibc

/// A mutex (`pthread_mutex_t`) that `Condition`s wait on: what a lock built from a mutex and
/// condition variables (such as the GIL model) needs, and Synchronization's `Mutex` does not offer.
///
/// The pthread objects live on the heap because they must never move once initialised.
public final class ConditionLock: @unchecked Sendable {
    /// The pthread mutex; `Condition` waits on it.
    fileprivate let mutex: UnsafeMutablePointer<pthread_mutex_t>

    /// A new unlocked mutex (`pthread_mutex_init`).
    public init() {
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deinitialize(count: 1)
        mutex.deallocate()
    }

    /// Takes the mutex, waiting as long as needed (`pthread_mutex_lock`).
    @inline(__always)
    public func lock() { pthread_mutex_lock(mutex) }

    /// Releases the mutex (`pthread_mutex_unlock`); only its holder may call it.
    @inline(__always)
    public func unlock() { pthread_mutex_unlock(mutex) }

    /// Runs `body` with the mutex held.
    @inline(__always)
    public func withLock<T>(_ body: () throws -> T) rethrows -> T {
        lock()
        defer { unlock() }
        return try body()
    }
}

/// A condition variable (`pthread_cond_t`) on the monotonic clock, used with a `ConditionLock`.
public final class Condition: @unchecked Sendable {
    private let condition: UnsafeMutablePointer<pthread_cond_t>

    /// A new condition whose timed waits run on `CLOCK_MONOTONIC` (`pthread_cond_init` with
    /// `pthread_condattr_setclock`), so a change of the wall clock cannot stretch a wait.
    public init() {
        condition = .allocate(capacity: 1)
        condition.initialize(to: pthread_cond_t())
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        defer { pthread_condattr_destroy(&attributes) }
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        pthread_cond_init(condition, &attributes)
    }

    deinit {
        pthread_cond_destroy(condition)
        condition.deinitialize(count: 1)
        condition.deallocate()
    }

    /// Releases `lock`, sleeps until signalled (or woken spuriously), and takes `lock` again
    /// (`pthread_cond_wait`). The caller must hold `lock` and re-check its predicate.
    public func wait(_ lock: ConditionLock) {
        pthread_cond_wait(condition, lock.mutex)
    }

    /// Like `wait(_:)` but gives up at `deadline` (`pthread_cond_timedwait`); returns false when it
    /// timed out, true when it was signalled or woken spuriously.
    public func wait(_ lock: ConditionLock, until deadline: MonotonicInstant) -> Bool {
        var target = timespec(tv_sec: Int(deadline.nanoseconds / 1_000_000_000),
                              tv_nsec: Int(deadline.nanoseconds % 1_000_000_000))
        return pthread_cond_timedwait(condition, lock.mutex, &target) != ETIMEDOUT
    }

    /// Wakes one waiter, if any (`pthread_cond_signal`).
    @inline(__always)
    public func signal() { pthread_cond_signal(condition) }

    /// Wakes every waiter (`pthread_cond_broadcast`).
    @inline(__always)
    public func broadcast() { pthread_cond_broadcast(condition) }
}
