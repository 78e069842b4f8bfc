import Glibc
import SystemPackage

/// A program other than tvp's worker (gnuplot, git, another build's tvp), run to its end: the one
/// place tvp launches such programs.
///
/// It is started and reaped by a `ChildSupervisor`, like a worker (posix_spawn, default signal
/// dispositions, no descriptor but its three), its output is read through the supervisor's `poll`
/// or goes to a log file, and every call survives `EINTR`: tvp's SIGINT and SIGTERM handlers are
/// installed without `SA_RESTART`.
/// When tvp receives one of those signals while the program runs, the program is stopped (SIGTERM,
/// then SIGKILL after a grace period), reaped, and `ExternalProgramError.interrupted` thrown, so the
/// caller can clean up and exit 130 or 143.
public struct ExternalProgram: Sendable {
    /// The executable, an absolute path (see `find`).
    public var path: String
    /// The arguments after argv[0] (which is `path`).
    public var arguments: [String]
    /// The program's environment; nil: tvp's own.
    public var environment: [String: String]?
    /// How long a stopped program may take to end after SIGTERM before it gets SIGKILL, seconds.
    public var stopGraceSeconds: Double
    /// Whether the program is one of tvp's own (another build's `tvp`), told tvp's pid
    /// (`TVP_PARENT_PID`) so that it dies with tvp, even when tvp is SIGKILLed (`ParentDeath`).
    public var diesWithParent: Bool
    /// Whether the program runs in a process group of its own, and whatever it leaves running in
    /// that group is killed once it has ended: for a program tvp does not trust to clean up after
    /// itself (a `TVP_WORKER` asked a question). Otherwise it keeps tvp's group, so that a
    /// terminal's Ctrl-C reaches it too.
    public var ownProcessGroup: Bool

    /// A program to run.
    public init(path: String, arguments: [String], environment: [String: String]? = nil, stopGraceSeconds: Double = 2,
                diesWithParent: Bool = false, ownProcessGroup: Bool = false) {
        self.path = path
        self.arguments = arguments
        self.environment = environment
        self.stopGraceSeconds = stopGraceSeconds
        self.diesWithParent = diesWithParent
        self.ownProcessGroup = ownProcessGroup
    }

    /// The first executable named `name` in the colon-separated `searchPath` (`$PATH`, or the
    /// usual folders when nil), or nil. Relative entries (`.`, `bin`) are skipped: a program tvp
    /// runs by itself never comes from the current directory.
    public static func find(_ name: String, searchPath: String?) -> String? {
        let folders = (searchPath ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":").filter { $0.hasPrefix("/") }
        return folders.map { "\($0)/\(name)" }.first(where: Files.isExecutable)
    }

    /// Runs the program to its end and returns how it ended and what it printed (each stream cut
    /// at `limit` bytes; the rest is read and dropped, so the program never blocks on a full pipe).
    /// `stopRequested` is polled at least every 100 ms; by default it is the signal tvp received.
    public func run(limit: Int = 16 << 20,
                    stopRequested: () -> Int32? = { InterruptSignal.received }) throws -> ProgramOutput {
        let output = try PipePair()
        let errors: PipePair
        do { errors = try PipePair() } catch {
            output.readEnd.closeQuietly(); output.writeEnd.closeQuietly()
            throw error
        }
        defer { output.readEnd.closeQuietly(); errors.readEnd.closeQuietly() }
        let supervisor = ChildSupervisor(terminationGraceSeconds: stopGraceSeconds)
        let pid: pid_t
        do {
            pid = try start(supervisor, stdout: output.writeEnd, stderr: errors.writeEnd)
        } catch {
            output.writeEnd.closeQuietly(); errors.writeEnd.closeQuietly()
            throw error
        }
        defer { if ownProcessGroup { _ = kill(-pid, SIGKILL) } }
        output.writeEnd.closeQuietly(); errors.writeEnd.closeQuietly()
        let ends = [output.readEnd, errors.readEnd]
        var captured = [[UInt8]](repeating: [], count: ends.count)
        var open = Array(ends.indices)
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        var ended: EndedChild?
        let take = { (stream: Int, count: Int) in
            captured[stream].append(contentsOf: buffer[0..<min(count, max(0, limit - captured[stream].count))])
        }
        do {
            // Until both streams end and the program has ended; once it has, what its pipes still
            // hold is read without waiting (a program it left behind may keep them open).
            while ended == nil || !open.isEmpty {
                if let signal = stopRequested() { throw ExternalProgramError.interrupted(path: path, signal: signal) }
                if ended != nil {
                    for stream in open {
                        while try !waitForEvents([PollInterest(ends[stream], read: true, write: false)], timeoutMilliseconds: 0).isEmpty {
                            let count = try ends[stream].readAvailable(into: &buffer)
                            if count == 0 { break }
                            take(stream, count)
                        }
                    }
                    break
                }
                let events = try supervisor.wait(for: open.map { PollInterest(ends[$0], read: true, write: false) }, timeoutSeconds: 0.1)
                var finished: [Int] = []
                for slot in events.ready {
                    let stream = open[slot]
                    let count = try ends[stream].readAvailable(into: &buffer)
                    if count == 0 { finished.append(stream) } else { take(stream, count) }
                }
                open.removeAll(where: finished.contains)
                ended = ended ?? events.ended.first
            }
        } catch {
            stop(supervisor)
            throw error
        }
        return ProgramOutput(status: ended!.child.status, standardOutput: captured[0], standardError: captured[1])
    }

    /// Runs the program to its end with its standard output and error appended to the file at
    /// `log` (created if needed), and returns how it ended; stops it like `run()`.
    public func run(appendingOutputTo log: String,
                    stopRequested: () -> Int32? = { InterruptSignal.received }) throws -> ExitStatus {
        let file = try attempt("open \(log)") {
            try FileDescriptor.open(log, .writeOnly, options: [.create, .append, .closeOnExec], permissions: [.ownerReadWrite, .groupRead, .otherRead])
        }
        let supervisor = ChildSupervisor(terminationGraceSeconds: stopGraceSeconds)
        defer { file.closeQuietly() }
        let pid = try start(supervisor, stdout: file, stderr: file)
        defer { if ownProcessGroup { _ = kill(-pid, SIGKILL) } }
        do {
            while true {
                if let signal = stopRequested() { throw ExternalProgramError.interrupted(path: path, signal: signal) }
                if let ended = try supervisor.wait(for: [], timeoutSeconds: 0.1).ended.first { return ended.child.status }
            }
        } catch {
            stop(supervisor)
            throw error
        }
    }

    /// Starts the program under `supervisor` with `stdout` and `stderr`, standard input /dev/null,
    /// and no other descriptor, and returns its pid (which, with `ownProcessGroup`, is its group's).
    private func start(_ supervisor: ChildSupervisor, stdout: FileDescriptor, stderr: FileDescriptor) throws -> pid_t {
        var variables = environment
        if diesWithParent, variables != nil { variables![ParentDeath.environmentKey] = String(getpid()) }
        do {
            return try supervisor.start(ChildLaunch(
                path: path, arguments: [path] + arguments, stdout: .descriptor(stdout), stderr: .descriptor(stderr),
                environment: variables.map { ChildEnvironment($0.map { "\($0.key)=\($0.value)" }) },
                diesWithParent: diesWithParent, ownProcessGroup: ownProcessGroup)).pid
        } catch {
            throw ExternalProgramError.cannotStart(path: path, reason: "\(error)")
        }
    }

    /// Stops the program and reaps it: SIGTERM, up to `stopGraceSeconds` for it to end, then SIGKILL.
    private func stop(_ supervisor: ChildSupervisor) {
        try? supervisor.stopAll()
        _ = try? supervisor.finish(withinSeconds: 0)
    }
}

/// How an external program ended and what it printed.
public struct ProgramOutput: Sendable, Equatable {
    /// How it ended.
    public var status: ExitStatus
    /// Its standard output.
    public var standardOutput: [UInt8]
    /// Its standard error.
    public var standardError: [UInt8]

    /// Standard error as text (invalid UTF-8 repaired).
    public var errorText: String { String(decoding: standardError, as: UTF8.self) }
    /// Standard output as text.
    public var outputText: String { String(decoding: standardOutput, as: UTF8.self) }
}

/// Why an external program did not run to its end.
public enum ExternalProgramError: Error, CustomStringConvertible, Equatable, Sendable {
    /// posix_spawn failed (no such file, not executable, out of processes).
    case cannotStart(path: String, reason: String)
    /// tvp received `signal` while the program ran; the program was stopped.
    case interrupted(path: String, signal: Int32)

    /// What happened.
    public var description: String {
        switch self {
        case .cannotStart(let path, let reason): "cannot start \(path): \(reason)"
        case .interrupted(let path, let signal): "\(path) stopped: tvp received \(signalName(signal))"
        }
    }
}
