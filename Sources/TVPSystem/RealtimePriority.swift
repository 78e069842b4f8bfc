import Glibc
import SystemPackage

/// Real-time scheduling for a process that stands in for another machine (the download server):
/// round-robin at the lowest real-time priority runs its threads whenever they have work, ahead of
/// every ordinary thread, so that ten thousand client threads on the same cores cannot starve it
/// the way they would never starve a remote server. The kernel still keeps 5 % of each second for
/// ordinary threads (`sched_rt_runtime_us`).
public enum RealtimePriority {
    /// Puts the calling thread, and every thread it creates afterwards, under `SCHED_RR` priority 1
    /// (`sched_setscheduler`). Returns nil on success, else why not (no `CAP_SYS_NICE`, a cgroup
    /// without real-time budget).
    public static func enterRoundRobin() -> String? {
        var parameter = sched_param()
        parameter.sched_priority = 1
        if sched_setscheduler(0, SCHED_RR, &parameter) == 0 { return nil }
        return "\(Errno(rawValue: errno))"
    }
}
