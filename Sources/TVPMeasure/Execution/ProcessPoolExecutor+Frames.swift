import TVPSystem
import TVPWorkloads

extension ProcessPoolExecutor {
    /// Writes what the worker's task pipe takes of its current frame now. A worker whose pipe
    /// fails with `EPIPE` has gone: its end is reported by the supervisor. Any other write error
    /// stops the worker, with the error as its task's.
    func send(_ worker: PoolWorker, supervisor: ChildSupervisor) throws {
        guard worker.shipment != nil, let input = worker.process.input else { return }
        do {
            if try worker.shipment!.send(to: input) { worker.shipment = nil }
        } catch let error as SystemCallError where error.errno != .brokenPipe {
            worker.shipment = nil
            try stop(worker, problem: "its task could not be sent: \(error)", supervisor: supervisor)
        } catch {
            worker.shipment = nil
            worker.process.closeInput()
        }
    }

    /// Hands the worker the channel ends of party `task` of the trial's conversation (tvp then
    /// closes its copies, so the worker holds them alone). A worker that has gone (`EPIPE`) is
    /// reported by the supervisor; any other failure stops it, with the error as its task's, and
    /// the ends are closed, so the party's peers fail instead of waiting for it.
    func handOver(task: Int, of input: TaskInput, to worker: PoolWorker, supervisor: ChildSupervisor) throws {
        let handed = input.handOff(task: task)
        defer { handed.forEach { $0.closeQuietly() } }
        guard let socket = worker.process.handOff else { return }
        do {
            try socket.sendDescriptors(handed, tag: UInt64(task))
        } catch let error as SystemCallError where error.errno == .brokenPipe || error.errno == .connectionReset {
            worker.shipment = nil
            worker.process.closeInput()
        } catch {
            worker.shipment = nil
            try stop(worker, problem: "its task's channel ends could not be handed over: \(error)", supervisor: supervisor)
        }
    }

    /// Decodes the frames in `bytes` and returns how many tasks they finished; a frame that breaks
    /// the protocol stops the worker.
    func take(_ bytes: ArraySlice<UInt8>, into worker: PoolWorker, outcomes: inout [TaskOutcome],
              supervisor: ChildSupervisor) throws -> Int {
        guard worker.problem == nil, !bytes.isEmpty else { return 0 }
        // The per-task case: the whole result of the running task, alone in one read.
        if worker.decoder.pendingBytes == 0, let task = worker.currentTask, let fields = ReceivedFrame.soleResult(in: bytes) {
            record(fields.digest, duration: fields.endNanoseconds &- fields.startNanoseconds, transfer: fields.transferNanoseconds,
                   output: nil, of: task, from: worker, outcomes: &outcomes, supervisor: supervisor)
            return 1
        }
        worker.decoder.append(bytes)
        var finished = 0
        do {
            while let frame = try worker.decoder.nextReceived() {
                let wasRunning = worker.currentTask != nil
                handle(frame, from: worker, outcomes: &outcomes, supervisor: supervisor)
                if wasRunning && worker.currentTask == nil { finished += 1 }
            }
        } catch {
            try stop(worker, problem: "it sent a malformed frame: \(error) (a worker's standard output carries its results, so a task or its set-up must not print to stdout; print to stderr instead)", supervisor: supervisor)
        }
        return finished
    }

    /// Stops a worker tvp can no longer trust (SIGKILL to its group), recording why.
    func stop(_ worker: PoolWorker, problem: String, supervisor: ChildSupervisor) throws {
        worker.problem = worker.problem ?? problem
        worker.process.closeOutput()
        try supervisor.stop(worker.process.pid, immediately: true)
    }

    /// Applies one frame: a ready worker takes tasks from now on; a result or failure ends its task.
    func handle(_ frame: ReceivedFrame, from worker: PoolWorker, outcomes: inout [TaskOutcome], supervisor: ChildSupervisor) {
        switch frame.kind {
        case .ready:
            worker.ready = true
            // The same span as `processes` measures: spawn call to the worker's own start instant
            // (both read CLOCK_MONOTONIC), not to the frame's arrival.
            if let started = frame.readyFields?.processStartNanoseconds {
                worker.spawnToReport = started &- worker.process.spawnedAt.nanoseconds
            }
            supervisor.setDeadline(nil, for: worker.process.pid)
        case .result:
            guard let task = worker.currentTask, let fields = frame.resultFields else { return }
            record(fields.digest, duration: fields.endNanoseconds &- fields.startNanoseconds, transfer: fields.transferNanoseconds,
                   output: fields.output, of: task, from: worker, outcomes: &outcomes, supervisor: supervisor)
        case .failure:
            guard let task = worker.currentTask else { return }
            outcomes[task] = .failure("worker \(worker.process.pid): \(String(decoding: frame.payload, as: UTF8.self))",
                                      processID: worker.process.pid)
            worker.endTask(supervisor: supervisor)
        case .task:
            break
        }
    }

    /// A worker's result for its task `task`: the task's outcome, and the worker free again.
    func record(_ digest: TaskDigest, duration: UInt64, transfer: UInt64, output: [UInt8]?, of task: Int, from worker: PoolWorker,
                outcomes: inout [TaskOutcome], supervisor: ChildSupervisor) {
        if output == nil {
            outcomes[task].succeed(digest, duration: duration, spawn: worker.spawnToReport, transfer: transfer,
                                   processID: worker.process.pid, threadID: 0)
        } else {
            outcomes[task] = .success(digest, duration: duration, spawn: worker.spawnToReport, transfer: transfer,
                                      processID: worker.process.pid, threadID: 0, output: output)
        }
        worker.spawnToReport = nil
        worker.endTask(supervisor: supervisor)
    }

    /// The outcome of the task a worker was running when it ended.
    func outcome(of worker: PoolWorker, ended: EndedChild, timeout: Double) -> TaskOutcome {
        let pid = worker.process.pid, status = ended.child.status
        if let problem = worker.problem {
            return .failure("worker \(pid) was stopped: \(problem) (\(status))", processID: pid)
        }
        return .failure(worker.process.stopMessage(ended, timeout: timeout) ?? "worker \(pid) died (\(status)) while running the task",
                        processID: pid)
    }
}
