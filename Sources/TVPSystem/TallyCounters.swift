import Glibc
import Synchronization

/// One way of adding 1 to a counter of a `TallyTable`: what a `tally` task does per update.
///
/// Each conforming type is a small value holding pointers into the table, so a task's loop keeps
/// them in registers; `increment` is inlined into that loop (in the module that runs it).
public protocol TallyCounting {
    /// Adds 1 to the count of `bin` (0 ≤ bin < the table's bins).
    func increment(_ bin: Int)
}

/// `mutex`: a pthread mutex around a plain `count[bin] += 1`, the primitive C programs use
/// (`PTHREAD_PROCESS_SHARED` when the table is shared between processes).
public struct LockedCounters: TallyCounting {
    @usableFromInline let counts: UnsafeMutablePointer<UInt64>
    @usableFromInline let mutex: UnsafeMutablePointer<pthread_mutex_t>

    /// The counts at `counts`, guarded by the mutex at `mutex`.
    init(counts: UnsafeMutablePointer<UInt64>, mutex: UnsafeMutablePointer<pthread_mutex_t>) {
        self.counts = counts
        self.mutex = mutex
    }

    @inlinable @inline(__always)
    public func increment(_ bin: Int) {
        // Neither call can fail on an initialised default mutex (benchmarks/c/tally.c does not check either).
        pthread_mutex_lock(mutex)
        counts[bin] &+= 1
        pthread_mutex_unlock(mutex)
    }
}

/// Swift's `Synchronization.Mutex` (on Linux a priority-inheriting futex taken with
/// `FUTEX_LOCK_PI_PRIVATE`): in tvp's memory, so in-process modes only.
public final class SwiftLock: Sendable {
    @usableFromInline let mutex = Mutex<Void>(())
    /// An unlocked lock.
    init() {}
}

/// `swift-mutex`: Swift's own `Mutex` around a plain `count[bin] += 1`.
public struct SwiftLockedCounters: TallyCounting {
    @usableFromInline let counts: UnsafeMutablePointer<UInt64>
    @usableFromInline let lock: SwiftLock

    /// The counts at `counts`, guarded by `lock`.
    init(counts: UnsafeMutablePointer<UInt64>, lock: SwiftLock) {
        self.counts = counts
        self.lock = lock
    }

    @inlinable @inline(__always)
    public func increment(_ bin: Int) {
        lock.mutex.withLock { _ in counts[bin] &+= 1 }
    }
}

/// `atomic`: one relaxed atomic fetch-add per update (`lock add` on x86).
public struct AtomicCounters: TallyCounting {
    @usableFromInline let counts: UnsafeMutablePointer<Atomic<UInt64>>

    /// The counts at `counts`.
    init(counts: UnsafeMutablePointer<Atomic<UInt64>>) { self.counts = counts }

    @inlinable @inline(__always)
    public func increment(_ bin: Int) {
        counts[bin].wrappingAdd(1, ordering: .relaxed)
    }
}

/// `racy`: a relaxed atomic load, then a relaxed store of the value + 1. No undefined behaviour,
/// but two workers that read the same count before either stores lose one update.
public struct RacyCounters: TallyCounting {
    @usableFromInline let counts: UnsafeMutablePointer<Atomic<UInt64>>

    /// The counts at `counts`.
    init(counts: UnsafeMutablePointer<Atomic<UInt64>>) { self.counts = counts }

    @inlinable @inline(__always)
    public func increment(_ bin: Int) {
        let count = counts[bin].load(ordering: .relaxed)
        counts[bin].store(count &+ 1, ordering: .relaxed)
    }
}

/// `local`: a worker's own table, no synchronisation (`stride` words between bins: interleaved
/// tables have one word of each other worker between two of a worker's bins).
public struct LocalCounters: TallyCounting {
    @usableFromInline let counts: UnsafeMutablePointer<UInt64>
    @usableFromInline let stride: Int

    /// The table whose first count is at `counts`, its bins `stride` words apart.
    init(counts: UnsafeMutablePointer<UInt64>, stride: Int) {
        self.counts = counts
        self.stride = stride
    }

    @inlinable @inline(__always)
    public func increment(_ bin: Int) {
        counts[bin &* stride] &+= 1
    }
}
