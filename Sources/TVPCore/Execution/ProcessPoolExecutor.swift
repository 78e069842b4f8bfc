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
/// (every worker spawned and ready, `pool_start_s`) is a phase of its own. A worker that dies fails
/// its task and leaves the pool; the trial goes on with the others.
public struct ProcessPoolExecutor: Executor {
    /// The `tvp-worker` executable.
    public let workerPath: String

    /// Creates an executor spawning `workerPath`.
    public init(workerPath: String) { self.workerPath = workerPath }

    /// Pipe capacity asked for with `F_SETPIPE_SZ`.
    static let pipeCapacity = 1 << 20

    private struct PoolWorker {
        let pid: Int32
        let tasks: FileDescriptor
        let results: FileDescriptor
        var decoder = FrameDecoder()
        let spawnedAt: MonotonicInstant
        var ready = false
        /// The posix_spawn call to the worker's first instruction (the process-start instant its
        /// ready frame carries), reported with the first task this worker runs.
        var spawnToReport: UInt64?
        var currentTask: Int?
        var sentAt: MonotonicInstant?
        /// The current task's frame while it is still being written.
        var shipment: Shipment?
        var alive = true
    }

    public func run(_ request: ExecutionRequest) -> ExecutionResult {
        var outcomes = [TaskOutcome](repeating: .notRun, count: request.tasks)
        var result = ExecutionResult(outcomes: [])
        let threadCount = ThreadCountSampler()
        var pool: [PoolWorker] = []
        let arguments = ["tvp-worker", "serve", TaskSpec.encode(request.workload), TaskSpec.encode(request.input)]
        InterruptSignal.ignoreBrokenPipes()
        // One buffer for every read of results: a fresh one per read would cost more than the read.
        var readBuffer = [UInt8](repeating: 0, count: 64 * 1024)
        let poolStart = MonotonicInstant.now()
        for _ in 0..<request.workers {
            do {
                pool.append(try spawn(arguments))
                result.processesSpawned += 1
            } catch {
                for index in outcomes.indices { outcomes[index] = .failure("could not start \(workerPath): \(error)") }
                shutDown(&pool, into: &result)
                result.outcomes = outcomes
                return result
            }
        }

        var nextTask = 0
        let timeout = UInt64(request.taskTimeoutSeconds * 1e9)
        let startupDeadline = MonotonicInstant.now().nanoseconds + timeout
        while pool.contains(where: { $0.alive && ($0.currentTask != nil || !$0.ready) }) || (nextTask < request.tasks && pool.contains(where: \.alive)) {
            if let signal = InterruptSignal.received {
                for index in pool.indices where pool[index].alive { sendSignal(15, to: pool[index].pid) }
                while nextTask < request.tasks {
                    outcomes[nextTask] = .failure("not run: tvp received \(signalName(signal))")
                    nextTask += 1
                }
            }
            // Tasks start once every live worker is ready: the pool start is a phase of its own,
            // and every worker gets work (a fast first worker would otherwise drain a queue of tiny tasks).
            let poolReady = pool.allSatisfy { !$0.alive || $0.ready }
            if poolReady && result.poolStartNanoseconds == nil {
                result.poolStartNanoseconds = MonotonicInstant.now().nanoseconds &- poolStart.nanoseconds
            }
            for index in pool.indices where poolReady && pool[index].alive && pool[index].currentTask == nil && nextTask < request.tasks {
                let slice = request.pipedSlice(task: nextTask)
                pool[index].sentAt = MonotonicInstant.now()
                pool[index].shipment = Shipment(prefix: Frame.taskPrefix(nextTask, trailing: slice?.range.count ?? 0), slice: slice)
                pool[index].currentTask = nextTask
                nextTask += 1
                send(&pool[index])
            }
            threadCount.sampleIfDue()
            let live = pool.indices.filter { pool[$0].alive }
            guard !live.isEmpty else { break }
            // Every live worker's results, and the task pipes of those whose frame is still going out.
            let sending = live.filter { pool[$0].shipment != nil }
            let interests = live.map { PollInterest(pool[$0].results, read: true, write: false) }
                + sending.map { PollInterest(pool[$0].tasks, read: false, write: true) }
            let ready = (try? waitForEvents(interests, timeoutMilliseconds: 100)) ?? []
            for slot in ready where slot >= live.count {
                send(&pool[sending[slot - live.count]])
            }
            for slot in ready where slot < live.count {
                let index = live[slot]
                let count = (try? pool[index].results.readAvailable(into: &readBuffer)) ?? 0
                if count == 0 {
                    pool[index].alive = false
                    continue
                }
                pool[index].decoder.append(readBuffer[0..<count])
                do {
                    while let frame = try pool[index].decoder.next() {
                        handle(frame, from: &pool[index], outcomes: &outcomes)
                    }
                } catch {
                    sendSignal(9, to: pool[index].pid)
                    pool[index].alive = false
                    if let task = pool[index].currentTask { outcomes[task] = .failure("worker \(pool[index].pid) sent a malformed frame: \(error)") }
                    pool[index].currentTask = nil
                }
            }
            // Overrunning workers are killed; their pipes then close and the death is handled below.
            let now = MonotonicInstant.now().nanoseconds
            for index in pool.indices where pool[index].alive {
                let overdue = pool[index].sentAt.map { now > $0.nanoseconds + timeout } ?? false
                if (pool[index].ready && pool[index].currentTask != nil && overdue) || (!pool[index].ready && now > startupDeadline) {
                    sendSignal(9, to: pool[index].pid)
                    if let task = pool[index].currentTask {
                        outcomes[task] = .failure("worker \(pool[index].pid) exceeded the task timeout of \(request.taskTimeoutSeconds) s and was killed")
                        pool[index].currentTask = nil
                    }
                }
            }
            // A worker whose pipe closed has died: its task fails with how it ended.
            for index in pool.indices where !pool[index].alive && pool[index].pid > 0 {
                let child = try? waitForChild(pool[index].pid)
                if let child { result.childUsage = result.childUsage.adding(child.usage) }
                if let task = pool[index].currentTask {
                    outcomes[task] = .failure("worker \(pool[index].pid) died (\(child?.status.description ?? "status unknown")) while running the task")
                }
                pool[index].tasks.closeQuietly()
                pool[index].results.closeQuietly()
                pool[index] = PoolWorker(pid: 0, tasks: pool[index].tasks, results: pool[index].results,
                                         spawnedAt: pool[index].spawnedAt, alive: false)
            }
        }
        // Tasks never handed out: the loop ended because no worker was left.
        for index in nextTask..<request.tasks {
            outcomes[index] = .failure("not run: every worker of the pool died")
        }
        shutDown(&pool, into: &result)
        result.outcomes = outcomes
        result.osThreadsMax = threadCount.observedMaximum
        result.bytesTransferred = request.bytesShipped
        return result
    }

    /// Writes what the worker's task pipe takes of its current frame now. A worker whose pipe
    /// fails (`EPIPE`) has gone: it is marked dead, and its death is handled with the others.
    private func send(_ worker: inout PoolWorker) {
        guard worker.shipment != nil else { return }
        do {
            if try worker.shipment!.send(to: worker.tasks) { worker.shipment = nil }
        } catch {
            worker.shipment = nil
            worker.alive = false
        }
    }

    private func spawn(_ arguments: [String]) throws -> PoolWorker {
        let tasks = try PipePair()
        let results = try PipePair()
        _ = try? tasks.setCapacity(Self.pipeCapacity)
        _ = try? results.setCapacity(Self.pipeCapacity)
        do {
            try tasks.writeEnd.setNonBlocking()
        } catch {
            for end in [tasks.readEnd, tasks.writeEnd, results.readEnd, results.writeEnd] { end.closeQuietly() }
            throw error
        }
        defer {
            tasks.readEnd.closeQuietly()
            results.writeEnd.closeQuietly()
        }
        let spawnedAt = MonotonicInstant.now()
        do {
            let pid = try ProcessSpawner.spawn(path: workerPath, arguments: arguments, stdin: tasks.readEnd, stdout: results.writeEnd)
            return PoolWorker(pid: pid, tasks: tasks.writeEnd, results: results.readEnd, spawnedAt: spawnedAt)
        } catch {
            tasks.writeEnd.closeQuietly()
            results.readEnd.closeQuietly()
            throw error
        }
    }

    private func handle(_ frame: Frame, from worker: inout PoolWorker, outcomes: inout [TaskOutcome]) {
        switch frame.kind {
        case .ready:
            worker.ready = true
            // The same span as `processes` measures: spawn call to the worker's own start instant
            // (both read CLOCK_MONOTONIC), not to the frame's arrival.
            if let started = frame.readyFields?.processStartNanoseconds {
                worker.spawnToReport = started &- worker.spawnedAt.nanoseconds
            }
        case .result:
            guard let task = worker.currentTask, let fields = frame.resultFields else { return }
            outcomes[task] = .success(fields.digest, duration: fields.endNanoseconds &- fields.startNanoseconds,
                                      spawn: worker.spawnToReport, transfer: fields.transferNanoseconds,
                                      processID: worker.pid, threadID: 0, output: fields.output)
            worker.spawnToReport = nil
            worker.currentTask = nil
        case .failure:
            guard let task = worker.currentTask else { return }
            outcomes[task] = .failure("worker \(worker.pid): \(String(decoding: frame.payload, as: UTF8.self))", processID: worker.pid)
            worker.currentTask = nil
        case .task:
            break
        }
    }

    /// Closes every task pipe (a worker exits when its stdin closes) and reaps every worker.
    private func shutDown(_ pool: inout [PoolWorker], into result: inout ExecutionResult) {
        for worker in pool where worker.pid > 0 { worker.tasks.closeQuietly() }
        for worker in pool where worker.pid > 0 {
            if let child = try? waitForChild(worker.pid) { result.childUsage = result.childUsage.adding(child.usage) }
            worker.results.closeQuietly()
        }
        pool.removeAll()
    }
}
