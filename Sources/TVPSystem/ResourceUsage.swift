import Glibc

/// CPU time, memory and scheduling counters of `getrusage`/`wait4`, as plain values.
public struct ResourceUsage: Sendable, Equatable {
    /// User CPU time in seconds.
    public var userSeconds: Double = 0
    /// System CPU time in seconds.
    public var systemSeconds: Double = 0
    /// Peak resident set size in KiB (`ru_maxrss`; a lifetime maximum for `getrusage`).
    public var maxRSSKiB: Int = 0
    /// Voluntary context switches (the process blocked).
    public var voluntaryContextSwitches: Int = 0
    /// Involuntary context switches (the process was preempted).
    public var involuntaryContextSwitches: Int = 0
    /// Page faults served without I/O.
    public var minorFaults: Int = 0
    /// Page faults that needed I/O.
    public var majorFaults: Int = 0

    /// An all-zero usage.
    public init() {}

    init(_ raw: rusage) {
        userSeconds = Double(raw.ru_utime.tv_sec) + Double(raw.ru_utime.tv_usec) / 1e6
        systemSeconds = Double(raw.ru_stime.tv_sec) + Double(raw.ru_stime.tv_usec) / 1e6
        maxRSSKiB = raw.ru_maxrss
        voluntaryContextSwitches = raw.ru_nvcsw
        involuntaryContextSwitches = raw.ru_nivcsw
        minorFaults = raw.ru_minflt
        majorFaults = raw.ru_majflt
    }

    /// Usage of the calling process, all threads (`getrusage(RUSAGE_SELF)`).
    public static func currentProcess() -> ResourceUsage { read(RUSAGE_SELF.rawValue) }

    /// Usage of the calling thread only (`getrusage(RUSAGE_THREAD)`).
    public static func currentThread() -> ResourceUsage { read(1) }  // RUSAGE_THREAD, a GNU extension

    private static func read(_ who: Int32) -> ResourceUsage {
        var raw = rusage()
        getrusage(who, &raw)
        return ResourceUsage(raw)
    }

    /// The counters of `self` minus those of `earlier`; `maxRSSKiB` is kept from `self`.
    public func subtracting(_ earlier: ResourceUsage) -> ResourceUsage {
        var d = self
        d.userSeconds -= earlier.userSeconds
        d.systemSeconds -= earlier.systemSeconds
        d.voluntaryContextSwitches -= earlier.voluntaryContextSwitches
        d.involuntaryContextSwitches -= earlier.involuntaryContextSwitches
        d.minorFaults -= earlier.minorFaults
        d.majorFaults -= earlier.majorFaults
        return d
    }

    /// The counters of both added; `maxRSSKiB` is the larger of the two.
    public func adding(_ other: ResourceUsage) -> ResourceUsage {
        var s = self
        s.userSeconds += other.userSeconds
        s.systemSeconds += other.systemSeconds
        s.maxRSSKiB = Swift.max(maxRSSKiB, other.maxRSSKiB)
        s.voluntaryContextSwitches += other.voluntaryContextSwitches
        s.involuntaryContextSwitches += other.involuntaryContextSwitches
        s.minorFaults += other.minorFaults
        s.majorFaults += other.majorFaults
        return s
    }
}
