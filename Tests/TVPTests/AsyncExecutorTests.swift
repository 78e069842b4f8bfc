import Foundation
import Testing
import TVPSystem
import TVPWorkloads
@testable import TVPMeasure
@testable import TVPPlan
@testable import TVPResults

/// Runs `body` on a new OS thread and awaits its result. Executors block their caller, and the
/// `async` one needs the cooperative pool that Swift Testing runs tests on: blocking a pool thread
/// there could starve it. Time measured inside `body` excludes the wait for the test to resume.
func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        do {
            try OSThread { continuation.resume(returning: body()) }.detach()
        } catch {
            continuation.resume(throwing: error)
        }
    }
}

@Suite("Async executor and the new modes' digests")
struct AsyncExecutorTests {
    /// A fixture of `tasks * files` files of `size` bytes in a fresh directory, removed by `cleanup`.
    static func ioRequest(sleepNanoseconds: UInt64, files: Int, size: Int, tasks: Int, workers: Int,
                          taskTimeoutSeconds: Double = 300) throws -> (ExecutionRequest, cleanup: () -> Void) {
        let directory = try Files.makePrivateDirectory(in: Files.temporaryDirectory, prefix: "tvp-test-")
        let io = IOWorkload(sleepNanoseconds: sleepNanoseconds, filesPerTask: files, fileSize: size, cache: .warm)
        let fixture = try IOFixture.create(for: io, tasks: tasks, in: directory)
        let request = ExecutionRequest(workload: .io(io), input: .files(fixture), tasks: tasks, workers: workers,
                                       taskTimeoutSeconds: taskTimeoutSeconds)
        return (request, { Files.removeTree(directory) })
    }

    @Test("1,000 concurrent sleeping tasks run on a few OS threads, in far less than 1,000 sleeps")
    func thousandSleepers() async throws {
        let (request, cleanup) = try Self.ioRequest(sleepNanoseconds: 100_000_000, files: 1, size: 64, tasks: 1_000, workers: 1_000)
        defer { cleanup() }
        let (result, wall) = try await onOwnThread {
            let start = MonotonicInstant.now()
            let result = AsyncExecutor().run(request)
            return (result, MonotonicInstant.now().seconds(since: start))
        }
        #expect(result.errorSummary == nil)
        // A fifth of the 100 s the sleeps take one after another.
        #expect(wall < 20, "\(wall) s")
        #expect(result.outcomes.allSatisfy { $0.durationNanoseconds >= 100_000_000 }, "every task slept its 100 ms")
        // The threads that ran its tasks, not the process's thread count: other suites running in
        // parallel start pools of their own. The cooperative pool has a thread per core; a thread per
        // task would be 1,000.
        let taskThreads = Set(result.outcomes.map(\.threadID)).count
        #expect(taskThreads < max(16, 4 * ProcessInfo.processInfo.activeProcessorCount), "\(taskThreads) threads ran tasks")
        #expect(result.osThreadsMax >= taskThreads, "the samples saw every thread that ran a task")
    }

    @Test("at most `workers` tasks are in flight: 12 sleeps of 50 ms on 4 take 3 rounds")
    func boundedByWorkers() async throws {
        let (request, cleanup) = try Self.ioRequest(sleepNanoseconds: 50_000_000, files: 1, size: 64, tasks: 12, workers: 4)
        defer { cleanup() }
        let start = MonotonicInstant.now()
        let result = try await onOwnThread { AsyncExecutor().run(request) }
        #expect(result.errorSummary == nil)
        #expect(MonotonicInstant.now().seconds(since: start) >= 0.15)
    }

    @Test("sleeping tasks past the task timeout are cancelled: the trial fails without being abandoned")
    func timeoutCancels() async throws {
        let (request, cleanup) = try Self.ioRequest(sleepNanoseconds: 3_000_000_000, files: 1, size: 64, tasks: 4, workers: 2,
                                                    taskTimeoutSeconds: 0.2)
        defer { cleanup() }
        let (result, wall) = try await onOwnThread {
            let start = MonotonicInstant.now()
            let result = AsyncExecutor().run(request)
            return (result, MonotonicInstant.now().seconds(since: start))
        }
        // Less than one task's 3 s sleep: the sleeps were cancelled, not waited out.
        #expect(wall < 3)
        #expect(result.abandoned == nil)
        #expect(result.combinedDigest == nil)
        #expect(result.errorSummary?.contains("cancelled") == true)
    }

    static let workloads: [(String, Workload)] = [
        ("cpu", .cpu(CPUWorkload(bytesPerTask: 300_000))),
        ("io", .io(IOWorkload(sleepNanoseconds: 2_000_000, filesPerTask: 2, fileSize: 150_000, cache: .warm))),
        ("null", .null),
    ]

    @Test("gil, gil-release and async give the digests of serial, threads and processes", arguments: ["cpu", "io", "null"])
    func digestsAgree(workload name: String) async throws {
        let workload = Self.workloads.first { $0.0 == name }!.1
        let directory = try Files.makePrivateDirectory(in: Files.temporaryDirectory, prefix: "tvp-test-")
        defer { Files.removeTree(directory) }
        var fixture: IOFixture?
        if let io = workload.as(IOWorkload.self) { fixture = try IOFixture.create(for: io, tasks: 7, in: directory) }
        let request = ExecutionRequest(workload: workload, input: fixture.map(TaskInput.files) ?? .none, tasks: 7, workers: 3)
        let serial = SerialExecutor().run(request)
        #expect(serial.errorSummary == nil)
        for mode in Mode.allCases where mode != .serial {
            let result = try await onOwnThread { mode.executor(workerPath: builtWorkerPath).run(request) }
            #expect(result.errorSummary == nil, "\(mode)")
            #expect(result.outcomes.map(\.digest) == serial.outcomes.map(\.digest), "\(mode)")
            #expect(result.combinedDigest == serial.combinedDigest, "\(mode)")
        }
    }

    @Test("pools count their own threads; trial records always have a thread count, GIL figures only under gil")
    func osThreadsAndGILColumns() throws {
        // A pool samples once all its threads are started: they are all in the count.
        let pool = ThreadPoolExecutor().run(ExecutionRequest(workload: .cpu(CPUWorkload(bytesPerTask: 4 << 20)), tasks: 6, workers: 6))
        #expect(pool.osThreadsMax >= 6 + 1)
        let measurer = TrialMeasurer(workerPath: builtWorkerPath, taskTimeoutSeconds: 60, switchIntervalNanoseconds: 1_000_000)
        func record(_ mode: Mode) -> TrialSample {
            let trial = PlannedTrial(cell: Cell(workload: .cpu(CPUWorkload(bytesPerTask: 1 << 20)), mode: mode, workers: 2, tasks: 8),
                                     round: 1, position: 1, isWarmup: false, repetition: 1)
            return measurer.measure(trial, input: .none, expectedDigest: nil)
        }
        let serial = record(.serial), gil = record(.gil)
        #expect(serial.osThreadsMax >= 1)
        #expect(serial.gilSwitches == nil && serial.gilWaitMaxMicroseconds == nil)
        #expect(gil.ok)
        #expect(gil.osThreadsMax >= 3)
        #expect(gil.gilSwitches != nil && gil.gilWaitMaxMicroseconds != nil)
        let fields = Dictionary(uniqueKeysWithValues: zip(TrialsCSV.header, TrialsCSV.fields(gil, scenario: "test")))
        #expect(fields["gil_switches"] == String(Int(gil.gilSwitches!)))
        #expect(Double(fields["os_threads_max"] ?? "") == gil.osThreadsMax)
        #expect(Dictionary(uniqueKeysWithValues: zip(TrialsCSV.header, TrialsCSV.fields(serial, scenario: "test")))["gil_wait_max_us"] == "")
    }
}
