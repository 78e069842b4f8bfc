import Glibc
import Testing
@testable import TVPSystem

@Suite("System calls")
struct SystemCallTests {
    @Test("posix_spawn of /bin/sh reports its exit status through wait4")
    func spawnExitStatus() throws {
        let pipe = try PipePair()
        let pid = try ProcessSpawner.spawn(path: "/bin/sh", arguments: ["sh", "-c", "echo hello; exit 3"], stdout: pipe.writeEnd)
        pipe.writeEnd.closeQuietly()
        defer { pipe.readEnd.closeQuietly() }
        #expect(try pipe.readEnd.readToEnd() == Array("hello\n".utf8))
        let child = try waitForChild(pid)
        #expect(child.status == .exited(3))
        #expect(child.pid == pid)
    }

    @Test("a child killed by a signal is reported as such")
    func spawnSignal() throws {
        let pipe = try PipePair()
        let pid = try ProcessSpawner.spawn(path: "/bin/sh", arguments: ["sh", "-c", "kill -SEGV $$"], stdout: pipe.writeEnd)
        pipe.writeEnd.closeQuietly()
        pipe.readEnd.closeQuietly()
        let child = try waitForChild(pid)
        #expect(child.status == .signaled(11))
        #expect(child.status.description == "killed by signal 11 (SIGSEGV)")
    }

    @Test("a child spawned for a generic program gets 0, 1 and 2 only, whatever tvp has open")
    func childDescriptors() throws {
        let extra = try PipePair()
        defer { extra.readEnd.closeQuietly(); extra.writeEnd.closeQuietly() }
        // One without close-on-exec too, as Foundation's Pipe() makes them.
        var inheritable: [Int32] = [0, 0]
        #expect(pipe(&inheritable) == 0)
        defer { inheritable.forEach { _ = close($0) } }
        let output = try PipePair()
        defer { output.readEnd.closeQuietly() }
        // Listed from outside: a shell listing its own would see the descriptor its glob opens.
        let pid = try ProcessSpawner.spawn(path: "/bin/sleep", arguments: ["sleep", "30"], stdout: output.writeEnd)
        output.writeEnd.closeQuietly()
        // Listed once sleep sleeps: while ld.so loads its libraries it briefly holds descriptor 3.
        let deadline = MonotonicInstant.now().nanoseconds + 10_000_000_000
        while MonotonicInstant.now().nanoseconds < deadline {
            let call = (try? Files.readAll("/proc/\(pid)/syscall")).map { String(decoding: $0, as: UTF8.self) } ?? ""
            if call.hasPrefix("230 ") || call.hasPrefix("35 ") { break }  // clock_nanosleep, nanosleep (x86_64)
            sleepThread(nanoseconds: 1_000_000)
        }
        let listing = Files.directoryEntries("/proc/\(pid)/fd").compactMap { Int32($0) }.sorted()
        try sendSignal(SIGKILL, to: pid)
        _ = try waitForChild(pid)
        #expect(listing == [0, 1, 2])
    }

    @Test("spawning a missing program fails with ENOENT from posix_spawn itself")
    func spawnMissing() throws {
        let pipe = try PipePair()
        defer { pipe.readEnd.closeQuietly(); pipe.writeEnd.closeQuietly() }
        do {
            _ = try ProcessSpawner.spawn(path: "/nonexistent/program", arguments: ["x"], stdout: pipe.writeEnd)
            Issue.record("spawn must fail")
        } catch let error as SystemCallError {
            #expect(error.errno == .noSuchFileOrDirectory)
            #expect(error.description.contains("/nonexistent/program"))
        }
    }

    @Test("pipes can be enlarged to 1 MiB")
    func pipeCapacity() throws {
        let pipe = try PipePair()
        defer { pipe.readEnd.closeQuietly(); pipe.writeEnd.closeQuietly() }
        #expect(try pipe.setCapacity(1 << 20) >= 1 << 20)
    }

    @Test("the monotonic clock advances across a sleep")
    func clockAndSleep() {
        let start = MonotonicInstant.now()
        sleepThread(nanoseconds: 5_000_000)
        let elapsed = MonotonicInstant.now().seconds(since: start)
        #expect(elapsed >= 0.005 && elapsed < 5)
    }

    @Test("machine facts are read from /proc")
    func machineFacts() {
        #expect(SystemFacts.logicalCPUs() >= 1)
        #expect(ProcFS.usableCPUs() >= 1 && ProcFS.usableCPUs() <= SystemFacts.logicalCPUs())
        #expect(ProcFS.cpuModel() != "unknown")
        #expect(ProcFS.residentKiB() > 0)
        #expect(ProcFS.loadAverages().count == 3)
        #expect(SystemFacts.kernel().hasPrefix("Linux "))
    }

    @Test("the peak-memory reset lets a trial see its own peak, not the process lifetime's")
    func peakMemoryReset() {
        var big = [UInt8](repeating: 1, count: 64 << 20)
        big[big.count - 1] = 2
        let lifetimePeak = ProcFS.peakResidentKiB()
        #expect(lifetimePeak >= 64 << 10)
        big = []
        #expect(ProcFS.resetPeakResidentMemory())
        #expect(ProcFS.peakResidentKiB() < lifetimePeak)
    }

    @Test("reads are counted in /proc/self/io")
    func ioCounters() throws {
        let before = ProcFS.ioCounters()
        _ = try Files.readAll("/proc/self/status")
        #expect(ProcFS.ioCounters().readChars > before.readChars)
    }
}
