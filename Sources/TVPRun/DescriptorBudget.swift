import TVPSystem
import TVPWorkloads
import TVPPlan

/// How many descriptors a cell holds open at its peak, so that a run that cannot fit under the
/// process's limit (`RLIMIT_NOFILE`) is refused before it starts rather than failing at its widest
/// cells with `EMFILE`.
enum DescriptorBudget {
    /// Descriptors tvp holds besides its workers': its own files, the results, a server's pipe.
    static let reserve = 128

    /// Descriptors tvp itself holds per worker of `cell` at once: a socket per download in flight
    /// inside tvp; a result pipe and a pidfd per live `processes` worker (two more with a slice to
    /// feed); two pipes and a pidfd per `process-pool` worker, and the socket it is handed a
    /// conversation's pipes or sockets over.
    static func perWorker(_ cell: Cell) -> Int {
        switch cell.mode {
        case .processes: cell.workload.shipsData ? 3 : 2
        case .processPool: [.pipe, .unix].contains(cell.workload.conversation?.channel) ? 4 : 3
        case .serial, .threads, .gil, .gilRelease, .async: cell.workload.needs == .server ? 1 : 0
        }
    }

    /// Descriptors `cell` needs at its peak.
    static func needed(_ cell: Cell) -> Int {
        reserve + perWorker(cell) * min(cell.workers, cell.tasks)
    }

    /// The problem with running `cells` under `limit`, naming the widest cell that does not fit
    /// and the fix; nil when every cell fits.
    static func problem(_ cells: [Cell], limit: DescriptorLimit, source: String) -> String? {
        guard let widest = cells.filter({ needed($0) > limit.soft }).max(by: { needed($0) < needed($1) }) else { return nil }
        let count = cells.filter { needed($0) > limit.soft }.count
        return "\(source): \(widest.label) needs about \(needed(widest)) open descriptors at once, but this process may open "
            + "\(limit.soft) (ulimit -n; the hard limit, ulimit -Hn, is \(limit.hard == Int.max ? "unlimited" : String(limit.hard)), "
            + "and tvp raised the soft limit to it); \(count) cell\(count == 1 ? "" : "s") would fail. Raise the hard limit "
            + "(as root: `ulimit -Hn 65536` in the shell that starts tvp, or LimitNOFILE= for a systemd unit), "
            + "or lower `workers`, or cap the mode with `max_workers`"
    }
}
