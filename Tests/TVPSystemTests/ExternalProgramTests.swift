import Glibc
import Synchronization
import Testing
@testable import TVPSystem

@Suite("External programs", .serialized)
struct ExternalProgramTests {
    @Test("standard output, standard error and the exit status come back apart")
    func capture() throws {
        let program = ExternalProgram(path: "/bin/sh", arguments: ["-c", "printf out; printf err >&2; exit 3"])
        let result = try program.run()
        #expect(result.status == .exited(3))
        #expect(result.outputText == "out")
        #expect(result.errorText == "err")
    }

    @Test("two full pipes at once do not block the program; each stream is cut at the limit")
    func largeOutput() throws {
        // 2 MiB on each stream, more than a pipe holds: read one at a time, the program would stall.
        let script = "head -c 2097152 /dev/zero; head -c 2097152 /dev/zero >&2; echo tail"
        let result = try ExternalProgram(path: "/bin/sh", arguments: ["-c", script]).run(limit: 1000)
        #expect(result.status.isSuccess)
        #expect(result.standardOutput.count == 1000 && result.standardError.count == 1000)
    }

    @Test("a program that cannot be started is an error naming it")
    func missing() {
        #expect(throws: ExternalProgramError.self) {
            try ExternalProgram(path: "/nonexistent/gnuplot", arguments: []).run()
        }
        #expect(ExternalProgram.find("sh", searchPath: "/nonexistent:/bin") == "/bin/sh")
        #expect(ExternalProgram.find("sh", searchPath: "/nonexistent") == nil)
    }

    @Test("a stop request ends a long program within a second: SIGTERM, reaped, .interrupted thrown")
    func stop() throws {
        let started = MonotonicInstant.now()
        let pidFile = Files.temporaryDirectory + "/tvp-external-\(currentProcessID())"
        defer { _ = unlink(pidFile) }
        let program = ExternalProgram(path: "/bin/sh", arguments: ["-c", "echo $$ > \(pidFile); exec sleep 30"])
        #expect(throws: ExternalProgramError.interrupted(path: "/bin/sh", signal: SIGINT)) {
            try program.run { MonotonicInstant.now().seconds(since: started) > 0.3 ? SIGINT : nil }
        }
        #expect(MonotonicInstant.now().seconds(since: started) < 5)
        let pid = try #require(Int32(String(decoding: try Files.readAll(pidFile), as: UTF8.self).filter(\.isNumber)))
        #expect(!processExists(pid), "the program is still running")
    }

    @Test("signals without SA_RESTART arriving every few milliseconds interrupt no read, poll or wait")
    func interruptedCalls() throws {
        // A handler that does nothing, installed without SA_RESTART like tvp's own: each signal
        // makes the blocking call in progress fail with EINTR.
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in }
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0
        sigaction(SIGUSR2, &action, nil)
        let target = pthread_self()
        let done = StopFlag()
        let sender = try OSThread {
            while !done.value.load(ordering: .relaxed) {
                pthread_kill(target, SIGUSR2)
                sleepThread(nanoseconds: 3_000_000)
            }
        }
        let result = try ExternalProgram(path: "/bin/sh", arguments: ["-c", "sleep 0.3; echo done"]).run()
        done.value.store(true, ordering: .relaxed)
        sender.join()
        #expect(result.status.isSuccess)
        #expect(result.outputText == "done\n")
    }
}

/// A flag one thread sets and another polls.
private final class StopFlag: Sendable {
    let value = Atomic<Bool>(false)
}
