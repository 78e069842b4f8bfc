import SystemPackage
import TVPSystem
import TVPWorkloads
import TVPMeasure
import TVPServe

/// The download servers of a run: one `tvp serve` process per server configuration (files, size,
/// latency), started through the run's `ChildSupervisor` before the first trial that needs it,
/// stopped after the last one, and on every way out of the run (the supervisor kills what is left;
/// a server also dies with tvp, `ParentDeath`). Its CPU time and peak memory are read from `/proc`
/// around each trial, apart from the mode's; a server that died during a trial fails that trial
/// and is started again for the next.
final class DownloadServers {
    /// A server that is running.
    struct Running {
        /// Its pid.
        let pid: Int32
        /// Its port on 127.0.0.1.
        let port: UInt16
    }

    /// What is read of a server just before a trial.
    struct Snapshot {
        let configuration: DownloadServerConfiguration
        let server: Running
        let cpuSeconds: Double
        let listenDrops: Int?
    }

    /// Seconds a server may take to build its files and listen.
    static let startSeconds = 30.0

    private let executable: String
    private let supervisor = ChildSupervisor(terminationGraceSeconds: 2)
    private var running: [DownloadServerConfiguration: Running] = [:]

    /// Servers started from `executable` (tvp itself: `tvp serve`).
    init(executable: String) { self.executable = executable }

    deinit { stopAll() }

    /// The running server for `configuration`, started now if there is none.
    func server(for configuration: DownloadServerConfiguration) throws -> Running {
        if let server = running[configuration], supervisor.supervises(server.pid) { return server }
        let server = try start(configuration)
        running[configuration] = server
        return server
    }

    /// Resets the server's peak memory and reads its CPU time, just before a trial's clock starts.
    func snapshot(for configuration: DownloadServerConfiguration) throws -> Snapshot {
        let server = try server(for: configuration)
        ProcFS.resetPeakResidentMemory(ofProcess: server.pid)
        return Snapshot(configuration: configuration, server: server,
                        cpuSeconds: ProcFS.cpuSeconds(ofProcess: server.pid) ?? 0, listenDrops: ProcFS.listenDrops())
    }

    /// Adds the server's share to `trial` after it ran: CPU time, peak memory, dropped
    /// connections, and a failure when the server died during the trial.
    func complete(_ record: inout TrialSample, since before: Snapshot) {
        let pid = before.server.pid
        let cpu = ProcFS.cpuSeconds(ofProcess: pid)
        let peak = ProcFS.peakResidentKiB(ofProcess: pid)
        record.serverCPUSeconds = cpu.map { max(0, $0 - before.cpuSeconds) }
        record.serverMaxRSSKiB = peak.map(Double.init)
        if let drops = ProcFS.listenDrops(), let earlier = before.listenDrops { record.listenDrops = Double(drops - earlier) }
        let ended = (try? supervisor.wait(for: [], timeoutSeconds: 0).ended) ?? []
        for child in ended where child.child.pid == pid {
            running[before.configuration] = nil
            let death = "the download server tvp serve (pid \(pid)) ended during the trial (\(child.child.status)); it is started again for the next trial"
            record.ok = false
            record.error = record.error.map { death + "; " + $0 } ?? death
        }
    }

    /// Stops the server of `configuration`, if it runs, and reaps it.
    func stop(_ configuration: DownloadServerConfiguration) {
        guard let server = running.removeValue(forKey: configuration) else { return }
        stopAndReap(server.pid)
    }

    /// SIGTERM (SIGKILL after the grace), then waits until the supervisor has reaped `pid`.
    private func stopAndReap(_ pid: Int32, immediately: Bool = false) {
        try? supervisor.stop(pid, immediately: immediately)
        let limit = MonotonicInstant.now().nanoseconds + UInt64((supervisor.terminationGraceSeconds + 10) * 1e9)
        while supervisor.supervises(pid) && MonotonicInstant.now().nanoseconds < limit {
            _ = try? supervisor.wait(for: [], timeoutSeconds: 0.1)
        }
    }

    /// Stops every server and reaps them.
    func stopAll() {
        running.removeAll()
        try? supervisor.stopAll()
        _ = try? supervisor.finish(withinSeconds: 0)
    }

    /// Starts `tvp serve` on a free port and waits for its line saying where it listens.
    private func start(_ configuration: DownloadServerConfiguration) throws -> Running {
        let pipe = try PipePair()
        let arguments = [executable, "serve", "--realtime", "--port", "0", "--files", String(configuration.files),
                         "--file-size", String(configuration.fileSize),
                         "--latency-ms", String(Double(configuration.latencyNanoseconds) / 1e6)]
        let child: StartedChild
        do {
            child = try supervisor.start(ChildLaunch(path: executable, arguments: arguments, stdout: .descriptor(pipe.writeEnd)))
        } catch {
            pipe.readEnd.closeQuietly()
            pipe.writeEnd.closeQuietly()
            throw DownloadServerError(message: "cannot start the download server \(executable): \(error)")
        }
        pipe.writeEnd.closeQuietly()
        defer { pipe.readEnd.closeQuietly() }
        var output: [UInt8] = []
        let deadline = MonotonicInstant.now().nanoseconds + UInt64(Self.startSeconds * 1e9)
        while !output.contains(UInt8(ascii: "\n")) {
            let now = MonotonicInstant.now().nanoseconds
            let events = try supervisor.wait(for: [PollInterest(pipe.readEnd, read: true, write: false)],
                                             timeoutSeconds: now < deadline ? Double(deadline - now) / 1e9 : 0)
            if let ended = events.ended.first(where: { $0.child.pid == child.pid }) {
                throw DownloadServerError(message: "the download server (\(arguments.joined(separator: " "))) ended before it listened (\(ended.child.status)); its message is above")
            }
            if events.interrupted, let signal = InterruptSignal.received {
                stopAndReap(child.pid, immediately: true)
                throw DownloadServerError(message: "tvp received \(signalName(signal)) while the download server was starting")
            }
            if !events.ready.isEmpty {
                let chunk = try pipe.readEnd.readAvailable()
                if chunk.isEmpty { break }
                output += chunk
            }
            if MonotonicInstant.now().nanoseconds >= deadline { break }
        }
        let line = String(decoding: output, as: UTF8.self)
        guard let port = DownloadServer.port(inReadyLine: line), let port16 = UInt16(exactly: port) else {
            stopAndReap(child.pid, immediately: true)
            throw DownloadServerError(message: "the download server (\(arguments.joined(separator: " "))) did not say where it listens within \(Int(Self.startSeconds)) s (it printed '\(line.prefix(120))')")
        }
        return Running(pid: child.pid, port: port16)
    }
}
