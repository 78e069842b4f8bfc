import SystemPackage
import TVPSystem
import TVPWorkloads

/// Runs each task in its own `posix_spawn`ed `tvp-worker` process, at most `workers` alive at once.
///
/// The task goes to the worker in argv (and a `shared` slice shipped by pipe into its stdin); the
/// worker writes one report line to a pipe. The parent polls the pipes of the live workers, feeding
/// slices as their pipes take them, reaps each worker with `wait4` as its pipe closes (so its CPU
/// time and peak memory are counted), and kills a worker that overruns the task timeout.
public struct ProcessExecutor: Executor {
    /// The `tvp-worker` executable.
    public let workerPath: String

    /// Creates an executor spawning `workerPath`.
    public init(workerPath: String) { self.workerPath = workerPath }

    /// Seconds between SIGTERM and SIGKILL for a worker that overran its timeout.
    static let terminationGraceSeconds = 1.0

    private struct LiveWorker {
        let pid: Int32
        let task: Int
        let output: FileDescriptor
        /// The write end of the worker's stdin while its slice is being shipped.
        var input: FileDescriptor?
        var shipment: Shipment?
        let spawnedAt: MonotonicInstant
        var received: [UInt8] = []
        var terminatedAt: MonotonicInstant?
    }

    public func run(_ request: ExecutionRequest) -> ExecutionResult {
        var outcomes = [TaskOutcome](repeating: .notRun, count: request.tasks)
        var result = ExecutionResult(outcomes: [])
        var live: [LiveWorker] = []
        var nextTask = 0
        let workloadArgument = TaskSpec.encode(request.workload)
        let inputArgument = TaskSpec.encode(request.input)
        InterruptSignal.ignoreBrokenPipes()
        let timeoutNanoseconds = UInt64(request.taskTimeoutSeconds * 1e9)
        let threadCount = ThreadCountSampler()

        while nextTask < request.tasks || !live.isEmpty {
            if let signal = InterruptSignal.received {
                // Stop: no new workers, and the live ones are told to end (then killed after the grace).
                while nextTask < request.tasks {
                    outcomes[nextTask] = .failure("not run: tvp received \(signalName(signal))")
                    nextTask += 1
                }
                for index in live.indices where live[index].terminatedAt == nil {
                    sendSignal(15, to: live[index].pid)
                    live[index].terminatedAt = MonotonicInstant.now()
                }
            }
            while live.count < request.workers && nextTask < request.tasks {
                let task = nextTask
                nextTask += 1
                do {
                    live.append(try spawnWorker(task: task, workload: workloadArgument, input: inputArgument,
                                                slice: request.pipedSlice(task: task)))
                    result.processesSpawned += 1
                } catch {
                    outcomes[task] = .failure("could not start \(workerPath): \(error)")
                }
            }
            guard !live.isEmpty else { continue }

            let now = MonotonicInstant.now()
            let nearestDeadline = live.map { deadline(of: $0, timeout: timeoutNanoseconds) }.min()!
            let waitMilliseconds = nearestDeadline > now.nanoseconds
                ? Int32(min(1_000, (nearestDeadline - now.nanoseconds) / 1_000_000 + 1)) : 0
            // Each worker's report pipe, and the stdin of those still being sent their slice.
            let feeding = live.indices.filter { live[$0].input != nil }
            let interests = live.map { PollInterest($0.output, read: true, write: false) }
                + feeding.map { PollInterest(live[$0].input!, read: false, write: true) }
            let ready = (try? waitForEvents(interests, timeoutMilliseconds: waitMilliseconds)) ?? []

            var finished: [Int] = []
            for slot in ready {
                if slot >= live.count {
                    feed(&live[feeding[slot - live.count]])
                    continue
                }
                let chunk = (try? live[slot].output.readAvailable()) ?? []
                if chunk.isEmpty { finished.append(slot) } else { live[slot].received += chunk }
            }
            enforceTimeouts(&live, timeout: timeoutNanoseconds)
            for index in finished.sorted(by: >) {
                let worker = live.remove(at: index)
                worker.output.closeQuietly()
                worker.input?.closeQuietly()
                outcomes[worker.task] = reap(worker, timeout: timeoutNanoseconds, into: &result)
                threadCount.sampleIfDue()
            }
        }
        result.outcomes = outcomes
        result.osThreadsMax = threadCount.observedMaximum
        result.bytesTransferred = request.bytesShipped
        return result
    }

    /// Spawns the worker of `task`; with a `slice`, its stdin is a 1 MiB pipe tvp writes the slice into.
    private func spawnWorker(task: Int, workload: String, input: String, slice: SharedSlice?) throws -> LiveWorker {
        let pipe = try PipePair()
        defer { pipe.writeEnd.closeQuietly() }
        var stdin: PipePair?
        defer { stdin?.readEnd.closeQuietly() }
        do {
            if slice != nil {
                stdin = try PipePair()
                _ = try? stdin!.setCapacity(ProcessPoolExecutor.pipeCapacity)
                try stdin!.writeEnd.setNonBlocking()
            }
            let spawnedAt = MonotonicInstant.now()
            let pid = try ProcessSpawner.spawn(
                path: workerPath, arguments: ["tvp-worker", "task", workload, input, String(task)],
                stdin: stdin?.readEnd, stdout: pipe.writeEnd)
            var worker = LiveWorker(pid: pid, task: task, output: pipe.readEnd, input: stdin?.writeEnd,
                                    shipment: slice.map { Shipment(prefix: [], slice: $0) }, spawnedAt: spawnedAt)
            feed(&worker)
            return worker
        } catch {
            pipe.readEnd.closeQuietly()
            stdin?.writeEnd.closeQuietly()
            throw error
        }
    }

    /// Writes what the worker's stdin takes of its slice now; closes it once the slice is sent, or
    /// when the worker has gone (it then fails its task for want of input).
    private func feed(_ worker: inout LiveWorker) {
        guard let input = worker.input else { return }
        let done = (try? worker.shipment?.send(to: input)) ?? true
        if done {
            input.closeQuietly()
            worker.input = nil
            worker.shipment = nil
        }
    }

    private func deadline(of worker: LiveWorker, timeout: UInt64) -> UInt64 {
        if let terminatedAt = worker.terminatedAt {
            return terminatedAt.nanoseconds + UInt64(Self.terminationGraceSeconds * 1e9)
        }
        return worker.spawnedAt.nanoseconds + timeout
    }

    /// Sends SIGTERM to workers past their timeout, and SIGKILL to those past the grace period too.
    private func enforceTimeouts(_ live: inout [LiveWorker], timeout: UInt64) {
        let now = MonotonicInstant.now()
        for index in live.indices where now.nanoseconds >= deadline(of: live[index], timeout: timeout) {
            if live[index].terminatedAt == nil {
                sendSignal(15, to: live[index].pid)
                live[index].terminatedAt = now
            } else {
                sendSignal(9, to: live[index].pid)
            }
        }
    }

    private func reap(_ worker: LiveWorker, timeout: UInt64, into result: inout ExecutionResult) -> TaskOutcome {
        let child: ReapedChild
        do {
            child = try waitForChild(worker.pid)
        } catch {
            return .failure("worker \(worker.pid): \(error)", processID: worker.pid)
        }
        result.childUsage = result.childUsage.adding(child.usage)
        let elapsed = MonotonicInstant.now().nanoseconds &- worker.spawnedAt.nanoseconds
        if worker.terminatedAt != nil, let signal = InterruptSignal.received {
            return .failure("worker \(worker.pid) stopped because tvp received \(signalName(signal)) (\(child.status))",
                            duration: elapsed, processID: worker.pid)
        }
        if worker.terminatedAt != nil {
            return .failure("worker \(worker.pid) exceeded the task timeout of \(Double(timeout) / 1e9) s and was killed (\(child.status))",
                            duration: elapsed, processID: worker.pid)
        }
        switch WorkerReport.parse(worker.received) {
        case .report(let report) where child.status.isSuccess:
            return .success(
                report.digest, duration: report.taskEndNanoseconds &- report.taskStartNanoseconds,
                spawn: report.processStartNanoseconds &- worker.spawnedAt.nanoseconds,
                transfer: report.transferNanoseconds, processID: report.pid, threadID: 0, output: report.output)
        case .report:
            return .failure("worker \(worker.pid) reported a result but ended with \(child.status)",
                            duration: elapsed, processID: worker.pid)
        case .failure(let message):
            return .failure("worker \(worker.pid) failed (\(child.status)): \(message)", duration: elapsed, processID: worker.pid)
        case .malformed(let problem):
            return .failure("worker \(worker.pid) ended with \(child.status) and \(problem)", duration: elapsed, processID: worker.pid)
        }
    }
}
