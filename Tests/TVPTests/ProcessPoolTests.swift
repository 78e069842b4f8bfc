import Testing
import TVPSystem
import TVPWorkloads
@testable import TVPMeasure

@Suite("Process pool")
struct ProcessPoolTests {
    @Test("a pool of 2 reuses its processes: 40 tasks, exactly 2 spawned and 2 distinct worker pids")
    func reusesProcesses() {
        let result = ProcessPoolExecutor(workerPath: builtWorkerPath).run(ExecutionRequest(workload: .null, tasks: 40, workers: 2))
        #expect(result.errorSummary == nil)
        #expect(result.processesSpawned == 2)
        #expect(Set(result.outcomes.map(\.processID)).count == 2)
        #expect(!result.outcomes.map(\.processID).contains(currentProcessID()))
        // Each worker's start-up is reported once, with its first task.
        #expect(result.outcomes.compactMap(\.spawnNanoseconds).count == 2)
    }

    @Test("an outcome made a success in place is the one .success builds, whatever the slot held before")
    func successInPlace() {
        let digest = TaskDigest(bytes: Array(1...32))
        for spawn in [nil, UInt64(777)] {
            let built = TaskOutcome.success(digest, duration: 1_234, spawn: spawn, transfer: 56, processID: 4242, threadID: 7)
            for before in [TaskOutcome.notRun, .failure("boom", duration: 9, processID: 1),
                           .success(TaskDigest(bytes: Array(repeating: 9, count: 32)), duration: 5, spawn: 3, processID: 2, threadID: 3, output: [1, 2])] {
                var slot = before
                slot.succeed(digest, duration: 1_234, spawn: spawn, transfer: 56, processID: 4242, threadID: 7)
                #expect(slot.digest == built.digest && slot.error == nil && slot.output == nil)
                #expect(slot.durationNanoseconds == built.durationNanoseconds && slot.spawnNanoseconds == built.spawnNanoseconds)
                #expect(slot.transferNanoseconds == 56 && slot.processID == 4242 && slot.threadID == 7)
            }
        }
    }

    @Test("pool digests agree with serial", arguments: [Workload.null, .cpu(CPUWorkload(bytesPerTask: 100_000))])
    func digests(workload: Workload) {
        let request = ExecutionRequest(workload: workload, tasks: 9, workers: 3)
        let serial = SerialExecutor().run(request).combinedDigest
        #expect(serial != nil)
        #expect(ProcessPoolExecutor(workerPath: builtWorkerPath).run(request).combinedDigest == serial)
    }

    @Test("a worker that dies on its task fails it and is replaced: every task is tried, the trial does not hang")
    func deadWorkers() throws {
        // Starts as a real worker would (ready frame), then dies on its first task.
        let workers = try ScriptWorkers()
        defer { workers.remove() }
        let path = try workers.script("dies", "printf '\\002\\001\\014\\000\\000\\000AAAABBBBBBBB'\nhead -c 1 > /dev/null\nkill -KILL $$")
        let start = MonotonicInstant.now()
        let result = ProcessPoolExecutor(workerPath: path).run(ExecutionRequest(workload: .null, tasks: 6, workers: 2, taskTimeoutSeconds: 10))
        #expect(MonotonicInstant.now().seconds(since: start) < 5)
        #expect(result.combinedDigest == nil)
        #expect(result.outcomes.allSatisfy { $0.error?.contains("died (killed by signal 9 (SIGKILL)) while running the task") == true },
                "\(result.outcomes.map { $0.error ?? "ok" })")
        // Two workers, then one replacement per task lost while tasks remained: tasks 2–5 each
        // needed a new worker, and the deaths of tasks 0–4 are the only ones that can start one.
        #expect((6...7).contains(result.processesSpawned), "\(result.processesSpawned) spawned")
    }

    @Test("a worker that never becomes ready is killed at the timeout; the trial ends")
    func neverReady() throws {
        let workers = try ScriptWorkers()
        defer { workers.remove() }
        let path = try workers.script("mute", "exec sleep 30")
        let start = MonotonicInstant.now()
        let result = ProcessPoolExecutor(workerPath: path).run(ExecutionRequest(workload: .null, tasks: 3, workers: 1, taskTimeoutSeconds: 0.3))
        #expect(MonotonicInstant.now().seconds(since: start) < 5)
        #expect(result.combinedDigest == nil)
    }
}
