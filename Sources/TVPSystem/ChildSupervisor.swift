import CTVPSystem
import Glibc
import SystemPackage

/// Why tvp stopped a child, when it did.
public enum StopReason: Sendable, Equatable {
    /// Its deadline passed.
    case deadline
    /// The caller asked (`stop`, `stopAll`): tvp was interrupted, or the child broke its protocol.
    case requested
}

/// A child that was started.
public struct StartedChild: Sendable {
    /// Its pid.
    public let pid: pid_t
    /// Just before `posix_spawn` was called.
    public let spawnedAt: MonotonicInstant
}

/// A child that ended and was reaped.
public struct EndedChild: Sendable {
    /// How it ended and what it used (`wait4`).
    public let child: ReapedChild
    /// Why tvp stopped it; nil when it ended by itself.
    public let stoppedBy: StopReason?
}

/// What one `ChildSupervisor.wait` saw.
public struct SupervisorEvents: Sendable {
    /// Indices in the caller's interests of the descriptors that are ready (or hung up, or failed:
    /// the next read or write says which).
    public var ready: [Int] = []
    /// Children that ended, reaped.
    public var ended: [EndedChild] = []
    /// Children whose deadline passed during this wait: they were sent SIGTERM (SIGKILL follows
    /// after the termination grace).
    public var overdue: [pid_t] = []
    /// tvp received SIGINT or SIGTERM (the wait ended early for it).
    public var interrupted = false

    /// Nothing seen yet.
    public init() {}
}

/// The one owner of tvp's child processes: it starts them with exactly the descriptors they need
/// (`ProcessSpawner`), each leading its own process group, tells them to die with tvp
/// (`ParentDeath`), waits for their output and
/// their end together in one `poll` (each child's pidfd becomes readable when it ends, so reaping
/// never blocks), reaps them with their resource usage (`wait4`), and stops those that pass their
/// deadline: SIGTERM, then SIGKILL after `terminationGraceSeconds`, to the child's whole process
/// group; whatever is left of the group when the child ends is killed. Every error is thrown.
///
/// Not tied to a protocol: process modes watch their workers' pipes with it; a server started
/// before a trial's clock is a child with no deadline, stopped with `stop` and reaped by `finish`.
/// One thread uses a supervisor; children still running when it is released are killed and reaped.
public final class ChildSupervisor {
    // A class: the per-task path changes a child's deadline in place, where a struct in the
    // dictionary would go through its modify accessor (a heap-allocated coroutine frame each time).
    private final class Supervised {
        let pid: pid_t
        /// pidfd, or -1 when the kernel has none (then the supervisor polls every 10 ms).
        let pidfd: CInt
        /// Whether it leads its own process group, which is signalled with it.
        let group: Bool
        var deadline: UInt64?
        /// `StoppedTime` when the deadline was set: time tvp is stopped after it moves the deadline.
        var stoppedAtDeadline: UInt64 = 0
        var stopReason: StopReason?
        var terminatedAt: UInt64?
        var killed = false

        init(pid: pid_t, pidfd: CInt, group: Bool, deadline: UInt64?, stoppedAtDeadline: UInt64) {
            self.pid = pid
            self.pidfd = pidfd
            self.group = group
            self.deadline = deadline
            self.stoppedAtDeadline = stoppedAtDeadline
        }
    }

    /// Seconds between SIGTERM and SIGKILL.
    public let terminationGraceSeconds: Double
    private var children: [pid_t: Supervised] = [:]
    /// Variables every child started with tvp's own environment gets on top of it (beside
    /// `TVP_PARENT_PID`); a variable tvp's environment already sets is left as it is.
    private let environmentAdditions: [String: String]
    private var inheritedEnvironment: ChildEnvironment?
    // Reused by every wait: a trial's loop waits once per task.
    private var pollBuffer: [pollfd] = []
    private var watchedPIDs: [pid_t] = []

    /// A supervisor with no children yet; children started with tvp's own environment also get
    /// `environmentAdditions` where tvp's environment does not set them.
    public init(terminationGraceSeconds: Double = 1, environmentAdditions: [String: String] = [:]) {
        self.terminationGraceSeconds = terminationGraceSeconds
        self.environmentAdditions = environmentAdditions
    }

    deinit {
        for child in children.values { try? sendSignal(SIGKILL, to: child.pid, group: child.group) }
        for child in children.values {
            _ = try? waitForChild(child.pid)
            if child.pidfd >= 0 { close(child.pidfd) }
        }
    }

    /// Children started and not yet reaped.
    public var running: Int { children.count }

    /// Whether `pid` is one of the supervised children not yet reaped.
    public func supervises(_ pid: pid_t) -> Bool { children[pid] != nil }

    /// Starts `launch`; with `stopAfterSeconds`, the child is stopped that long after its spawn.
    public func start(_ launch: ChildLaunch, stopAfterSeconds: Double? = nil) throws -> StartedChild {
        var environment: ChildEnvironment?
        if launch.environment == nil && launch.diesWithParent {
            if inheritedEnvironment == nil {
                let additions = environmentAdditions.filter { getenv($0.key) == nil }
                inheritedEnvironment = ChildEnvironment.current(setting: additions.merging([ParentDeath.environmentKey: String(getpid())]) { $1 })
            }
            environment = inheritedEnvironment
        }
        // With `cpus`, the spawning thread takes the child's mask for the call (the child inherits
        // it before exec) and gets its own back after; both outside the child's spawn time.
        let (spawnedAt, pid) = try CPUAffinity.withCurrentThread(pinnedTo: launch.cpus) {
            let spawnedAt = MonotonicInstant.now()
            return (spawnedAt, try ProcessSpawner.spawn(launch, environment: environment))
        }
        // Without a pidfd (a kernel before 5.3, or no descriptor left) the child is still
        // supervised, by a 10 ms `wait4(WNOHANG)` round instead.
        let pidfd = tvp_pidfd_open(pid)
        children[pid] = Supervised(pid: pid, pidfd: pidfd, group: launch.ownProcessGroup,
                                   deadline: stopAfterSeconds.map { spawnedAt.nanoseconds + Self.nanoseconds($0) },
                                   stoppedAtDeadline: StoppedTime.nanoseconds())
        return StartedChild(pid: pid, spawnedAt: spawnedAt)
    }

    /// Sets (or, with nil, clears) when `pid` is stopped if it still runs; a stop already under
    /// way goes on.
    /// Time tvp spends stopped (SIGSTOP, a debugger) after this call moves the deadline: a child
    /// is judged on time it could have run.
    public func setDeadline(_ deadline: MonotonicInstant?, for pid: pid_t) {
        guard let child = children[pid] else { return }
        child.deadline = deadline?.nanoseconds
        // Only a deadline is moved by time tvp spends stopped: clearing one needs no reading.
        if deadline != nil { child.stoppedAtDeadline = StoppedTime.nanoseconds() }
    }

    /// Sends `signal` to `pid` alone (not its group): how a supervising tvp forwards the SIGINT or
    /// SIGTERM it received to the child that does the work.
    public func forward(_ signal: Int32, to pid: pid_t) throws {
        guard children[pid] != nil else { return }
        try sendSignal(signal, to: pid, group: false)
    }

    /// Stops `pid`: SIGTERM now and SIGKILL after the grace, or SIGKILL now when `immediately`.
    public func stop(_ pid: pid_t, immediately: Bool = false) throws {
        guard let child = children[pid] else { return }
        let now = MonotonicInstant.now().nanoseconds
        if child.stopReason == nil { child.stopReason = .requested }
        if immediately && !child.killed {
            try sendSignal(SIGKILL, to: pid, group: child.group)
            child.killed = true
        } else if child.terminatedAt == nil {
            try sendSignal(SIGTERM, to: pid, group: child.group)
        }
        if child.terminatedAt == nil { child.terminatedAt = now }
    }

    /// Stops every child (SIGTERM, then SIGKILL after the grace).
    public func stopAll() throws {
        for pid in Array(children.keys) { try stop(pid) }
    }

    /// The last resort once supervising itself failed (`poll`, `wait4`, `kill`): stops every child
    /// it still can and reaps those that ended, without waiting for the rest or failing again;
    /// returns the children reaped.
    public func abandon() -> [EndedChild] {
        try? stopAll()
        return (try? finish(withinSeconds: 0)) ?? []
    }

    /// Waits until one of `interests` is ready, a child ends, a deadline passes, tvp is
    /// interrupted, or `timeoutSeconds` pass (nil: no limit of the caller's); reaps the children
    /// that ended and signals those past their deadline. A signal arriving during the wait ends it
    /// with nothing to report but `interrupted` or nothing at all; every other failure is thrown.
    /// What is ready is reported before deadlines are judged: when something is, a deadline gets a
    /// second more, so a result delivered in time (tvp itself stopped, then resumed) is read first.
    public func wait(for interests: [PollInterest], timeoutSeconds: Double? = nil) throws -> SupervisorEvents {
        var events = SupervisorEvents()
        try wait(for: interests, timeoutSeconds: timeoutSeconds, into: &events)
        return events
    }

    /// `wait(for:timeoutSeconds:)` into `events`, emptied first and keeping its capacity: a loop
    /// that waits once per task allocates nothing for what it saw.
    public func wait(for interests: [PollInterest], timeoutSeconds: Double? = nil, into events: inout SupervisorEvents) throws {
        events.ready.removeAll(keepingCapacity: true)
        events.ended.removeAll(keepingCapacity: true)
        events.overdue.removeAll(keepingCapacity: true)
        events.interrupted = false
        let now = MonotonicInstant.now().nanoseconds
        // The earliest signal any child is due: until it, the deadlines need no second look.
        var due = UInt64.max
        var pollsChildren = false
        for child in children.values {
            if let next = nextEvent(of: child) { due = min(due, next) }
            if child.pidfd < 0 { pollsChildren = true }
        }
        var until = min(due, timeoutSeconds.map { now + Self.nanoseconds($0) } ?? UInt64.max)
        if pollsChildren { until = min(until, now + 10_000_000) }
        pollBuffer.removeAll(keepingCapacity: true)
        watchedPIDs.removeAll(keepingCapacity: true)
        for interest in interests {
            let events = (interest.read ? POLLIN : 0) | (interest.write ? POLLOUT : 0)
            pollBuffer.append(pollfd(fd: interest.descriptor.rawValue, events: Int16(events), revents: 0))
        }
        for child in children.values where child.pidfd >= 0 {
            pollBuffer.append(pollfd(fd: child.pidfd, events: Int16(POLLIN), revents: 0))
            watchedPIDs.append(child.pid)
        }
        if InterruptSignal.received == nil, let wake = InterruptSignal.wakeDescriptor {
            pollBuffer.append(pollfd(fd: wake.rawValue, events: Int16(POLLIN), revents: 0))
        }
        let milliseconds: Int32 = until == UInt64.max ? -1
            : Int32(clamping: until > now ? (until - now + 999_999) / 1_000_000 : 0)
        let count: CInt
        do {
            count = try valueOrErrno(retryOnInterrupt: false) { poll(&pollBuffer, nfds_t(pollBuffer.count), milliseconds) }
        } catch Errno.interrupted {
            count = 0  // a signal: the caller looks at InterruptSignal.received
        } catch let error as Errno {
            throw SystemCallError("poll \(pollBuffer.count) descriptors", error)
        }
        if count > 0 {
            for index in pollBuffer.indices where pollBuffer[index].revents != 0 {
                if index < interests.count {
                    events.ready.append(index)
                } else if index < interests.count + watchedPIDs.count {
                    try reap(watchedPIDs[index - interests.count], into: &events)
                } else {
                    events.interrupted = true
                }
            }
        }
        if pollsChildren {
            for child in children.values where child.pidfd < 0 { try reap(child.pid, into: &events) }
        }
        if InterruptSignal.received != nil { events.interrupted = true }
        // A due time only moves later (time tvp spent stopped extends it), so none has come
        // while the clock is before the earliest one seen above.
        if MonotonicInstant.now().nanoseconds >= due {
            try enforceDeadlines(&events, lenient: !events.ready.isEmpty)
        }
    }

    /// Waits for every child to end, giving each at most `withinSeconds` from now before it is
    /// stopped (SIGTERM, then SIGKILL after the grace); returns them. Throws if one outlives
    /// SIGKILL by 10 s (a process stuck in the kernel), leaving it supervised.
    public func finish(withinSeconds: Double) throws -> [EndedChild] {
        let now = MonotonicInstant.now().nanoseconds
        let limit = now + Self.nanoseconds(withinSeconds + terminationGraceSeconds + 10)
        for child in children.values {
            let deadline = now + Self.nanoseconds(withinSeconds)
            child.deadline = min(child.deadline ?? deadline, deadline)
        }
        var ended: [EndedChild] = []
        while !children.isEmpty {
            ended += try wait(for: [], timeoutSeconds: 0.1).ended
            if MonotonicInstant.now().nanoseconds > limit, let pid = children.keys.first {
                throw SystemCallError("wait4 \(pid): still running 10 s after SIGKILL", .resourceBusy)
            }
        }
        return ended
    }

    /// When `child` next needs a signal: its deadline (moved by the time tvp was stopped since it
    /// was set), or the end of its grace.
    private func nextEvent(of child: Supervised) -> UInt64? {
        if child.killed { return nil }
        if let terminatedAt = child.terminatedAt { return terminatedAt + Self.nanoseconds(terminationGraceSeconds) }
        let stopped = StoppedTime.nanoseconds()
        let extension_ = stopped > child.stoppedAtDeadline ? stopped - child.stoppedAtDeadline : 0
        return child.deadline.map { $0.addingReportingOverflow(extension_).overflow ? UInt64.max : $0 + extension_ }
    }

    /// Signals the children whose deadline or grace has passed; `lenient`: a deadline (not a
    /// grace) passed less than a second ago waits, since the caller has output to read first.
    private func enforceDeadlines(_ events: inout SupervisorEvents, lenient: Bool = false) throws {
        let now = MonotonicInstant.now().nanoseconds
        for (pid, child) in children {
            guard var due = nextEvent(of: child) else { continue }
            if lenient && child.terminatedAt == nil { due = due > UInt64.max - 1_000_000_000 ? UInt64.max : due + 1_000_000_000 }
            guard now >= due else { continue }
            if child.terminatedAt == nil {
                try sendSignal(SIGTERM, to: pid, group: child.group)
                child.terminatedAt = now
                child.stopReason = child.stopReason ?? .deadline
                events.overdue.append(pid)
            } else {
                try sendSignal(SIGKILL, to: pid, group: child.group)
                child.killed = true
            }
        }
    }

    /// Reaps `pid` if it has ended. A process group it led is killed first, while the ended child
    /// (a zombie) still holds its number: nothing it started outlives it.
    private func reap(_ pid: pid_t, into events: inout SupervisorEvents) throws {
        guard let child = children[pid] else { return }
        if child.group {
            let ended = tvp_child_has_ended(pid)
            if ended < 0 { throw SystemCallError("waitid \(pid)", Errno(rawValue: errno)) }
            if ended == 0 { return }
            try sendSignal(SIGKILL, to: pid, group: true)
        }
        guard let reaped = try reapChildIfEnded(pid) else { return }
        if child.pidfd >= 0 { close(child.pidfd) }
        children[pid] = nil
        events.ended.append(EndedChild(child: reaped, stoppedBy: child.stopReason))
    }

    private static func nanoseconds(_ seconds: Double) -> UInt64 {
        seconds <= 0 ? 0 : UInt64(min(seconds, 1e9) * 1e9)
    }
}
