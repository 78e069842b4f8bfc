import Glibc

/// The per-process limit on open descriptors (`RLIMIT_NOFILE`): every socket of a download in
/// flight and every pipe of a worker counts against it.
public struct DescriptorLimit: Sendable, Equatable {
    /// The limit in force (`rlim_cur`).
    public var soft: Int
    /// The most an unprivileged process may raise it to (`rlim_max`; `ulimit -Hn`).
    public var hard: Int

    /// Limits of `soft` and `hard` descriptors.
    public init(soft: Int, hard: Int) {
        self.soft = soft
        self.hard = hard
    }

    /// The current limits (`getrlimit`).
    public static func current() -> DescriptorLimit {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return DescriptorLimit(soft: 1024, hard: 1024) }
        return DescriptorLimit(soft: clamp(limit.rlim_cur), hard: clamp(limit.rlim_max))
    }

    /// Raises the soft limit to the hard one (`setrlimit`), for tvp and every child it starts
    /// afterwards; returns the limits now in force.
    @discardableResult
    public static func raiseToHard() -> DescriptorLimit {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return current() }
        if limit.rlim_cur < limit.rlim_max {
            limit.rlim_cur = limit.rlim_max
            _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        }
        return current()
    }

    private static func clamp(_ value: rlim_t) -> Int {
        value > rlim_t(Int.max) ? Int.max : Int(value)
    }
}
