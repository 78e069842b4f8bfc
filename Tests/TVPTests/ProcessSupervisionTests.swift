import Foundation
import Testing
import TVPSystem
import TVPWorkloads
@testable import TVPMeasure
@testable import TVPPlan
@testable import TVPRun

/// Children of this process whose command line contains `marker`.
func childProcesses(containing marker: String) -> [Int32] {
    let me = currentProcessID()
    return Files.directoryEntries("/proc").compactMap { Int32($0) }.filter { pid in
        guard let stat = ProcFS.readText("/proc/\(pid)/stat"), let close = stat.lastIndex(of: ")") else { return false }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 2, fields[0] != "Z", Int32(fields[1]) == me,
              let cmdline = try? Files.readAll("/proc/\(pid)/cmdline") else { return false }
        return String(decoding: cmdline, as: UTF8.self).contains(marker)
    }
}

/// Runs `body` on a thread of its own from now on (not on the cooperative pool, which may be busy
/// with the very test that waits for it); `value` waits for its result.
final class Running<T: Sendable>: @unchecked Sendable {
    // Written by the thread before it ends, read after `join`.
    private var result: T?
    private var thread: OSThread?

    init(_ body: @escaping @Sendable () -> T) throws {
        thread = try OSThread { [unowned self] in self.result = body() }
    }

    /// The result, once the thread has ended.
    var value: T {
        thread?.join()
        return result!
    }
}

/// Waits up to 30 s for `condition`, checking every 10 ms; whether it came true.
func eventually(_ condition: () -> Bool) -> Bool {
    let deadline = MonotonicInstant.now().nanoseconds + 30_000_000_000
    while MonotonicInstant.now().nanoseconds < deadline {
        if condition() { return true }
        sleepThread(nanoseconds: 10_000_000)
    }
    return false
}

@Suite("Process modes under supervision")
struct ProcessSupervisionTests {
    /// An `io` workload whose tasks sleep `milliseconds`, its fixture in a fresh folder (the
    /// folder's name appears in every worker's argv: it tells this test's workers apart).
    func sleepingIO(milliseconds: UInt64, tasks: Int) throws -> (workload: Workload, input: TaskInput, directory: String) {
        let directory = try Files.makePrivateDirectory(in: Files.temporaryDirectory, prefix: "tvp-test-")
        let io = IOWorkload(sleepNanoseconds: milliseconds * 1_000_000, filesPerTask: 1, fileSize: 64, cache: .warm)
        return (.io(io), .files(try IOFixture.create(for: io, tasks: tasks, in: directory)), directory)
    }

    @Test("a worker's /proc/<pid>/fd holds only 0, 1 and 2, even with inheritable descriptors open in tvp",
          arguments: [Mode.processes, .processPool])
    func workerDescriptors(mode: Mode) throws {
        let (workload, input, directory) = try sleepingIO(milliseconds: 1500, tasks: 1)
        defer { Files.removeTree(directory) }
        // Foundation's pipes are inheritable: before the supervisor, workers got copies of them.
        let inheritable = Pipe()
        defer { try? inheritable.fileHandleForReading.close(); try? inheritable.fileHandleForWriting.close() }
        let request = ExecutionRequest(workload: workload, input: input, tasks: 1, workers: 1)
        let running = try Running { mode.executor(workerPath: builtWorkerPath).run(request) }
        var workers: [Int32] = []
        #expect(eventually { workers = childProcesses(containing: directory); return !workers.isEmpty })
        let worker = try #require(workers.first)
        let descriptors = Files.directoryEntries("/proc/\(worker)/fd").compactMap { Int32($0) }.sorted()
        #expect(descriptors == [0, 1, 2], "worker \(worker) holds \(descriptors)")
        let stdin = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(worker)/fd/0")) ?? ""
        let stdout = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(worker)/fd/1")) ?? ""
        #expect(stdout.hasPrefix("pipe:"))
        #expect(mode == .processPool ? stdin.hasPrefix("pipe:") : stdin == "/dev/null", "stdin \(stdin)")
        let result = running.value
        #expect(result.errorSummary == nil)
    }

    @Test("a pool replaces a worker it killed for the task timeout: the later tasks run on the new one")
    func poolReplacesKilledWorker() throws {
        let (workload, input, directory) = try sleepingIO(milliseconds: 400, tasks: 4)
        defer { Files.removeTree(directory) }
        let request = ExecutionRequest(workload: workload, input: input, tasks: 4, workers: 1, taskTimeoutSeconds: 2)
        let running = try Running { ProcessPoolExecutor(workerPath: builtWorkerPath).run(request) }
        // Freeze the first worker while it sleeps in its first task: it can only be killed (SIGKILL).
        var frozen: Int32?
        #expect(eventually {
            frozen = childProcesses(containing: directory).first {
                (ProcFS.readText("/proc/\($0)/wchan") ?? "").contains("nanosleep")
            }
            return frozen != nil
        })
        if let frozen { kill(frozen, SIGSTOP) }
        let result = running.value
        let failed = result.outcomes.filter { $0.error != nil }
        #expect(failed.count == 1)
        #expect(failed.first?.error?.contains("exceeded the task timeout of 2.0 s") == true, "\(failed.map { $0.error ?? "" })")
        #expect(failed.first?.processID == frozen)
        #expect(result.processesSpawned == 2)
        let survivors = Set(result.outcomes.filter { $0.error == nil }.map(\.processID))
        #expect(survivors.count == 1 && !survivors.contains(frozen ?? 0), "tasks after the kill ran on the replacement")
        #expect(result.outcomes.filter { $0.error == nil }.count == 3)
        if let frozen { #expect(!isAlive(frozen)) }
    }

    @Test("a worker told a parent that is not its own ends at once, before any task")
    func orphanedWorkerEnds() throws {
        let output = try PipePair()
        defer { output.readEnd.closeQuietly() }
        let supervisor = ChildSupervisor()
        // As if the tvp that spawned it had died between the spawn and the worker's first instruction.
        let environment = ChildEnvironment.current(setting: [ParentDeath.environmentKey: "1"])
        _ = try supervisor.start(ChildLaunch(path: builtWorkerPath, arguments: ["tvp-worker", "task", "null", "-", "0"],
                                             stdout: .descriptor(output.writeEnd), environment: environment))
        output.writeEnd.closeQuietly()
        #expect(try output.readEnd.readToEnd().isEmpty)
        #expect(try supervisor.finish(withinSeconds: 10).first?.child.status == .exited(137))
    }

    @Test("a pool worker that dies in the middle of a result frame fails its task; the trial ends")
    func deathMidFrame() throws {
        let workers = try ScriptWorkers()
        defer { workers.remove() }
        // A ready frame, then half of a result frame's header, then exit 0.
        let path = try workers.script("half", "printf '\\002\\001\\014\\000\\000\\000AAAABBBBBBBB'\nhead -c 1 > /dev/null\nprintf '\\002\\002\\200'\nexit 0")
        let result = ProcessPoolExecutor(workerPath: path).run(ExecutionRequest(workload: .null, tasks: 2, workers: 1, taskTimeoutSeconds: 10))
        #expect(result.outcomes.allSatisfy { $0.error?.contains("died (exit status 0) while running the task") == true },
                "\(result.outcomes.map { $0.error ?? "ok" })")
    }

    @Test("reference digests equal what every mode computes, without sleeping", arguments: [
        Workload.io(IOWorkload(sleepNanoseconds: 2_000_000_000, filesPerTask: 2, fileSize: 5000, cache: .warm)),
        .mixed(MixedWorkload(taskNanoseconds: 2_000_000_000, cpuShare: 0.001, hashBytes: 70_000)),
    ])
    func referencesDoNotSleep(workload: Workload) async throws {
        let directory = try Files.makePrivateDirectory(in: Files.temporaryDirectory, prefix: "tvp-test-")
        defer { Files.removeTree(directory) }
        var input = TaskInput.none
        if let io = workload.as(IOWorkload.self) { input = .files(try IOFixture.create(for: io, tasks: 3, in: directory)) }
        let cell = Cell(workload: workload, mode: .threads, workers: 3, tasks: 3)
        let start = MonotonicInstant.now()
        let reference = try ReferenceDigests.compute(cell, input: input)
        // Three tasks of 2 s sleeps: a reference that slept would take 6 s, one that did not, less than one sleep.
        #expect(MonotonicInstant.now().seconds(since: start) < 2)
        let request = ExecutionRequest(workload: workload, input: input, tasks: 3, workers: 3)
        for mode in [Mode.threads, .processes, .processPool] {
            let digest = try await onOwnThread { mode.executor(workerPath: builtWorkerPath).run(request) }.combinedDigest
            #expect(digest == reference, "\(mode)")
        }
    }
}

/// Whether `pid` exists and is not a zombie.
func isAlive(_ pid: Int32) -> Bool {
    guard let stat = ProcFS.readText("/proc/\(pid)/stat"), let close = stat.lastIndex(of: ")") else { return false }
    return stat[stat.index(after: close)...].split(separator: " ").first != "Z"
}
