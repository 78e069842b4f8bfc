import SystemPackage
import TVPSystem
import TVPWorkloads

/// Runs tasks on `workers` `tvp-worker` processes spawned once per trial and kept alive, like
/// Python's `multiprocessing.Pool` or a pre-fork server: tasks and results travel as frames over
/// pipes enlarged to 1 MiB (`F_SETPIPE_SZ`), one task in flight per worker. A `shared` slice shipped
/// by pipe travels inside its task frame, written from tvp's memory as the pipe takes it.
///
/// Each worker's spawn (posix_spawn call to its first instruction, from the start instant its ready
/// frame carries) is reported with the first task it runs (the `spawn_*` columns); the pool start
/// (every worker spawned and ready, `pool_start_s`) is a phase of its own. A worker that dies or is stopped for the
/// task timeout fails its task and is replaced while tasks remain; one that never became ready is
/// not (its replacement would fail the same way), and the trial goes on with the others.
///
/// A conversation's party (`message`) is a task like any other: over pipes or sockets, tvp hands
/// the worker that takes it the party's channel ends over a Unix socket (`SCM_RIGHTS`, the
/// worker's descriptor 3) just before its task frame, and closes its own copies, so a party whose
/// peer's worker dies reads end of file; over `shm` every worker maps the trial's rings by name.
/// A worker that dies mid-conversation leaves it (`TaskInput.taskFailed`), waking the peers.
public struct ProcessPoolExecutor: Executor {
    /// The `tvp-worker` executable.
    public let workerPath: String

    /// Creates an executor spawning `workerPath`.
    public init(workerPath: String) { self.workerPath = workerPath }

    /// Pipe capacity asked for with `F_SETPIPE_SZ`.
    static let pipeCapacity = 1 << 20

    /// One worker of the pool and what tvp knows of it.
    struct PoolWorker {
        /// The process and tvp's ends of its pipes.
        var process: WorkerProcess
        /// Its result frames, as they arrive.
        var decoder = FrameDecoder()
        /// Whether its ready frame came.
        var ready = false
        /// The posix_spawn call to the worker's first instruction (the process-start instant its
        /// ready frame carries), reported with the first task this worker runs.
        var spawnToReport: UInt64?
        /// The task it runs, if any.
        var currentTask: Int?
        /// The current task's frame while it is still being written.
        var shipment: Shipment?
        /// Why tvp stopped the worker itself (a malformed frame, an unreadable pipe).
        var problem: String?
    }

    /// One trial's pool: its workers under one supervisor, each in a slot of its own (changed in
    /// place: a worker's decoder and frame are never copied in the per-task loop).
    struct Pool {
        /// The owner of the workers' processes.
        let supervisor = ChildSupervisor(terminationGraceSeconds: ProcessExecutor.terminationGraceSeconds)
        /// Workers by slot, in the order idle ones are given tasks; nil where one has ended.
        var slots: [PoolWorker?] = []
        /// Each live worker's slot, by pid.
        var slotOf: [Int32: Int] = [:]

        /// Whether no worker is left.
        var isEmpty: Bool { slotOf.isEmpty }

        /// The live workers' slots.
        var live: [Int] { slots.indices.filter { slots[$0] != nil } }

        /// The slot the next worker added takes: the first free one.
        var freeSlot: Int { slots.firstIndex { $0 == nil } ?? slots.endIndex }

        /// Puts `worker` in the first free slot.
        mutating func add(_ worker: PoolWorker) {
            let slot = freeSlot
            if slot == slots.endIndex { slots.append(worker) } else { slots[slot] = worker }
            slotOf[worker.process.pid] = slot
        }

        /// Takes the worker `pid` out of its slot.
        mutating func remove(_ pid: Int32) -> PoolWorker? {
            guard let slot = slotOf.removeValue(forKey: pid) else { return nil }
            defer { slots[slot] = nil }
            return slots[slot]
        }
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
        var interests: [PollInterest] = [], owners: [(owner: Int, isInput: Bool)] = []
        let poolStart = MonotonicInstant.now()
        let timeout = UInt64(request.taskTimeoutSeconds * 1e9)
        let handsOver = request.input.handsOverDescriptors
        var nextTask = 0, busy = 0
        do {
            for number in 1..<(request.workers + 1) {
                do {
                    try startWorker(&pool, arguments: arguments, timeout: request.taskTimeoutSeconds, placement: request.placement, handsOver: handsOver)
                    result.processesSpawned += 1
                } catch {
                    let message = request.placement.pins ? request.placement.refusal(error)
                        : "could not start worker \(number) of the pool of \(request.workers): \(error)"
                    for index in outcomes.indices { outcomes[index] = .failure(message) }
                    nextTask = request.tasks
                    break
                }
            }
            var stopping = nextTask == request.tasks
            var lastReplacementFailure: String?
            if stopping { try pool.supervisor.stopAll() }
            while !pool.isEmpty {
                if !stopping, let signal = InterruptSignal.received {
                    stopping = true
                    while nextTask < request.tasks {
                        outcomes[nextTask] = .failure("not run: tvp received \(signalName(signal))")
                        nextTask += 1
                    }
                    try pool.supervisor.stopAll()
                }
                // Tasks start once every worker of the first pool is ready: the pool start is a
                // phase of its own, and every worker gets work (a fast first worker would otherwise
                // drain a queue of tiny tasks).
                if result.poolStartNanoseconds == nil && pool.slots.allSatisfy({ $0?.ready ?? true }) {
                    result.poolStartNanoseconds = MonotonicInstant.now().nanoseconds &- poolStart.nanoseconds
                }
                if !stopping && result.poolStartNanoseconds != nil && nextTask < request.tasks {
                    for slot in pool.slots.indices where nextTask < request.tasks {
                        guard let worker = pool.slots[slot], worker.ready, worker.currentTask == nil, worker.problem == nil else { continue }
                        let slice = request.pipedSlice(task: nextTask)
                        pool.supervisor.setDeadline(MonotonicInstant(nanoseconds: MonotonicInstant.now().nanoseconds + timeout), for: worker.process.pid)
                        pool.slots[slot]!.shipment = Shipment(prefix: Frame.taskPrefix(nextTask, trailing: slice?.range.count ?? 0), slice: slice)
                        pool.slots[slot]!.currentTask = nextTask
                        if handsOver { try handOver(task: nextTask, of: request.input, to: &pool.slots[slot]!, supervisor: pool.supervisor) }
                        nextTask += 1
                        busy += 1
                        try send(&pool.slots[slot]!, supervisor: pool.supervisor)
                    }
                }
                threadCount.sampleIfDue()
                // Every task handed out and answered: the pool is done.
                if nextTask == request.tasks && !stopping && busy == 0 { break }

                // Every live worker's results, and the task pipes of those whose frame is still going out.
                interests.removeAll(keepingCapacity: true)
                owners.removeAll(keepingCapacity: true)
                for slot in pool.slots.indices {
                    guard let worker = pool.slots[slot] else { continue }
                    worker.process.watch(sending: worker.shipment != nil, as: slot, into: &interests, owners: &owners)
                }
                let events = try pool.supervisor.wait(for: interests, timeoutSeconds: 1)
                for index in events.ready {
                    let (slot, sending) = owners[index]
                    guard pool.slots[slot] != nil else { continue }
                    if sending {
                        try send(&pool.slots[slot]!, supervisor: pool.supervisor)
                        continue
                    }
                    do {
                        let count = try pool.slots[slot]!.process.read(into: &buffer)
                        busy -= try take(buffer[0..<count], into: &pool.slots[slot]!, outcomes: &outcomes, supervisor: pool.supervisor)
                    } catch let error as SystemCallError {
                        try stop(&pool.slots[slot]!, problem: "its results could not be read: \(error)", supervisor: pool.supervisor)
                    }
                }
                for ended in events.ended {
                    guard var worker = pool.remove(ended.child.pid) else { continue }
                    result.childUsage = result.childUsage.adding(ended.child.usage)
                    // Frames written before the worker ended still count (a result, then a crash).
                    do {
                        let rest = try worker.process.drain(using: &buffer)
                        busy -= try take(rest[...], into: &worker, outcomes: &outcomes, supervisor: pool.supervisor)
                    } catch {
                        worker.problem = worker.problem ?? "its results could not be read: \(error)"
                    }
                    let wasRunning = worker.currentTask != nil
                    if let task = worker.currentTask {
                        busy -= 1
                        outcomes[task] = outcome(of: worker, ended: ended, timeout: request.taskTimeoutSeconds)
                        // A conversation's other parties must not wait for a worker that is gone.
                        request.input.taskFailed(task)
                    }
                    // A worker lost to its task is replaced while tasks remain; one that never became
                    // ready is not (its replacement would fail the same way).
                    if !stopping && worker.ready && wasRunning && nextTask < request.tasks {
                        do {
                            try startWorker(&pool, arguments: arguments, timeout: request.taskTimeoutSeconds, placement: request.placement, handsOver: handsOver)
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
            for slot in pool.live { pool.slots[slot]!.process.closeInput() }
            for ended in try pool.supervisor.finish(withinSeconds: ProcessExecutor.terminationGraceSeconds) {
                result.childUsage = result.childUsage.adding(ended.child.usage)
                if var worker = pool.remove(ended.child.pid) { worker.process.closeOutput() }
            }
        } catch {
            // The supervisor itself failed: end the trial and the run.
            result.abandon(after: error, supervisor: pool.supervisor, workers: pool.live.map { (pool.slots[$0]!.currentTask, pool.slots[$0]!.process) },
                           notRun: nextTask..<request.tasks, outcomes: &outcomes)
        }
        result.outcomes = outcomes
        result.osThreadsMax = threadCount.observedMaximum
        result.bytesTransferred = request.bytesShipped
        return result
    }

    /// Starts one worker; until its ready frame it is stopped after the task timeout. It runs on
    /// the CPU of the slot it takes (a replacement on its predecessor's). With `handsOver`, it gets
    /// a socket to be handed each task's channel ends over.
    func startWorker(_ pool: inout Pool, arguments: [String], timeout: Double, placement: Placement, handsOver: Bool = false) throws {
        let process = try WorkerProcess.start(workerPath, arguments: arguments, supervisor: pool.supervisor,
                                              inputCapacity: Self.pipeCapacity, outputCapacity: Self.pipeCapacity,
                                              stopAfterSeconds: timeout, cpus: placement.spawnCPUs(forWorker: pool.freeSlot),
                                              handsOver: handsOver)
        pool.add(PoolWorker(process: process))
    }
}
