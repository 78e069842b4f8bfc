import TVPSystem

/// The shape of a `message` trial's conversations.
public enum MessagePattern: String, Hashable, Sendable, CaseIterable {
    /// Pairs of parties: the even one sends a message, the odd one answers it, `round_trips` times.
    case pingPong = "ping-pong"
    /// hackbench's groups of senders and receivers (not built yet).
    case fanIn = "fan-in"
}

/// `message`: workers that talk to each other. Each task is one party of a conversation; under
/// `ping-pong`, tasks 2k and 2k+1 bounce `round_trips` messages of `message_size` bytes over
/// `channel`. Every message is checked on arrival (its sender, sequence number and every byte);
/// a party's digest is that of the messages it received, in order.
public struct MessageWorkload: WorkloadKind, Hashable {
    /// The conversations' shape.
    public var pattern: MessagePattern
    /// How the parties pass their messages.
    public var channel: MessageChannel
    /// Bytes per message.
    public var messageSize: Int
    /// Round trips per pair (`ping-pong`): each party sends and receives this many messages.
    public var roundTrips: Int

    /// Creates the parameters; throws for a channel or pattern not built yet, or a message larger
    /// than the channel holds.
    public init(pattern: MessagePattern = .pingPong, channel: MessageChannel, messageSize: Int, roundTrips: Int) throws(ParameterProblem) {
        guard pattern == .pingPong else {
            throw ParameterProblem(parameter: "pattern", message: "`fan-in` is not built yet: use `pattern: ping-pong`")
        }
        guard messageSize <= channel.capacity else {
            throw ParameterProblem(parameter: "message_size", message: "\(SizeSyntax.format(messageSize)) is more than the `\(channel.rawValue)` channel holds (\(SizeSyntax.format(channel.capacity))): give `message_size` of at most \(SizeSyntax.format(channel.capacity)), or use `channel: queue`")
        }
        self.pattern = pattern
        self.channel = channel
        self.messageSize = messageSize
        self.roundTrips = roundTrips
    }

    public static let name = "message"
    public static let summary = "workers that talk to each other: pairs bouncing messages through a queue, a pipe or a socket"
    public static let parameters = [
        WorkloadParameter("pattern", .choice(MessagePattern.allCases.map(\.rawValue)), default: .text("ping-pong"),
                          summary: "`ping-pong`: pairs of workers bounce messages (`fan-in`: not built yet)"),
        WorkloadParameter("channel", .choice(MessageChannel.allCases.map(\.rawValue)), default: .text("pipe"),
                          summary: "how messages travel: `queue` (mutex and condition variable), `ring` (a futex ring), `pipe`, `unix` (a socket pair), `shm` (the ring in shared memory); processes: `pipe`, `unix`, `shm`"),
        WorkloadParameter("message_size", .bytes(1...(1 << 20)), default: .integer(64), unit: "bytes",
                          summary: "bytes per message, at most what the channel holds (64KiB for `pipe` and `unix`)"),
        WorkloadParameter("round_trips", .count(1...(1 << 30)), default: .integer(10_000),
                          summary: "round trips per pair: each party sends and receives this many messages"),
    ]

    public init(parameters values: ParameterValues) throws(ParameterProblem) {
        try self.init(pattern: values.choice("pattern") ?? .pingPong, channel: values.choice("channel") ?? .pipe,
                      messageSize: values.integer("message_size"), roundTrips: values.integer("round_trips"))
    }
    public var parameterValues: ParameterValues {
        ParameterValues([("pattern", .text(pattern.rawValue)), ("channel", .text(channel.rawValue)),
                         ("message_size", .integer(messageSize)), ("round_trips", .integer(roundTrips))])
    }
    /// `message[ping-pong pipe 64B]`, with the round trips where they differ from the default.
    public var label: String {
        var words = [pattern.rawValue, channel.rawValue, SizeSyntax.format(messageSize)]
        if roundTrips != 10_000 { words.append("\(formatCount(roundTrips))rt") }
        return "message[\(words.joined(separator: " "))]"
    }

    /// Pairs of parties; tvp stages the channels (`Conversation.stage`) for each trial.
    public var conversation: ConversationShape? {
        ConversationShape(parties: 2, topology: .pair, channel: channel, messageSize: messageSize, groupName: "pair")
    }
    public var runsInProcesses: Bool { channel.crossesProcesses }
    public var onlyComputes: Bool { false }
    /// Messages each party sends: `per_update_ns` is then the cost of one message.
    public var updatesPerTask: Int? { roundTrips }
    public func bytesPerTrial(tasks: Int) -> Int { tasks * roundTrips * messageSize }
    public func estimatedTaskSeconds(tasks: Int) -> (compute: Double, wait: Double) { (Double(roundTrips) * 2e-6, Double(roundTrips) * 20e-6) }

    public func makeTask(input: TaskInput, taskTimeoutSeconds: Double?) -> any WorkloadTask { MessageTask(self, input: input) }

    /// The digests every mode must give, from the messages each party must receive (no channel).
    public func referenceDigest(tasks: Int, input: TaskInput) throws -> TaskDigest? {
        TaskDigest.combining((0..<tasks).map { party in
            var receipt = MessageReceipt(party: party)
            for sequence in 0..<roundTrips { receipt.note(sender: party ^ 1, sequence: sequence) }
            return receipt.digest
        })
    }
}

/// What one party received, folded as it arrives: the senders and sequence numbers in order.
struct MessageReceipt {
    let party: Int
    private var count: UInt64 = 0
    private var fold: UInt64 = 0xCBF2_9CE4_8422_2325

    init(party: Int) { self.party = party }

    @inline(__always)
    mutating func note(sender: Int, sequence: Int) {
        fold = (fold ^ MessageBytes.tag(sender: sender, sequence: sequence)) &* 0x0000_0100_0000_01B3
        count &+= 1
    }

    /// SHA-256 of the party, the count and the fold.
    var digest: TaskDigest {
        var hasher = SHA256Hasher()
        hasher.update(UInt64(party))
        hasher.update(count)
        hasher.update(fold)
        return hasher.finish()
    }
}

/// A wrong message, with what came instead.
public struct MessageError: Error, CustomStringConvertible, Sendable {
    public let description: String
}

/// One party of a `message` conversation (`ping-pong`: even parties ask, odd ones answer).
final class MessageTask: WorkloadTask {
    private let workload: MessageWorkload
    private let conversation: Conversation?
    private var outgoing: [UInt8]
    private var incoming: [UInt8]
    /// The asking party's round trips, sent back with its digest.
    private(set) var lastOutput: [UInt8]?

    init(_ workload: MessageWorkload, input: TaskInput) {
        self.workload = workload
        if case .conversation(let conversation) = input { self.conversation = conversation } else { conversation = nil }
        outgoing = [UInt8](repeating: 0, count: workload.messageSize)
        incoming = [UInt8](repeating: 0, count: workload.messageSize)
    }

    func run<Hooks: TaskHooks>(task party: Int, hooks: Hooks) throws -> TaskDigest {
        lastOutput = nil
        guard let conversation else {
            throw TaskInputError(description: "a message task needs the trial's channels (its conversation)")
        }
        if conversation.interleaved, let digest = conversation.takeDeposit(party: party) { return digest }
        let edges = workload.conversation!.edges(tasks: conversation.parties)
        let links = conversation.links(of: party, edges: edges)
        guard links.inboxes.count == 1, links.outboxes.count == 1 else {
            throw TaskInputError(description: "party \(party) of \(conversation.parties) has no partner: ping-pong needs an even task count")
        }
        do {
            if conversation.interleaved {
                // One thread plays both parties of the pair, step by step, through the same channel.
                let peerLinks = conversation.links(of: party ^ 1, edges: edges)
                var mine = MessageReceipt(party: party), theirs = MessageReceipt(party: party ^ 1)
                var roundTrips = RoundTripHistogram()
                for sequence in 0..<workload.roundTrips {
                    let start = MonotonicInstant.now()
                    try send(sequence, from: party, on: links.outboxes[0])
                    try receive(sequence, from: party, on: peerLinks.inboxes[0], into: &theirs, hooks: hooks)
                    try send(sequence, from: party ^ 1, on: peerLinks.outboxes[0])
                    try receive(sequence, from: party ^ 1, on: links.inboxes[0], into: &mine, hooks: hooks)
                    roundTrips.record(MonotonicInstant.now().nanoseconds &- start.nanoseconds)
                }
                conversation.deposit(theirs.digest, party: party ^ 1)
                lastOutput = roundTrips.encoded
                return mine.digest
            }
            var receipt = MessageReceipt(party: party)
            if party % 2 == 0 {
                // The asking party times each round trip: its message out, the answer back in.
                var roundTrips = RoundTripHistogram()
                for sequence in 0..<workload.roundTrips {
                    let start = MonotonicInstant.now()
                    try send(sequence, from: party, on: links.outboxes[0])
                    try receive(sequence, from: party ^ 1, on: links.inboxes[0], into: &receipt, hooks: hooks)
                    roundTrips.record(MonotonicInstant.now().nanoseconds &- start.nanoseconds)
                }
                lastOutput = roundTrips.encoded
            } else {
                for sequence in 0..<workload.roundTrips {
                    try receive(sequence, from: party ^ 1, on: links.inboxes[0], into: &receipt, hooks: hooks)
                    try send(sequence, from: party, on: links.outboxes[0])
                }
            }
            return receipt.digest
        } catch {
            // Leave the conversation so that the other party fails too instead of waiting for ever.
            links.closeAll()
            throw error
        }
    }

    @inline(__always)
    private func send(_ sequence: Int, from sender: Int, on link: any MessageLink) throws {
        MessageBytes.fill(&outgoing, sender: sender, sequence: sequence)
        try link.send(outgoing)
    }

    @inline(__always)
    private func receive<Hooks: TaskHooks>(_ sequence: Int, from sender: Int, on link: any MessageLink,
                                           into receipt: inout MessageReceipt, hooks: Hooks) throws {
        hooks.beginBlocking()
        defer { hooks.endBlocking() }
        try link.receive(into: &incoming)
        guard MessageBytes.matches(incoming, sender: sender, sequence: sequence) else {
            let came = MessageBytes.claimed(incoming).map { "message \($0.sequence) from party \($0.sender)" } ?? "other bytes"
            throw MessageError(description: "party \(receipt.party) expected message \(sequence) from party \(sender) and got \(came): a message was lost, reordered or altered")
        }
        receipt.note(sender: sender, sequence: sequence)
    }
}

extension Workload {
    /// A `message` workload.
    public static func message(_ message: MessageWorkload) -> Workload { Workload(message) }
}
