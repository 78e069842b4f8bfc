import SystemPackage
import TVPSystem
import TVPWorkloads

/// Runs tasks on `workers` `tvp-worker` processes spawned once per trial and kept alive, like
/// Python's `multiprocessing.Pool` or a pre-fork server: tasks and results travel as frames over
/// pipes enlarged to 1 MiB (`F_SETPIPE_SZ`), one task in flight per worker. A `shared` slice shipped
/// by pipe travels inside its task frame, written from tvp's memory as the pipe takes it.
///
/// Each worker's start-up (spawn to its ready frame) is measured apart from the tasks and reported
/// with the first task it runs (the `startup_*` columns). A worker that dies or is stopped for the
/// task timeout fails its task and is replaced while tasks remain; one that never became ready is
/// not (its replacement would fail the same way), and the trial goes on with the others.
public struct ProcessPoolExecutor: Executor {
    /// The `tvp-worker` executable.
    public let workerPath: String

    /// Creates an executor spawning `workerPath`.
    public init(workerPath: String) { self.workerPath = workerPath }

    /// Pipe capacity asked for with `F_SETPIPE_SZ`.
    static let pipeCapacity = 1 << 20

    private struct PoolWorker {
        var process: WorkerProcess
        var decoder = FrameDecoder()
        var ready = false
        /// Spawn to ready frame, reported with the first task this worker runs.
        var startupToReport: UInt64?
        var currentTask: Int?
        /// The current task's frame while it is still being written.
        var shipment: Shipment?
        /// Why tvp stopped the worker itself (a malformed frame, an unreadable pipe).
        var problem: String?
    }

    /// One trial's pool: its workers under one supervisor, and what they have done.
    private struct Pool {
        let supervisor = ChildSupervisor(terminationGraceSeconds: ProcessExecutor.terminationGraceSeconds)
        var workers: [Int32: PoolWorker] = [:]
        /// Spawn order, which is the order idle workers are given tasks.
        var order: [Int32] = []
    }

    public func run(_ request: ExecutionRequest) -> ExecutionResult {
        var outcomes = [TaskOutcome](repeating: .notRun, count: request.tasks)
        var result = ExecutionResult(outcomes: [])
        let threadCount = ThreadCountSampler()
        var pool = Pool()
        let arguments = ["tvp-worker", "serve", TaskSpec.encode(request.workload), TaskSpec.encode(request.input)]
        InterruptSignal.ignoreBrokenPipes()
        // One buffer for every read of results: a fresh one per read would cost more than the read.
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        let poolStart = MonotonicInstant.now()
        var nextTask = 0
        do {
            for number in 1..<(request.workers + 1) {
                do {
                    try startWorker(&pool, arguments: arguments, timeout: request.taskTimeoutSeconds)
                    result.processesSpawned += 1
                } catch {
                    for index in outcomes.indices {
                        outcomes[index] = .failure("could not start worker \(number) of the pool of \(request.workers): \(error)")
                    }
                    nextTask = request.tasks
                    break
                }
            }
            var stopping = nextTask == request.tasks
            var lastReplacementFailure: String?
            if stopping { try pool.supervisor.stopAll() }
            while !pool.workers.isEmpty {
                if !stopping, let signal = InterruptSignal.received {
                    stopping = true
                    while nextTask < request.tasks {
                        outcomes[nextTask] = .failure("not run: tvp received \(signalName(signal))")
                        nextTask += 1
                    }
                    try pool.supervisor.stopAll()
                }
                // Tasks start once every worker of the first pool is ready: the pool's start-up is a
                // phase of its own, and every worker gets work (a fast first worker would otherwise
                // drain a queue of tiny tasks).
                if result.poolStartupNanoseconds == nil && pool.workers.values.allSatisfy(\.ready) {
                    result.poolStartupNanoseconds = MonotonicInstant.now().nanoseconds &- poolStart.nanoseconds
                }
                if !stopping && result.poolStartupNanoseconds != nil {
                    for pid in pool.order where nextTask < request.tasks {
                        guard var worker = pool.workers[pid], worker.ready, worker.currentTask == nil, worker.problem == nil else { continue }
                        let slice = request.pipedSlice(task: nextTask)
                        pool.supervisor.setDeadline(MonotonicInstant(nanoseconds: MonotonicInstant.now().nanoseconds + UInt64(request.taskTimeoutSeconds * 1e9)), for: pid)
                        worker.shipment = Shipment(prefix: Frame.taskPrefix(nextTask, trailing: slice?.range.count ?? 0), slice: slice)
                        worker.currentTask = nextTask
                        nextTask += 1
                        send(&worker)
                        pool.workers[pid] = worker
                    }
                }
                threadCount.sampleIfDue()
                // Every task handed out and answered: the pool is done.
                if nextTask == request.tasks && !stopping && pool.workers.values.allSatisfy({ $0.currentTask == nil }) { break }

                // Every live worker's results, and the task pipes of those whose frame is still going out.
                var interests: [PollInterest] = [], owners: [(pid: Int32, sending: Bool)] = []
                for pid in pool.order {
                    guard let worker = pool.workers[pid] else { continue }
                    if let output = worker.process.output {
                        interests.append(PollInterest(output, read: true, write: false))
                        owners.append((pid, false))
                    }
                    if let input = worker.process.input, worker.shipment != nil {
                        interests.append(PollInterest(input, read: false, write: true))
                        owners.append((pid, true))
                    }
                }
                let events = try pool.supervisor.wait(for: interests, timeoutSeconds: 1)
                for index in events.ready {
                    let (pid, sending) = owners[index]
                    guard var worker = pool.workers[pid] else { continue }
                    if sending {
                        send(&worker)
                    } else {
                        do {
                            let count = try worker.process.read(into: &buffer)
                            try take(buffer[0..<count], into: &worker, outcomes: &outcomes, supervisor: pool.supervisor)
                        } catch let error as SystemCallError {
                            try stop(&worker, problem: "its results could not be read: \(error)", supervisor: pool.supervisor)
                        }
                    }
                    pool.workers[pid] = worker
                }
                for ended in events.ended {
                    guard var worker = pool.workers.removeValue(forKey: ended.child.pid) else { continue }
                    pool.order.removeAll { $0 == ended.child.pid }
                    result.childUsage = result.childUsage.adding(ended.child.usage)
                    // Frames written before the worker ended still count (a result, then a crash).
                    do {
                        let rest = try worker.process.drain(using: &buffer)
                        try take(rest[...], into: &worker, outcomes: &outcomes, supervisor: pool.supervisor)
                    } catch {
                        worker.problem = worker.problem ?? "its results could not be read: \(error)"
                    }
                    let wasRunning = worker.currentTask != nil
                    if let task = worker.currentTask {
                        outcomes[task] = outcome(of: worker, ended: ended, timeout: request.taskTimeoutSeconds)
                    }
                    // A worker lost to its task is replaced while tasks remain; one that never became
                    // ready is not (its replacement would fail the same way).
                    if !stopping && worker.ready && wasRunning && nextTask < request.tasks {
                        do {
                            try startWorker(&pool, arguments: arguments, timeout: request.taskTimeoutSeconds)
                            result.processesSpawned += 1
                        } catch {
                            lastReplacementFailure = "\(error)"
                        }
                    }
                }
            }
            // Tasks never handed out: the loop ended because no worker was left.
            let reason = lastReplacementFailure.map { "; a replacement could not start: \($0)" } ?? ""
            for index in nextTask..<request.tasks {
                outcomes[index] = .failure("not run: every worker of the pool died\(reason)")
            }
            // Each worker exits when its task pipe closes.
            for pid in pool.order { pool.workers[pid]?.process.closeInput() }
            for ended in try pool.supervisor.finish(withinSeconds: ProcessExecutor.terminationGraceSeconds) {
                result.childUsage = result.childUsage.adding(ended.child.usage)
                pool.workers[ended.child.pid]?.process.closeOutput()
            }
        } catch {
            // The supervisor itself failed (poll, wait4, kill): stop what it still can, fail the
            // tasks in flight and those not run, and end the run.
            let message = "process supervision failed: \(error)"
            for (_, var worker) in pool.workers {
                if let task = worker.currentTask { outcomes[task] = .failure(message, processID: worker.process.pid) }
                worker.process.closeInput()
                worker.process.closeOutput()
            }
            for index in nextTask..<request.tasks { outcomes[index] = .failure("not run: \(message)") }
            try? pool.supervisor.stopAll()
            for ended in (try? pool.supervisor.finish(withinSeconds: 0)) ?? [] {
                result.childUsage = result.childUsage.adding(ended.child.usage)
            }
            result.abandoned = message
        }
        result.outcomes = outcomes
        result.osThreadsMax = threadCount.observedMaximum
        result.bytesTransferred = request.bytesShipped
        return result
    }

    /// Starts one worker; until its ready frame it is stopped after the task timeout.
    private func startWorker(_ pool: inout Pool, arguments: [String], timeout: Double) throws {
        let process = try WorkerProcess.start(workerPath, arguments: arguments, supervisor: pool.supervisor,
                                              inputCapacity: Self.pipeCapacity, outputCapacity: Self.pipeCapacity,
                                              stopAfterSeconds: timeout)
        pool.workers[process.pid] = PoolWorker(process: process)
        pool.order.append(process.pid)
    }

    /// Writes what the worker's task pipe takes of its current frame now. A worker whose pipe
    /// fails (`EPIPE`) has gone: its end is reported by the supervisor.
    private func send(_ worker: inout PoolWorker) {
        guard worker.shipment != nil, let input = worker.process.input else { return }
        do {
            if try worker.shipment!.send(to: input) { worker.shipment = nil }
        } catch {
            worker.shipment = nil
            worker.process.closeInput()
        }
    }

    /// Decodes the frames in `bytes`; a frame that breaks the protocol stops the worker.
    private func take(_ bytes: ArraySlice<UInt8>, into worker: inout PoolWorker, outcomes: inout [TaskOutcome],
                      supervisor: ChildSupervisor) throws {
        guard worker.problem == nil, !bytes.isEmpty else { return }
        worker.decoder.append(bytes)
        do {
            while let frame = try worker.decoder.next() { handle(frame, from: &worker, outcomes: &outcomes, supervisor: supervisor) }
        } catch {
            try stop(&worker, problem: "it sent a malformed frame: \(error)", supervisor: supervisor)
        }
    }

    private func stop(_ worker: inout PoolWorker, problem: String, supervisor: ChildSupervisor) throws {
        worker.problem = worker.problem ?? problem
        worker.process.closeOutput()
        try supervisor.stop(worker.process.pid, immediately: true)
    }

    private func handle(_ frame: Frame, from worker: inout PoolWorker, outcomes: inout [TaskOutcome], supervisor: ChildSupervisor) {
        switch frame.kind {
        case .ready:
            worker.ready = true
            worker.startupToReport = MonotonicInstant.now().nanoseconds &- worker.process.spawnedAt.nanoseconds
            supervisor.setDeadline(nil, for: worker.process.pid)
        case .result:
            guard let task = worker.currentTask, let fields = frame.resultFields else { return }
            outcomes[task] = .success(fields.digest, duration: fields.endNanoseconds &- fields.startNanoseconds,
                                      startup: worker.startupToReport, transfer: fields.transferNanoseconds,
                                      processID: worker.process.pid, threadID: 0)
            worker.startupToReport = nil
            worker.currentTask = nil
            supervisor.setDeadline(nil, for: worker.process.pid)
        case .failure:
            guard let task = worker.currentTask else { return }
            outcomes[task] = .failure("worker \(worker.process.pid): \(String(decoding: frame.payload, as: UTF8.self))",
                                      processID: worker.process.pid)
            worker.currentTask = nil
            supervisor.setDeadline(nil, for: worker.process.pid)
        case .task:
            break
        }
    }

    private func outcome(of worker: PoolWorker, ended: EndedChild, timeout: Double) -> TaskOutcome {
        let pid = worker.process.pid, status = ended.child.status
        if let problem = worker.problem {
            return .failure("worker \(pid) was stopped: \(problem) (\(status))", processID: pid)
        }
        switch ended.stoppedBy {
        case .deadline:
            return .failure("worker \(pid) exceeded the task timeout of \(timeout) s and was stopped (\(status))", processID: pid)
        case .requested:
            let signal = InterruptSignal.received.map(signalName) ?? "a stop request"
            return .failure("worker \(pid) stopped because tvp received \(signal) (\(status))", processID: pid)
        case nil:
            return .failure("worker \(pid) died (\(status)) while running the task", processID: pid)
        }
    }
}
