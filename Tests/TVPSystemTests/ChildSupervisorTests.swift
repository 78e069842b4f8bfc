import Glibc
import SystemPackage
import Testing
@testable import TVPSystem

/// The descriptor numbers open in process `pid` (`/proc/<pid>/fd`).
func openDescriptors(of pid: pid_t) -> [Int32] {
    Files.directoryEntries("/proc/\(pid)/fd").compactMap { Int32($0) }.sorted()
}

/// What descriptor `fd` of process `pid` refers to ("pipe:[…]", "/dev/null", …).
func descriptorTarget(_ pid: pid_t, _ fd: Int32) -> String {
    var buffer = [CChar](repeating: 0, count: 256)
    let n = readlink("/proc/\(pid)/fd/\(fd)", &buffer, buffer.count - 1)
    return n > 0 ? String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self) : ""
}

/// Whether process `pid` still runs (exists and is not a zombie).
func isRunning(_ pid: pid_t) -> Bool {
    guard let stat = ProcFS.readText("/proc/\(pid)/stat"), let close = stat.lastIndex(of: ")") else { return false }
    return stat[stat.index(after: close)...].split(separator: " ").first != "Z"
}

@Suite("Child supervisor")
struct ChildSupervisorTests {
    @Test("a child is reaped when it ends, with its exit status and its own resource usage")
    func reapsWithStatus() throws {
        let supervisor = ChildSupervisor()
        let child = try supervisor.start(ChildLaunch(path: "/bin/sh", arguments: ["sh", "-c", "i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done; exit 3"]))
        #expect(supervisor.supervises(child.pid))
        var ended: [EndedChild] = []
        while ended.isEmpty { ended = try supervisor.wait(for: [], timeoutSeconds: 10).ended }
        #expect(ended.map(\.child.pid) == [child.pid])
        #expect(ended[0].child.status == .exited(3))
        #expect(ended[0].stoppedBy == nil)
        #expect(ended[0].child.usage.userSeconds + ended[0].child.usage.systemSeconds > 0)
        #expect(supervisor.running == 0)
        #expect(!supervisor.supervises(child.pid))
    }

    @Test("a child past its deadline gets SIGTERM; one that ignores it gets SIGKILL after the grace, and so does what it started")
    func deadlineEscalates() throws {
        let output = try PipePair()
        defer { output.readEnd.closeQuietly() }
        let supervisor = ChildSupervisor(terminationGraceSeconds: 0.3)
        // The shell ignores SIGTERM and starts a grandchild that would outlive it.
        let child = try supervisor.start(
            ChildLaunch(path: "/bin/sh", arguments: ["sh", "-c", "trap '' TERM; sleep 30 & echo $!; wait; wait"],
                        stdout: .descriptor(output.writeEnd)),
            stopAfterSeconds: 0.2)
        output.writeEnd.closeQuietly()
        let line = try output.readEnd.readAvailable()
        let grandchild = try #require(pid_t(String(decoding: line, as: UTF8.self).trimmingSpace()))
        #expect(isRunning(grandchild))
        let start = MonotonicInstant.now()
        var overdue: [pid_t] = [], ended: [EndedChild] = []
        while ended.isEmpty {
            let events = try supervisor.wait(for: [], timeoutSeconds: 10)
            overdue += events.overdue
            ended += events.ended
        }
        #expect(MonotonicInstant.now().seconds(since: start) < 10)
        #expect(overdue == [child.pid])
        #expect(ended[0].child.status == .signaled(SIGKILL))
        #expect(ended[0].stoppedBy == .deadline)
        // The grandchild was in the child's process group: it was killed too (SIGKILL takes effect
        // as the process is next scheduled, so its end is waited for).
        let killedBy = MonotonicInstant.now().nanoseconds + 10_000_000_000
        while isRunning(grandchild) && MonotonicInstant.now().nanoseconds < killedBy { sleepThread(nanoseconds: 10_000_000) }
        #expect(!isRunning(grandchild))
    }

    @Test("a child has exactly the descriptors of its launch, even with inheritable ones open in tvp")
    func exactDescriptors() throws {
        // A descriptor without close-on-exec, as Foundation's Pipe() makes them.
        var inheritable: [Int32] = [0, 0]
        #expect(pipe(&inheritable) == 0)
        defer { inheritable.forEach { _ = close($0) } }
        let output = try PipePair()
        defer { output.readEnd.closeQuietly() }
        let supervisor = ChildSupervisor()
        let child = try supervisor.start(ChildLaunch(path: "/bin/sleep", arguments: ["sleep", "30"], stdout: .descriptor(output.writeEnd)))
        output.writeEnd.closeQuietly()
        #expect(openDescriptors(of: child.pid) == [0, 1, 2])
        #expect(descriptorTarget(child.pid, 0) == "/dev/null")
        #expect(descriptorTarget(child.pid, 1).hasPrefix("pipe:"))
        try supervisor.stop(child.pid)
        let ended = try supervisor.finish(withinSeconds: 5)
        #expect(ended.first?.stoppedBy == .requested)
        #expect(ended.first?.child.status == .signaled(SIGTERM))
    }

    @Test("abandoning stops every child at once and reaps them")
    func abandonStopsAndReapsAll() throws {
        let supervisor = ChildSupervisor(terminationGraceSeconds: 5)
        let children = try (0..<2).map { _ in try supervisor.start(ChildLaunch(path: "/bin/sleep", arguments: ["sleep", "30"])) }
        let start = MonotonicInstant.now()
        let ended = supervisor.abandon()
        #expect(Set(ended.map(\.child.pid)) == Set(children.map(\.pid)))
        #expect(ended.allSatisfy { $0.child.status == .signaled(SIGTERM) && $0.stoppedBy == .requested })
        #expect(supervisor.running == 0)
        #expect(MonotonicInstant.now().seconds(since: start) < 5, "sleep ends at SIGTERM; no grace is waited out")
    }

    @Test("descriptors beyond the standard three reach the child at 3, 4, …; a source in that range is moved first")
    func extraDescriptors() throws {
        let first = try PipePair(), second = try PipePair()
        defer { [first.readEnd, second.readEnd].forEach { $0.closeQuietly() } }
        let supervisor = ChildSupervisor()
        // Standard output is the second pipe, descriptor 3 the first: the child writes to both.
        _ = try supervisor.start(ChildLaunch(
            path: "/bin/sh", arguments: ["sh", "-c", "echo three >&3; echo one"],
            stdout: .descriptor(second.writeEnd), extra: [.descriptor(first.writeEnd)]))
        first.writeEnd.closeQuietly()
        second.writeEnd.closeQuietly()
        #expect(try first.readEnd.readToEnd() == Array("three\n".utf8))
        #expect(try second.readEnd.readToEnd() == Array("one\n".utf8))
        #expect(try supervisor.finish(withinSeconds: 5).first?.child.status == .exited(0))
    }

    @Test("a program that cannot be started is an error naming it; nothing is left supervised")
    func missingProgram() throws {
        let supervisor = ChildSupervisor()
        #expect(throws: SystemCallError.self) { try supervisor.start(ChildLaunch(path: "/nonexistent/program", arguments: ["x"])) }
        #expect(supervisor.running == 0)
        do {
            _ = try supervisor.start(ChildLaunch(path: "/nonexistent/program", arguments: ["x"]))
        } catch let error as SystemCallError {
            #expect(error.errno == .noSuchFileOrDirectory)
            #expect(error.description.contains("posix_spawn /nonexistent/program"))
        }
    }

    @Test("children still running when the supervisor goes are killed and reaped")
    func releaseKills() throws {
        var pid: pid_t = 0
        do {
            let supervisor = ChildSupervisor()
            pid = try supervisor.start(ChildLaunch(path: "/bin/sleep", arguments: ["sleep", "30"])).pid
            #expect(isRunning(pid))
        }
        #expect(!isRunning(pid))
        // Reaped, not a zombie: the pid is gone or belongs to someone else now.
        #expect(!(ProcFS.readText("/proc/\(pid)/stat") ?? "").contains(" Z "))
    }

    @Test("a child is told tvp's pid, so that it can die with tvp")
    func parentPID() throws {
        let output = try PipePair()
        defer { output.readEnd.closeQuietly() }
        let supervisor = ChildSupervisor()
        _ = try supervisor.start(ChildLaunch(path: "/bin/sh", arguments: ["sh", "-c", "echo $\(ParentDeath.environmentKey)"],
                                             stdout: .descriptor(output.writeEnd)))
        output.writeEnd.closeQuietly()
        #expect(String(decoding: try output.readEnd.readToEnd(), as: UTF8.self) == "\(getpid())\n")
        _ = try supervisor.finish(withinSeconds: 5)
    }

    @Test("a supervisor's environment additions reach its children, beside tvp's pid; a variable tvp's environment sets keeps its value")
    func environmentAdditions() throws {
        // HOME is set in any test run; the addition must not replace it.
        let home = try #require(getenv("HOME").map { String(cString: $0) })
        let output = try PipePair()
        defer { output.readEnd.closeQuietly() }
        let supervisor = ChildSupervisor(environmentAdditions: ["TVP_TEST_ADDITION": "a=b c", "HOME": "/elsewhere"])
        _ = try supervisor.start(ChildLaunch(path: "/bin/sh", arguments: ["sh", "-c", "echo \"$TVP_TEST_ADDITION|$HOME|$\(ParentDeath.environmentKey)\""],
                                             stdout: .descriptor(output.writeEnd)))
        output.writeEnd.closeQuietly()
        #expect(String(decoding: try output.readEnd.readToEnd(), as: UTF8.self) == "a=b c|\(home)|\(getpid())\n")
        _ = try supervisor.finish(withinSeconds: 5)
    }
}

extension String {
    func trimmingSpace() -> String { String(drop { $0 == " " || $0 == "\n" }.reversed().drop { $0 == " " || $0 == "\n" }.reversed()) }
}
