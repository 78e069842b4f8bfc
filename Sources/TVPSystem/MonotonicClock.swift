import Glibc

/// A point on the system-wide monotonic clock (`clock_gettime(CLOCK_MONOTONIC)`), in nanoseconds.
///
/// The clock is shared by every process on the machine, so an instant taken in a worker process can be
/// compared with one taken in its parent.
public struct MonotonicInstant: Comparable, Hashable, Sendable {
    /// Nanoseconds since an unspecified start (boot).
    public let nanoseconds: UInt64

    /// Creates an instant from raw nanoseconds.
    public init(nanoseconds: UInt64) { self.nanoseconds = nanoseconds }

    /// The current instant (`clock_gettime(CLOCK_MONOTONIC)`).
    @inline(__always)
    public static func now() -> MonotonicInstant {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return MonotonicInstant(nanoseconds: UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec))
    }

    /// Seconds elapsed from `earlier` to this instant (negative if `earlier` is later).
    public func seconds(since earlier: MonotonicInstant) -> Double {
        Double(Int64(bitPattern: nanoseconds &- earlier.nanoseconds)) / 1e9
    }

    public static func < (lhs: MonotonicInstant, rhs: MonotonicInstant) -> Bool {
        lhs.nanoseconds < rhs.nanoseconds
    }
}

/// The current wall-clock time as seconds since the Unix epoch (`clock_gettime(CLOCK_REALTIME)`).
public func realtimeSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_REALTIME, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// Sleeps the calling thread for `nanoseconds` (`clock_nanosleep` on `CLOCK_MONOTONIC` with an
/// absolute deadline, so a signal does not shorten or stretch the sleep).
public func sleepThread(nanoseconds: UInt64) {
    guard nanoseconds > 0 else { return }
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    let deadline = UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec) + nanoseconds
    var target = timespec(tv_sec: Int(deadline / 1_000_000_000), tv_nsec: Int(deadline % 1_000_000_000))
    while clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &target, nil) == EINTR {}
}

/// Sleeps the calling thread until `deadline` on the monotonic clock (`clock_nanosleep` on
/// `CLOCK_MONOTONIC` with `TIMER_ABSTIME`, as cyclictest sleeps): the deadline does not drift with
/// the time spent between sleeps, and a signal does not shorten the sleep. Returns at once when the
/// deadline has passed.
public func sleepThread(until deadline: MonotonicInstant) {
    var target = timespec(tv_sec: Int(deadline.nanoseconds / 1_000_000_000), tv_nsec: Int(deadline.nanoseconds % 1_000_000_000))
    while clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &target, nil) == EINTR {}
}
