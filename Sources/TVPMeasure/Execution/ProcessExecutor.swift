import SystemPackage
import TVPSystem
import TVPWorkloads

/// Runs each task in its own `posix_spawn`ed `tvp-worker` process, at most `workers` alive at once.
///
/// The task goes to the worker in argv (and a `shared` slice shipped by pipe into its stdin); the
/// worker writes one report line to a pipe. A `ChildSupervisor` watches the workers' pipes and
/// their ends in one wait, feeding slices as the pipes take them, reaps each worker as it ends (so
/// its CPU time and peak memory are counted), and stops one that overruns the task timeout.
public struct ProcessExecutor: Executor {
    /// The `tvp-worker` executable.
    public let workerPath: String

    /// Variables the workers get on top of tvp's environment (`WorkerEnvironment`).
    public let workerEnvironment: [String: String]

    /// Creates an executor spawning `workerPath`, with `workerEnvironment` added to tvp's environment.
    public init(workerPath: String, workerEnvironment: [String: String] = [:]) {
        self.workerPath = workerPath
        self.workerEnvironment = workerEnvironment
    }

    /// Seconds between SIGTERM and SIGKILL for a worker that overran its timeout.
    static let terminationGraceSeconds = 1.0
    /// Most bytes a worker's report may have; a worker writing more is stopped.
    static let reportLimit = 64 * 1024

    private struct LiveWorker {
        var process: WorkerProcess
        let task: Int
        var shipment: Shipment?
        var received: [UInt8] = []
        /// Why tvp stopped the worker itself (its output could not be read or was too long).
        var problem: String?
    }

    public func run(_ request: ExecutionRequest) -> ExecutionResult {
        var outcomes = [TaskOutcome](repeating: .notRun, count: request.tasks)
        var result = ExecutionResult(outcomes: [])
        let supervisor = ChildSupervisor(terminationGraceSeconds: Self.terminationGraceSeconds, environmentAdditions: workerEnvironment)
        var live: [Int32: LiveWorker] = [:]
        var nextTask = 0
        var stopping = false
        let arguments = ["tvp-worker", "task", TaskSpec.encode(request.workload), TaskSpec.encode(request.input)]
        InterruptSignal.ignoreBrokenPipes()
        let threadCount = ThreadCountSampler()
        var buffer = [UInt8](repeating: 0, count: 4096)
        var interests: [PollInterest] = [], owners: [(owner: Int32, isInput: Bool)] = []

        do {
            while nextTask < request.tasks || !live.isEmpty {
                if !stopping, let signal = InterruptSignal.received {
                    // Stop: no new workers, and the live ones are told to end (then killed after the grace).
                    stopping = true
                    while nextTask < request.tasks {
                        outcomes[nextTask] = .failure("not run: tvp received \(signalName(signal))")
                        nextTask += 1
                    }
                    try supervisor.stopAll()
                }
                while !stopping && live.count < request.workers && nextTask < request.tasks {
                    let task = nextTask
                    nextTask += 1
                    let slice = request.pipedSlice(task: task)
                    // A conversation's channel ends: the worker's alone once it has started (tvp closes
                    // its copies, so a party whose peer dies reads end of file rather than wait).
                    let handed = request.input.handOff(task: task)
                    defer { handed.forEach { $0.closeQuietly() } }
                    do {
                        var worker = LiveWorker(
                            process: try WorkerProcess.start(
                                workerPath, arguments: arguments + [String(task)], supervisor: supervisor,
                                inputCapacity: slice == nil ? nil : ProcessPoolExecutor.pipeCapacity, outputCapacity: nil,
                                stopAfterSeconds: request.taskTimeoutSeconds, cpus: request.placement.spawnCPUs(forWorker: task),
                                extra: handed),
                            task: task, shipment: slice.map { Shipment(slice: $0) })
                        result.processesSpawned += 1
                        try feed(&worker, supervisor: supervisor)
                        live[worker.process.pid] = worker
                    } catch {
                        outcomes[task] = .failure(request.placement.pins ? request.placement.refusal(error) : "could not start \(workerPath): \(error)")
                        request.input.taskFailed(task)
                    }
                }
                guard !live.isEmpty else { continue }

                // Each worker's report pipe, and the stdin of those still being sent their slice.
                interests.removeAll(keepingCapacity: true)
                owners.removeAll(keepingCapacity: true)
                for (pid, worker) in live {
                    worker.process.watch(sending: worker.shipment != nil, as: pid, into: &interests, owners: &owners)
                }
                let events = try supervisor.wait(for: interests, timeoutSeconds: 1)
                for index in events.ready {
                    let (pid, feeding) = owners[index]
                    guard var worker = live[pid] else { continue }
                    if feeding { try feed(&worker, supervisor: supervisor) } else { try receive(&worker, buffer: &buffer, supervisor: supervisor) }
                    live[pid] = worker
                }
                for ended in events.ended {
                    guard var worker = live.removeValue(forKey: ended.child.pid) else { continue }
                    do {
                        worker.received += try worker.process.drain(using: &buffer)
                    } catch {
                        worker.problem = worker.problem ?? "its report could not be read: \(error)"
                    }
                    result.childUsage = result.childUsage.adding(ended.child.usage)
                    outcomes[worker.task] = outcome(of: worker, ended: ended, timeout: request.taskTimeoutSeconds)
                    // A conversation's other parties must not wait for a worker that is gone.
                    if outcomes[worker.task].digest == nil { request.input.taskFailed(worker.task) }
                }
                threadCount.sampleIfDue()
            }
        } catch {
            // The supervisor itself failed: end the trial and the run.
            result.abandon(after: error, supervisor: supervisor, workers: live.values.map { ($0.task, $0.process) },
                           notRun: nextTask..<request.tasks, outcomes: &outcomes)
        }
        result.outcomes = outcomes
        result.osThreadsMax = threadCount.observedMaximum
        result.bytesTransferred = request.bytesShipped
        return result
    }

    /// Reads what the worker's report pipe holds; a read error or an oversized report stops the worker.
    private func receive(_ worker: inout LiveWorker, buffer: inout [UInt8], supervisor: ChildSupervisor) throws {
        do {
            let count = try worker.process.read(into: &buffer)
            worker.received += buffer[0..<count]
            if worker.received.count > Self.reportLimit {
                worker.problem = "it wrote more than \(Self.reportLimit) bytes, which is no report"
                worker.process.closeOutput()
                try supervisor.stop(worker.process.pid, immediately: true)
            }
        } catch let error as SystemCallError {
            worker.problem = "its report could not be read: \(error)"
            worker.process.closeOutput()
            try supervisor.stop(worker.process.pid, immediately: true)
        }
    }

    /// Writes what the worker's stdin takes of its slice now; closes it once the slice is sent, or
    /// when the worker has gone (`EPIPE`: it then fails its task for want of input). Any other
    /// write error stops the worker, with the error as its task's.
    private func feed(_ worker: inout LiveWorker, supervisor: ChildSupervisor) throws {
        guard let input = worker.process.input else { return }
        do {
            guard try worker.shipment?.send(to: input) ?? true else { return }
        } catch let error as SystemCallError where error.errno != .brokenPipe {
            worker.problem = "its slice could not be sent: \(error)"
            try supervisor.stop(worker.process.pid, immediately: true)
        } catch {
            // EPIPE: the worker has gone; how it ended tells why.
        }
        worker.process.closeInput()
        worker.shipment = nil
    }

    private func outcome(of worker: LiveWorker, ended: EndedChild, timeout: Double) -> TaskOutcome {
        let pid = worker.process.pid, status = ended.child.status
        let elapsed = MonotonicInstant.now().nanoseconds &- worker.process.spawnedAt.nanoseconds
        if let problem = worker.problem {
            return .failure("worker \(pid) was stopped: \(problem) (\(status))", duration: elapsed, processID: pid)
        }
        if let message = worker.process.stopMessage(ended, timeout: timeout) {
            return .failure(message, duration: elapsed, processID: pid)
        }
        switch WorkerReport.parse(worker.received) {
        case .report(let report) where status.isSuccess:
            return .success(
                report.digest, duration: report.taskEndNanoseconds &- report.taskStartNanoseconds,
                spawn: report.processStartNanoseconds &- worker.process.spawnedAt.nanoseconds,
                transfer: report.transferNanoseconds, processID: report.pid, threadID: 0, output: report.output)
        case .report:
            return .failure("worker \(pid) reported a result but ended with \(status)", duration: elapsed, processID: pid)
        case .failure(let message):
            return .failure("worker \(pid) failed (\(status)): \(message)", duration: elapsed, processID: pid)
        case .malformed(let problem):
            return .failure("worker \(pid) ended with \(status) and \(problem)", duration: elapsed, processID: pid)
        }
    }
}
