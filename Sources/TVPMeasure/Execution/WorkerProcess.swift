import SystemPackage
import TVPSystem

/// A `tvp-worker` process a process mode started under its `ChildSupervisor`, and tvp's ends of
/// the worker's pipes. Descriptors are closed on every path: a pipe made before a failing spawn is
/// closed before the error leaves (an `EMFILE` halfway through costs no descriptor).
struct WorkerProcess {
    /// The worker's pid.
    let pid: Int32
    /// Just before `posix_spawn` was called.
    let spawnedAt: MonotonicInstant
    /// tvp's (non-blocking) end of the worker's standard input, when that is a pipe.
    private(set) var input: FileDescriptor?
    /// tvp's end of the worker's standard output, until it reached end of file.
    private(set) var output: FileDescriptor?
    /// tvp's end of the Unix socket over which a `process-pool` worker is handed each task's
    /// channel ends (its descriptor 3), when it has one.
    private(set) var handOff: FileDescriptor?

    /// Starts `path` with `arguments` under `supervisor`: its standard output is a pipe (of
    /// `outputCapacity` bytes when given); with `inputCapacity` its standard input is one too,
    /// else `/dev/null`. Stopped after `stopAfterSeconds` unless the caller moves the deadline.
    /// With `cpus`, the worker runs only on those CPUs from before its exec (`ChildLaunch.cpus`).
    /// `extra` descriptors become the worker's 3… (a conversation's channel ends); with
    /// `handsOver`, its 3 is instead one end of a `SOCK_SEQPACKET` socket pair whose other end tvp
    /// keeps (`handOff`), to hand it descriptors later.
    static func start(_ path: String, arguments: [String], supervisor: ChildSupervisor, inputCapacity: Int?,
                      outputCapacity: Int?, stopAfterSeconds: Double?, cpus: [Int]? = nil,
                      extra: [FileDescriptor] = [], handsOver: Bool = false) throws -> WorkerProcess {
        let output = try PipePair()
        var input: PipePair?
        var handOff: SocketPair?
        defer { output.writeEnd.closeQuietly(); input?.readEnd.closeQuietly(); handOff?.second.closeQuietly() }
        do {
            // A larger pipe is an optimisation: past the user's pipe-buffer quota the kernel refuses it
            // (`EPERM`) and the default 64 KiB pipe still works.
            if let outputCapacity { _ = try? output.setCapacity(outputCapacity) }
            if let inputCapacity {
                input = try PipePair()
                _ = try? input!.setCapacity(inputCapacity)
                try input!.writeEnd.setNonBlocking()
            }
            if handsOver { handOff = try SocketPair(keepsMessages: true) }
            let extra = handOff.map { [$0.second] } ?? extra
            let started = try supervisor.start(
                ChildLaunch(path: path, arguments: arguments, stdin: input.map { .descriptor($0.readEnd) } ?? .nullDevice,
                            stdout: .descriptor(output.writeEnd), extra: extra.map(ChildDescriptor.descriptor), cpus: cpus),
                stopAfterSeconds: stopAfterSeconds)
            return WorkerProcess(pid: started.pid, spawnedAt: started.spawnedAt, input: input?.writeEnd, output: output.readEnd,
                                 handOff: handOff?.first)
        } catch {
            output.readEnd.closeQuietly()
            input?.writeEnd.closeQuietly()
            handOff?.first.closeQuietly()
            throw error
        }
    }

    /// Adds what to watch of this worker to `interests`: its output while it is open, and its input
    /// while `sending`; `owners` gets `owner` and whether it is the input, index for index.
    func watch<Owner>(sending: Bool, as owner: Owner, into interests: inout [PollInterest],
                      owners: inout [(owner: Owner, isInput: Bool)]) {
        if let output {
            interests.append(PollInterest(output, read: true, write: false))
            owners.append((owner, false))
        }
        if let input, sending {
            interests.append(PollInterest(input, read: false, write: true))
            owners.append((owner, true))
        }
    }

    /// Why a worker tvp stopped ended, for its task's error: past the timeout, or stopped because
    /// tvp was interrupted; nil when it ended by itself.
    func stopMessage(_ ended: EndedChild, timeout: Double) -> String? {
        switch ended.stoppedBy {
        case .deadline:
            return "worker \(pid) exceeded the task timeout of \(timeout) s and was stopped (\(ended.child.status))"
        case .requested:
            let signal = InterruptSignal.received.map(signalName) ?? "a stop request"
            return "worker \(pid) stopped because tvp received \(signal) (\(ended.child.status))"
        case nil:
            return nil
        }
    }

    /// Closes tvp's end of the worker's standard input (a pool worker exits when it closes), and of
    /// its hand-over socket.
    mutating func closeInput() {
        input?.closeQuietly()
        input = nil
        handOff?.closeQuietly()
        handOff = nil
    }

    /// Closes tvp's end of the worker's standard output.
    mutating func closeOutput() {
        output?.closeQuietly()
        output = nil
    }

    /// Waits in `read` for its results, as `read(into:)` reads them, but returns nil when a signal
    /// (a `ThreadTick`, SIGINT) ends the wait first.
    mutating func readWaiting(into buffer: inout [UInt8]) throws -> Int? {
        guard let output else { return 0 }
        guard let count = try output.readInterruptibly(into: &buffer) else { return nil }
        if count == 0 { closeOutput() }
        return count
    }

    /// Reads what the worker's output holds now into `buffer` (one `read`) and returns those bytes'
    /// count; at end of file (0) the output is closed. A read error is thrown.
    mutating func read(into buffer: inout [UInt8]) throws -> Int {
        guard let output else { return 0 }
        let count = try output.readAvailable(into: &buffer)
        if count == 0 { closeOutput() }
        return count
    }

    /// Reads everything left in the output of a worker that has ended, without blocking (a
    /// grandchild holding the pipe cannot stall tvp), and returns it; then closes both ends.
    mutating func drain(using buffer: inout [UInt8]) throws -> [UInt8] {
        defer { closeInput(); closeOutput() }
        var bytes: [UInt8] = []
        // Retried on EINTR: a `ThreadTick` must not end the drain while frames are still waiting.
        while let output, try !waitForEvents([PollInterest(output, read: true, write: false)], timeoutMilliseconds: 0,
                                             retryOnInterrupt: true).isEmpty {
            let count = try read(into: &buffer)
            if count == 0 { break }
            bytes += buffer[0..<count]
        }
        return bytes
    }
}
