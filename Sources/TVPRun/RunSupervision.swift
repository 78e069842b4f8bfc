import Foundation
import SystemPackage
import TVPSystem
import TVPAnalysis
import TVPMeasure
import TVPResults

/// `tvp run` as two processes: a thin supervisor, which the user started and whose exit status
/// counts, and the measuring process it starts (the same executable, told so by
/// `TVP_RUN_REPORT_FD`), which loads the plugins, runs every trial and writes the results.
///
/// Code tvp does not control runs only in the measuring process, so whatever ends it — a plugin's
/// `exit(0)`, `_exit`, `abort`, a signal — cannot decide the run's exit status: the supervisor
/// does. The measuring process reports on a pipe (descriptor 3) the run folder as soon as it exists,
/// when its trials have ended (no plugin code runs after that), and its exit status just before it
/// exits. A process that ends without that last line failed the run: the supervisor marks its
/// meta.json `failed` (or `interrupted`) with how it ended, removes its fixture folders and
/// shared-memory objects, and exits 1 (130 or 143 when interrupted). trials.csv keeps every
/// finished row: each is written whole as its trial ends.
///
/// The supervisor forwards SIGINT and SIGTERM; a measuring process that has not stopped its trials
/// a second later (a task that does not return) is killed, as it is at once on a second signal.
/// It costs one process start before the run (no trial is timed then) and nothing per trial: the
/// supervisor sleeps in `poll` until its child reports or ends.
public enum RunSupervision {
    /// The variable that tells a `tvp run` it is the measuring process, and its report descriptor.
    public static let environmentKey = "TVP_RUN_REPORT_FD"

    /// Seconds the measuring process has to stop its trials after a forwarded signal.
    public static let stopGraceSeconds = 1.0
    /// Seconds it then has to write its last files (summary, meta.json, report).
    public static let saveGraceSeconds = 30.0

    /// The measuring process's report pipe, nil in any other process.
    public static let reporter: Reporter? = {
        guard let value = ProcessInfo.processInfo.environment[environmentKey], let fd = Int32(value), fd >= 0 else { return nil }
        return Reporter(descriptor: FileDescriptor(rawValue: fd))
    }()

    /// The measuring process's side: one line per fact, written whole (a pipe write of less than
    /// 4 KiB is atomic).
    public final class Reporter: Sendable {
        private let descriptor: FileDescriptor

        init(descriptor: FileDescriptor) { self.descriptor = descriptor }

        /// The run folder exists, at `absolutePath`.
        public func folder(_ absolutePath: String) { send("folder \(absolutePath)") }

        /// The trials have ended (done, interrupted or failed); no plugin code runs after this.
        public func trialsEnded() { send("trials-ended") }

        /// The process is about to exit with `status`, its results written.
        public func end(_ status: Int32) { send("end \(status)") }

        private func send(_ line: String) { try? descriptor.writeAll(Array((line + "\n").utf8)) }
    }

    /// How the measuring process ended, as the supervisor saw it.
    struct Observed {
        var folder: String?
        var trialsEnded = false
        var reportedStatus: Int32?
        var forwardedSignal: Int32?
        var killedBySupervisor = false
    }

    /// Dies with the tvp that started this one, when one did (`tvp paired`, the supervising tvp):
    /// `ParentDeath.arm`.
    public static func armParentDeath() { ParentDeath.arm() }

    /// Starts measuring how long this process is stopped (`StoppedTime`), for deadlines and `stopped_s`.
    public static func startStoppedTime() { StoppedTime.start() }

    /// Runs this tvp with `arguments` as the measuring process and supervises it to its end;
    /// returns the exit status `tvp run` must end with. `notice` prints a line on standard error.
    public static func supervise(arguments: [String], executable: String? = nil,
                                 scratchDirectory: String = Files.absolutePath(Files.temporaryDirectory),
                                 notice: (String) -> Void) -> Int32 {
        let executable = executable ?? Files.currentExecutablePath() ?? CommandLine.arguments[0]
        let supervisor = ChildSupervisor(terminationGraceSeconds: stopGraceSeconds)
        let reports: PipePair
        let child: StartedChild
        do {
            reports = try PipePair()
            defer { reports.writeEnd.closeQuietly() }
            let environment = ChildEnvironment.current(setting: [environmentKey: "3", ParentDeath.environmentKey: String(currentProcessID())])
            child = try supervisor.start(ChildLaunch(
                path: executable, arguments: [executable] + arguments, stdin: .inherited, stdout: .inherited,
                stderr: .inherited, extra: [.descriptor(reports.writeEnd)], environment: environment,
                diesWithParent: true, ownProcessGroup: false))
        } catch {
            notice("cannot start the measuring process \(executable): \(error)")
            return 1
        }
        defer { reports.readEnd.closeQuietly() }
        var observed = Observed()
        var pending = [UInt8](), buffer = [UInt8](repeating: 0, count: 4096)
        var forwardedAt: MonotonicInstant?
        var open = true
        var ended: EndedChild?
        while ended == nil {
            let events: SupervisorEvents
            do {
                events = try supervisor.wait(for: open ? [PollInterest(reports.readEnd, read: true, write: false)] : [],
                                             timeoutSeconds: 0.1)
            } catch {
                notice("supervising the measuring process failed: \(error); stopping it")
                try? supervisor.stop(child.pid, immediately: true)
                observed.killedBySupervisor = true
                ended = try? supervisor.finish(withinSeconds: 0).first
                break
            }
            if !events.ready.isEmpty {
                let count = (try? reports.readEnd.readAvailable(into: &buffer)) ?? 0
                if count == 0 { open = false }
                pending += buffer[0..<count]
                while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                    take(String(decoding: pending[..<newline], as: UTF8.self), into: &observed)
                    pending.removeSubrange(...newline)
                }
            }
            if let first = events.ended.first { ended = first; break }
            if let signal = InterruptSignal.received, observed.forwardedSignal == nil {
                observed.forwardedSignal = signal
                forwardedAt = MonotonicInstant.now()
                try? supervisor.forward(signal, to: child.pid)
            }
            if let forwardedAt, !observed.killedBySupervisor {
                let waited = MonotonicInstant.now().seconds(since: forwardedAt)
                let grace = observed.trialsEnded ? saveGraceSeconds : stopGraceSeconds
                if waited > grace || InterruptSignal.count >= 2 {
                    try? supervisor.stop(child.pid, immediately: true)
                    observed.killedBySupervisor = true
                }
            }
        }
        guard let ended else { return 1 }
        return conclude(observed, ended: ended.child, pid: child.pid, scratchDirectory: scratchDirectory, notice: notice)
    }

    private static func take(_ line: String, into observed: inout Observed) {
        let parts = line.split(separator: " ", maxSplits: 1).map(String.init)
        switch parts.first {
        case "folder": observed.folder = parts.count > 1 ? parts[1] : nil
        case "trials-ended": observed.trialsEnded = true
        case "end": observed.reportedStatus = parts.count > 1 ? Int32(parts[1]) : nil
        default: break
        }
    }

    /// The exit status after the measuring process ended; a run it left unfinished is marked and
    /// cleaned up.
    static func conclude(_ observed: Observed, ended: ReapedChild, pid: Int32, scratchDirectory: String,
                         notice: (String) -> Void) -> Int32 {
        if let status = observed.reportedStatus { return status }
        let how = ended.status.description
        let interrupted = observed.forwardedSignal
        let reason: String
        if let signal = interrupted {
            reason = observed.killedBySupervisor
                ? "interrupted by \(signalName(signal)): the measuring process (pid \(pid)) did not stop its trials within \(stopGraceSeconds) s (a task that does not return?) and was killed"
                : "interrupted by \(signalName(signal)): the measuring process (pid \(pid)) ended (\(how)) before it saved the run"
        } else {
            reason = "the measuring process (pid \(pid)) ended (\(how)) before the run finished: code running in it (a plugin's task, set-up or tear-down calling exit, _exit or abort, or a crash) or a signal from outside ended it; run the scenario with `modes: [processes]` to find the task, which there fails only its trial"
        }
        for line in Leftovers.removeOrphans(in: scratchDirectory) { notice(line) }
        guard let folder = observed.folder else {
            // No run folder yet: an error exit is the process's own (it said why); anything else is not.
            if let signal = interrupted { return InterruptSignal.exitStatus(for: signal) }
            if case .exited(let code) = ended.status, code != 0 { return code }
            notice("run failed: \(reason)")
            return 1
        }
        let rows = (try? String(contentsOfFile: "\(folder)/trials.csv", encoding: .utf8))
            .map { max(0, $0.split(separator: "\n").count - 1) } ?? 0
        do {
            if var meta = try RunFolder.meta(in: folder), meta.status == "running" {
                meta.status = interrupted == nil ? "failed" : "interrupted"
                meta.reason = reason
                meta.endedAt = RunMeta.timestamp()
                meta.trialsCompleted = rows
                try ResultsWriter.writeMeta(meta, in: folder)
            }
        } catch {
            notice("could not mark \(folder)/meta.json: \(error)")
        }
        notice("\(interrupted == nil ? "run failed" : "run stopped"): \(reason)")
        notice("the \(rows) finished trials are in \(folder)/trials.csv; meta.json says \(interrupted == nil ? "failed" : "interrupted") with this reason")
        if let signal = interrupted { return InterruptSignal.exitStatus(for: signal) }
        return 1
    }
}
