import Foundation
import Testing
@testable import TVPMeasure
@testable import TVPPlan
import TVPSystem
@testable import TVPWorkloads

/// A channel of a test build: it loses or reorders one message of its sender on purpose. A lost
/// message k shows as message k+1 arriving in its place; a reordered pair k, k+1 as k+1 first.
/// (Ping-pong has one message in flight, so the fault is played on the bytes the link carries.)
final class FaultyLink: MessageLink, @unchecked Sendable {
    // Sendable: only the sending party's thread calls `send`.
    enum Fault { case lose(Int), reorder(Int) }
    let inner: any MessageLink
    let fault: Fault
    let sender: Int
    private var sent = 0
    init(_ inner: any MessageLink, _ fault: Fault, sender: Int) {
        self.inner = inner
        self.fault = fault
        self.sender = sender
    }
    func send(_ message: [UInt8]) throws {
        let sequence = sent
        sent += 1
        var message = message
        switch fault {
        case .lose(let k) where sequence >= k, .reorder(let k) where sequence == k:
            MessageBytes.fill(&message, sender: sender, sequence: sequence + 1)
        case .reorder(let k) where sequence == k + 1:
            MessageBytes.fill(&message, sender: sender, sequence: k)
        default: break
        }
        try inner.send(message)
    }
    func receive(into buffer: inout [UInt8]) throws { try inner.receive(into: &buffer) }
    func close() { inner.close() }
}

@Suite("the message workload: workers that talk to each other")
struct MessageWorkloadTests {
    /// A folder holding `tvp-test-worker`, a link to this test binary (which then serves as a worker).
    private func workerLink() throws -> (folder: String, worker: String) {
        let folder = try Files.makePrivateDirectory(in: Files.temporaryDirectory, prefix: "tvp-message-")
        let worker = "\(folder)/tvp-test-worker"
        try FileManager.default.createSymbolicLink(atPath: worker, withDestinationPath: Files.currentExecutablePath()!)
        return (folder, worker)
    }

    /// A trial of `workload` with `tasks` parties under `mode`, its channels staged as tvp stages them.
    private func trial(_ workload: MessageWorkload, mode: Mode, tasks: Int, workers: Int, worker: String, timeout: Double = 60,
                       wrap: ((any MessageLink, ConversationEdge) -> any MessageLink)? = nil) throws -> ExecutionResult {
        let conversation = try Conversation.stage(workload.conversation!, tasks: tasks, processes: mode.usesProcesses,
                                                  interleaved: mode == .serial,
                                                  suspending: mode == .async ? { AsyncExecutor.conversationLink($0) } : nil, wrap: wrap)
        defer { conversation.close() }
        return mode.executor(workerPath: worker).runTrial(
            ExecutionRequest(workload: Workload(workload), input: .conversation(conversation), tasks: tasks, workers: workers, taskTimeoutSeconds: timeout))
    }

    static let cases: [(Mode, MessageChannel)] = [
        (.serial, .queue), (.serial, .ring), (.serial, .pipe), (.serial, .unix), (.serial, .shm),
        (.threads, .queue), (.threads, .ring), (.threads, .pipe), (.threads, .unix), (.threads, .shm),
        (.gil, .queue), (.gil, .ring), (.gilRelease, .pipe),
        (.processes, .pipe), (.processes, .unix), (.processes, .shm),
        (.processPool, .pipe), (.processPool, .unix), (.processPool, .shm),
        (.async, .queue),
    ]

    @Test("every mode and channel delivers the same messages: the reference digest", arguments: cases)
    func digestsAgree(mode: Mode, channel: MessageChannel) throws {
        let (folder, worker) = try workerLink()
        defer { Files.removeTree(folder) }
        for size in [4, 64, 5000] {
            let workload = try MessageWorkload(channel: channel, messageSize: size, roundTrips: 300)
            let reference = try workload.referenceDigest(tasks: 4, input: .none)
            let result = try trial(workload, mode: mode, tasks: 4, workers: mode == .serial ? 1 : 4, worker: worker)
            #expect(result.errorSummary == nil, "\(mode) \(channel) \(size) B: \(result.errorSummary ?? "")")
            #expect(result.combinedDigest == reference, "\(mode) \(channel) \(size) B")
            // Every asking party timed each of its round trips, and sent them back (a worker through its report).
            #expect(result.roundTrips?.count == 2 * 300, "\(mode) \(channel) \(size) B")
        }
        // Other messages are another digest.
        let other = try MessageWorkload(channel: channel, messageSize: 64, roundTrips: 301)
        #expect(try other.referenceDigest(tasks: 4, input: .none) != MessageWorkload(channel: channel, messageSize: 64, roundTrips: 300).referenceDigest(tasks: 4, input: .none))
    }

    static let fanInCases: [(Mode, MessageChannel)] = [
        (.serial, .queue), (.serial, .pipe), (.serial, .shm),
        (.threads, .queue), (.threads, .ring), (.threads, .pipe), (.threads, .unix),
        (.gil, .queue), (.gilRelease, .ring),
        (.processes, .pipe), (.processes, .unix), (.processes, .shm),
        (.processPool, .pipe), (.processPool, .unix), (.processPool, .shm),
        (.async, .queue),
    ]

    @Test("fan-in: every sender's messages reach every receiver of its group, the same under every mode and channel", arguments: fanInCases)
    func fanIn(mode: Mode, channel: MessageChannel) throws {
        let (folder, worker) = try workerLink()
        defer { Files.removeTree(folder) }
        let workload = try MessageWorkload(pattern: .fanIn, channel: channel, messageSize: 100, messages: 200, group: 4)
        #expect(workload.conversation!.messages(tasks: 8) == 2 * 2 * 2 * 200)
        let result = try trial(workload, mode: mode, tasks: 8, workers: mode == .serial ? 1 : 4, worker: worker)
        #expect(result.errorSummary == nil, "\(mode) \(channel): \(result.errorSummary ?? "")")
        #expect(result.combinedDigest == (try workload.referenceDigest(tasks: 8, input: .none)), "\(mode) \(channel)")
        #expect(result.roundTrips == nil, "fan-in has no round trips")
    }

    @Test("round trips are counted in log-linear buckets that survive their encoding")
    func roundTripHistogram() throws {
        var histogram = RoundTripHistogram()
        for nanoseconds in [UInt64(3), 900, 1_000, 1_100, 20_000, 5_000_000] { histogram.record(nanoseconds) }
        for _ in 0..<94 { histogram.record(10_000) }
        #expect(histogram.percentile(0) == 3)
        #expect(abs(Double(histogram.percentile(50)) - 10_000) / 10_000 < 0.07)
        #expect(abs(Double(histogram.percentile(99)) - 20_000) / 20_000 < 0.07)
        #expect(abs(Double(histogram.percentile(100)) - 5e6) / 5e6 < 0.07)
        #expect(RoundTripHistogram(encoded: histogram.encoded) == histogram)
        #expect(RoundTripHistogram(encoded: [1, 2, 3]) == nil)
        var twice = histogram
        twice.add(histogram)
        #expect(twice.count == 200 && twice.percentile(50) == histogram.percentile(50))
    }

    @Test("two workers play four parties in turn: pairs run one after the other")
    func fewerWorkersThanParties() throws {
        let workload = try MessageWorkload(channel: .queue, messageSize: 64, roundTrips: 200)
        let result = try trial(workload, mode: .threads, tasks: 8, workers: 2, worker: "/nonexistent")
        #expect(result.errorSummary == nil, "\(result.errorSummary ?? "")")
        #expect(result.combinedDigest == (try workload.referenceDigest(tasks: 8, input: .none)))
    }

    @Test("under async, more parties than the cooperative pool has threads still talk: a waiting party suspends")
    func asyncPartiesOutnumberThreads() throws {
        // The pool has a thread per CPU (2 on the machine this was written on): 8 parties in flight.
        let fanIn = try MessageWorkload(pattern: .fanIn, channel: .queue, messageSize: 64, messages: 300, group: 8)
        let grouped = try trial(fanIn, mode: .async, tasks: 16, workers: 8, worker: "/nonexistent")
        #expect(grouped.errorSummary == nil, "\(grouped.errorSummary ?? "")")
        #expect(grouped.combinedDigest == (try fanIn.referenceDigest(tasks: 16, input: .none)))
        let pairs = try MessageWorkload(channel: .queue, messageSize: 64, roundTrips: 300)
        let bounced = try trial(pairs, mode: .async, tasks: 8, workers: 8, worker: "/nonexistent")
        #expect(bounced.errorSummary == nil, "\(bounced.errorSummary ?? "")")
        #expect(bounced.combinedDigest == (try pairs.referenceDigest(tasks: 8, input: .none)))
        #expect(bounced.roundTrips?.count == 4 * 300)
    }

    @Test("under async, a party whose peer leaves fails instead of waiting, and a party past the task timeout is cancelled")
    func asyncPartiesDoNotHang() async throws {
        let workload = try MessageWorkload(channel: .queue, messageSize: 64, roundTrips: 1 << 30)
        let conversation = try Conversation.stage(workload.conversation!, tasks: 2, processes: false, interleaved: false,
                                                  suspending: { AsyncExecutor.conversationLink($0) })
        defer { conversation.close() }
        let answering = Task { try await AsyncConversations.party(1, of: workload, conversation: conversation) }
        try await Task.sleep(for: .milliseconds(50))
        conversation.leave(party: 0)
        await #expect(throws: MessageLinkError.closed) { _ = try await answering.value }

        let result = try trial(workload, mode: .async, tasks: 2, workers: 2, worker: "/nonexistent", timeout: 0.5)
        #expect(result.abandoned == nil, "\(result.abandoned ?? "")")
        #expect(result.errorSummary?.contains("cancelled after the task timeout") == true, "\(result.errorSummary ?? "no error")")
    }

    @Test("a message lost or reordered by a test build of the channel is detected", arguments: [MessageChannel.queue, .ring, .pipe])
    func faultsDetected(channel: MessageChannel) throws {
        let workload = try MessageWorkload(channel: channel, messageSize: 64, roundTrips: 100)
        for fault in [FaultyLink.Fault.lose(17), .reorder(17)] {
            for mode in [Mode.threads, .serial] {
                let result = try trial(workload, mode: mode, tasks: 2, workers: mode == .serial ? 1 : 2, worker: "/nonexistent") { link, edge in
                    edge.from == 0 ? FaultyLink(link, fault, sender: 0) : link
                }
                #expect(result.combinedDigest == nil, "\(fault) under \(mode)")
                #expect(result.errorSummary?.contains("party 1 expected message 17 from party 0 and got message 18 from party 0") == true,
                        "\(fault) under \(mode): \(result.errorSummary ?? "no error")")
            }
        }
        // Below 8 bytes a message carries no readable sequence number, and is still checked.
        let tiny = try MessageWorkload(channel: channel, messageSize: 3, roundTrips: 40)
        let result = try trial(tiny, mode: .threads, tasks: 2, workers: 2, worker: "/nonexistent") { link, edge in
            edge.from == 1 ? FaultyLink(link, .lose(5), sender: 1) : link
        }
        #expect(result.errorSummary?.contains("party 0 expected message 5 from party 1 and got other bytes") == true, "\(result.errorSummary ?? "")")
    }

    @Test("bad input is refused with the file, the line and the fix, before any trial")
    func refusals() throws {
        func problem(_ yaml: String) -> String {
            do {
                _ = try ScenarioLoader.parse(yaml, source: "m.yaml")
                return "accepted"
            } catch {
                return "\(error)"
            }
        }
        let big = problem("workloads:\n  message: { channel: pipe, message_size: 128KiB }\nworkers: [2]\ntasks: 2\n")
        #expect(big.contains("m.yaml:2: `workloads.message.message_size`") && big.contains("at most 64KiB"), "\(big)")
        #expect(problem("workloads:\n  message: { message_size: 0 }\nworkers: [2]\ntasks: 2\n").contains("m.yaml:2: `workloads.message.message_size`"))
        let odd = problem("workloads: { message: {} }\nmodes: [serial, threads]\nworkers: [2, 3]\ntasks: 2\n")
        #expect(odd.contains("m.yaml:3: `workers`") && odd.contains("must be even; got 3"), "\(odd)")
        let oddTasks = problem("workloads: { message: {} }\nmodes: [threads]\nworkers: [2]\ntasks: 5\n")
        #expect(oddTasks.contains("m.yaml:4: `tasks`") && oddTasks.contains("must be even; got 5"), "\(oddTasks)")
        #expect(problem("workloads: { message: {} }\nmodes: [threads, process-pool, async]\nworkers: [2]\ntasks: 2\n").contains("m.yaml:2: `modes`: `message` cannot run under `async` over `channel: pipe`"))
        // A mode named in `modes` that can run none of the channels is refused, with the channels it can run.
        let queue = problem("workloads: { message: { channel: [queue, ring] } }\nmodes: [threads, process-pool]\nworkers: [2]\ntasks: 2\n")
        #expect(queue.contains("m.yaml:2: `modes`: `message` cannot run under `process-pool` over `channel: [queue, ring]`")
                && queue.contains("`pipe`, `unix`, `shm`") && queue.contains("drop `process-pool` from `modes`"), "\(queue)")
        let async = problem("workloads: { message: { channel: shm } }\nmodes: [threads, async]\nworkers: [2]\ntasks: 2\n")
        #expect(async.contains("m.yaml:2: `modes`: `message` cannot run under `async` over `channel: shm`")
                && async.contains("talk through `queue` (an `AsyncChannel`") && async.contains("drop `async` from `modes`"), "\(async)")
        #expect(problem("workloads: { message: { channel: queue } }\nmodes: [serial, processes]\nworkers: [2]\ntasks: 2\n").contains("cannot run under `processes` over `channel: queue`"))
        // Modes left to their default run what they can: no refusal.
        #expect(problem("workloads: { message: { channel: queue } }\nworkers: [2]\ntasks: 2\n") == "accepted")
        let oddGroup = problem("workloads:\n  message: { pattern: fan-in, group: 3 }\nworkers: [6]\ntasks: 6\n")
        #expect(oddGroup.contains("m.yaml:2: `workloads.message.group`") && oddGroup.contains("must be even"), "\(oddGroup)")
        let groups = problem("workloads:\n  message: { pattern: fan-in, group: 4 }\nmodes: [serial, threads]\nworkers: [4, 6]\ntasks: 6\n")
        #expect(groups.contains("m.yaml:4: `workers`") && groups.contains("must be a multiple of 4; got 6"), "\(groups)")
        #expect(groups.contains("m.yaml:5: `tasks`") && groups.contains("must be a multiple of 4; got 6"), "\(groups)")
        // A channel that cannot cross processes has no process cell, one that blocks no `async`
        // cell; serial and threads keep theirs.
        let scenario = try ScenarioLoader.parse("workloads: { message: { channel: [queue, pipe] } }\nmodes: [serial, threads, processes, process-pool, async]\nworkers: [2]\ntasks: 2\n", source: "m.yaml")
        #expect(scenario.cells.map(\.label).sorted() == [
            "message[ping-pong pipe 64B] process-pool×2", "message[ping-pong pipe 64B] processes×2", "message[ping-pong pipe 64B] serial×1",
            "message[ping-pong pipe 64B] threads×2",
            "message[ping-pong queue 64B] async×2", "message[ping-pong queue 64B] serial×1", "message[ping-pong queue 64B] threads×2",
        ])
    }

    @Test("the task spec carries the workload, and the conversation's input names its channel")
    func spec() throws {
        let workload = Workload(try MessageWorkload(channel: .unix, messageSize: 100, roundTrips: 7))
        #expect(TaskSpec.encode(workload) == "message;pattern=ping-pong;channel=unix;message_size=100;round_trips=7;messages=1000;group=4")
        #expect(workload.parameters.map(\.name) == ["pattern", "channel", "message_size", "round_trips"], "CSV files: the pattern's parameters only")
        let fanIn = Workload(try MessageWorkload(pattern: .fanIn, channel: .pipe, messageSize: 8, messages: 5, group: 6))
        #expect(try TaskSpec.decodeWorkload(TaskSpec.encode(fanIn)) == fanIn)
        #expect(fanIn.label == "message[fan-in pipe 8B 3x3 5msg]")
        #expect(try TaskSpec.decodeWorkload(TaskSpec.encode(workload)) == workload)
        let conversation = try Conversation.stage(workload.conversation!, tasks: 4, processes: true, interleaved: false)
        defer { conversation.close() }
        #expect(TaskSpec.encode(TaskInput.conversation(conversation)) == "conversation=unix;parties=4")
        #expect(TaskInput.conversation(conversation).handOff(task: 1).count == 2)
        #expect(TaskInput.conversation(conversation).handOff(task: 1).isEmpty, "handed off once")
    }

    /// What tvp's descriptors that are pipes or sockets point at (`pipe:[INODE]`).
    static func openPipesAndSockets() -> [String] {
        Files.directoryEntries("/proc/self/fd").compactMap { try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\($0)") }
            .filter { $0.hasPrefix("pipe:") || $0.hasPrefix("socket:") }
    }

    /// Clock ticks (1/100 s) of CPU process `pid` has used, user and system (`/proc/PID/stat`).
    static func cpuTicks(_ pid: Int32) -> Int {
        guard let stat = ProcFS.readText("/proc/\(pid)/stat"), let close = stat.lastIndex(of: ")") else { return 0 }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        return fields.count > 12 ? (Int(fields[11]) ?? 0) + (Int(fields[12]) ?? 0) : 0
    }

    @Test("a worker killed mid-conversation fails its trial and leaves no process (so no futex waiter), descriptor or shm object",
          .serialized, arguments: [Mode.processes, .processPool], [MessageChannel.pipe, .unix, .shm])
    func killedWorker(mode: Mode, channel: MessageChannel) throws {
        let (folder, worker) = try workerLink()
        defer { Files.removeTree(folder) }
        let workload = try MessageWorkload(channel: channel, messageSize: 64, roundTrips: 1 << 30)
        let marker = TaskSpec.encode(Workload(workload))
        let name = Conversation.uniqueName()
        let conversation = try Conversation.stage(workload.conversation!, tasks: 2, processes: true, interleaved: false, sharedName: { name })
        // The channel's ends, from the descriptors the conversation holds: tests running meanwhile
        // open and keep pipes of their own, which must not count.
        let staged = Set(conversation.heldDescriptors.compactMap { try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\($0.rawValue)") })
            .filter { $0.hasPrefix(channel == .pipe ? "pipe:" : "socket:") }
        if channel != .shm { #expect(staged.count >= 2, "a pipe or socket pair per direction: \(staged)") }
        if channel == .shm { #expect(SharedMemoryObject.exists(name)) }
        let running = try Running { () -> String? in
            let result = mode.executor(workerPath: worker).runTrial(
                ExecutionRequest(workload: Workload(workload), input: .conversation(conversation), tasks: 2, workers: 2, taskTimeoutSeconds: 60))
            conversation.close()
            return result.errorSummary
        }
        var victims: [Int32] = []
        #expect(eventually { victims = childProcesses(containing: marker); return victims.count == 2 })
        // A pool's workers start before their tasks: the kill must come once both parties talk,
        // which keeps each worker busy (0.3 s of CPU, well beyond a worker's start-up).
        if mode == .processPool { #expect(eventually { victims.allSatisfy { Self.cpuTicks($0) >= 30 } }, "the parties never started talking") }
        if let victim = victims.first { kill(victim, SIGKILL) }
        let error = running.value
        #expect(error?.contains("killed by signal 9 (SIGKILL)") == true, "\(mode) \(channel): \(error ?? "no error")")
        #expect(error?.contains("left the conversation") == true, "the survivor noticed: \(mode) \(channel): \(error ?? "no error")")
        // The survivor was woken (end of file, or its ring closed by tvp) and ended: no process, so no futex waiter.
        #expect(childProcesses(containing: marker).isEmpty)
        #expect(staged.isDisjoint(with: Self.openPipesAndSockets()), "tvp closed every end of the channel")
        #expect(!SharedMemoryObject.exists(name))
    }
}
