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

    /// Variables the workers get on top of tvp's environment (`WorkerEnvironment`).
    public let workerEnvironment: [String: String]

    /// Creates an executor spawning `workerPath`, with `workerEnvironment` added to tvp's environment.
    public init(workerPath: String, workerEnvironment: [String: String] = [:]) {
        self.workerPath = workerPath
        self.workerEnvironment = workerEnvironment
    }

    /// Pipe capacity asked for with `F_SETPIPE_SZ`.
    static let pipeCapacity = 1 << 20

    /// How often a wait in `read` for one worker's result is interrupted to judge deadlines, reap
    /// and look for SIGINT: the lateness of a task timeout at most.
    static let tickSeconds = 0.1

    /// One worker of the pool and what tvp knows of it. A class: the per-task loop reads and
    /// changes it where it lies, where a struct in the slots would be copied whole (every reference
    /// it holds retained and released) by each read through an optional.
    final class PoolWorker {
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
        /// Whether the supervisor holds a deadline for its current task.
        var hasDeadline = false

        init(process: WorkerProcess) { self.process = process }

        /// Its task is over: it has no task, and no deadline if the supervisor held one.
        func endTask(supervisor: ChildSupervisor) {
            currentTask = nil
            if hasDeadline {
                supervisor.setDeadline(nil, for: process.pid)
                hasDeadline = false
            }
        }

        /// Whether it can be given a task now.
        var takesTask: Bool { ready && currentTask == nil && problem == nil }

        /// Adds its result pipe, and its task pipe while a frame is still going out, to `interests`.
        func watch(as slot: Int, into interests: inout [PollInterest], owners: inout [(owner: Int, isInput: Bool)]) {
            process.watch(sending: shipment != nil, as: slot, into: &interests, owners: &owners)
        }
    }

    /// One trial's pool: its workers under one supervisor, each in a slot of its own (changed in
    /// place: a worker's decoder and frame are never copied in the per-task loop).
    struct Pool {
        /// The owner of the workers' processes.
        let supervisor: ChildSupervisor
        /// Workers by slot, in the order idle ones are given tasks; nil where one has ended.
        var slots: [PoolWorker?] = []
        /// Each live worker's slot, by pid.
        var slotOf: [Int32: Int] = [:]

        /// Whether no worker is left.
        var isEmpty: Bool { slotOf.isEmpty }

        /// The live workers' slots.
        var live: [Int] { slots.indices.filter { slots[$0] != nil } }

        /// The one worker running a task, when exactly one is (nil otherwise).
        var soleBusy: PoolWorker? {
            var found: PoolWorker?
            for case let worker? in slots where worker.currentTask != nil {
                if found != nil { return nil }
                found = worker
            }
            return found
        }

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
        var pool = Pool(supervisor: ChildSupervisor(terminationGraceSeconds: ProcessExecutor.terminationGraceSeconds,
                                                    environmentAdditions: workerEnvironment))
        let arguments = ["tvp-worker", "serve", TaskSpec.encode(request.workload), TaskSpec.encode(request.input)]
        InterruptSignal.ignoreBrokenPipes()
        // One buffer for every read of results: a fresh one per read would cost more than the read.
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        var interests: [PollInterest] = [], owners: [(owner: Int, isInput: Bool)] = []
        var events = SupervisorEvents()
        // Without a tick (no timer left), every wait goes through the supervisor's `poll`.
        var tick = try? ThreadTick(intervalSeconds: Self.tickSeconds)
        let poolStart = MonotonicInstant.now()
        let timeout = UInt64(request.taskTimeoutSeconds * 1e9)
        let handsOver = request.input.handsOverDescriptors
        let piped = request.pipedInput
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
                        guard let worker = pool.slots[slot], worker.takesTask else { continue }
                        worker.shipment = Shipment(task: nextTask, slice: piped?.slice(task: nextTask))
                        worker.currentTask = nextTask
                        if handsOver { try handOver(task: nextTask, of: request.input, to: worker, supervisor: pool.supervisor) }
                        nextTask += 1
                        busy += 1
                        try send(worker, supervisor: pool.supervisor)
                    }
                }
                // Every task handed out and answered: the pool is done.
                if nextTask == request.tasks && !stopping && busy == 0 { break }

                // One task in flight, its frame sent: wait for its result in `read`, as a C program
                // would, rather than `poll` then `read` (a `poll` per task made a round trip across
                // CPUs 14-23 % dearer, docs/overhead.md). The tick ends that wait at least every
                // `tickSeconds`; after a tick, and at the worker's end of file, this pass goes on to
                // the supervisor's wait, which judges deadlines, reaps and sees SIGINT.
                if tick != nil && !stopping && busy == 1, let worker = pool.soleBusy, worker.shipment == nil {
                    do {
                        if let count = try worker.process.readWaiting(into: &buffer), count > 0 {
                            busy -= try take(buffer[0..<count], into: worker, outcomes: &outcomes, supervisor: pool.supervisor)
                            continue
                        }
                    } catch let error as SystemCallError {
                        try stop(worker, problem: "its results could not be read: \(error)", supervisor: pool.supervisor)
                    }
                }

                threadCount.sampleIfDue()
                // A task's timeout runs from the first pass through here after it was handed out:
                // at once when several are in flight, within a tick when one is waited for in
                // `read`, so a task that ends before the next tick costs the supervisor nothing.
                let now = MonotonicInstant.now().nanoseconds
                for case let worker? in pool.slots where worker.currentTask != nil && !worker.hasDeadline {
                    pool.supervisor.setDeadline(MonotonicInstant(nanoseconds: now + timeout), for: worker.process.pid)
                    worker.hasDeadline = true
                }
                // Every live worker's results, and the task pipes of those whose frame is still going out.
                interests.removeAll(keepingCapacity: true)
                owners.removeAll(keepingCapacity: true)
                for slot in pool.slots.indices {
                    pool.slots[slot]?.watch(as: slot, into: &interests, owners: &owners)
                }
                try pool.supervisor.wait(for: interests, timeoutSeconds: 1, into: &events)
                for index in events.ready {
                    let (slot, sending) = owners[index]
                    guard let worker = pool.slots[slot] else { continue }
                    if sending {
                        try send(worker, supervisor: pool.supervisor)
                        continue
                    }
                    do {
                        let count = try worker.process.read(into: &buffer)
                        busy -= try take(buffer[0..<count], into: worker, outcomes: &outcomes, supervisor: pool.supervisor)
                    } catch let error as SystemCallError {
                        try stop(worker, problem: "its results could not be read: \(error)", supervisor: pool.supervisor)
                    }
                }
                for ended in events.ended {
                    guard let worker = pool.remove(ended.child.pid) else { continue }
                    result.childUsage = result.childUsage.adding(ended.child.usage)
                    // Frames written before the worker ended still count (a result, then a crash).
                    do {
                        let rest = try worker.process.drain(using: &buffer)
                        busy -= try take(rest[...], into: worker, outcomes: &outcomes, supervisor: pool.supervisor)
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
            tick = nil
            // Tasks never handed out: the loop ended because no worker was left.
            let reason = lastReplacementFailure.map { "; a replacement could not start: \($0)" } ?? ""
            for index in nextTask..<request.tasks {
                outcomes[index] = .failure("not run: every worker of the pool died\(reason)")
            }
            // Each worker exits when its task pipe closes.
            for slot in pool.live { pool.slots[slot]!.process.closeInput() }
            for ended in try pool.supervisor.finish(withinSeconds: ProcessExecutor.terminationGraceSeconds) {
                result.childUsage = result.childUsage.adding(ended.child.usage)
                if let worker = pool.remove(ended.child.pid) { worker.process.closeOutput() }
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
