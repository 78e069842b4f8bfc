import TVPSystem

/// The shape of a `message` trial's conversations.
public enum MessagePattern: String, Hashable, Sendable, CaseIterable {
    /// Pairs of parties: the even one sends a message, the odd one answers it, `round_trips` times.
    case pingPong = "ping-pong"
    /// hackbench's groups: the first half of each group of `group` parties send `messages`
    /// messages to every party of the second half.
    case fanIn = "fan-in"
}

/// `message`: workers that talk to each other. Each task is one party of a conversation; under
/// `ping-pong`, tasks 2k and 2k+1 bounce `round_trips` messages of `message_size` bytes over
/// `channel`; under `fan-in`, each group of `group` tasks is half senders, half receivers, and
/// each sender sends `messages` messages to every receiver of its group. Every message is checked
/// on arrival (its sender, sequence number and every byte); a party's digest is that of the
/// messages it received, in order.
public struct MessageWorkload: WorkloadKind, Hashable {
    /// The conversations' shape.
    public var pattern: MessagePattern
    /// How the parties pass their messages.
    public var channel: MessageChannel
    /// Bytes per message.
    public var messageSize: Int
    /// Round trips per pair (`ping-pong`): each party sends and receives this many messages.
    public var roundTrips: Int
    /// Messages each sender sends to each receiver of its group (`fan-in`).
    public var messages: Int
    /// Parties per group (`fan-in`): half senders, half receivers.
    public var group: Int

    /// Round trips, messages and group size when a scenario names none.
    public static let defaultRoundTrips = 10_000, defaultMessages = 1_000, defaultGroup = 4

    /// Creates the parameters (those of the other pattern kept at their defaults); throws for a
    /// message larger than the channel holds or an odd group.
    public init(pattern: MessagePattern = .pingPong, channel: MessageChannel, messageSize: Int, roundTrips: Int = MessageWorkload.defaultRoundTrips,
                messages: Int = MessageWorkload.defaultMessages, group: Int = MessageWorkload.defaultGroup) throws(ParameterProblem) {
        guard messageSize <= channel.capacity else {
            throw ParameterProblem(parameter: "message_size", message: "\(SizeSyntax.format(messageSize)) is more than the `\(channel.rawValue)` channel holds (\(SizeSyntax.format(channel.capacity))): give `message_size` of at most \(SizeSyntax.format(channel.capacity)), or use `channel: queue`")
        }
        guard pattern != .fanIn || group % 2 == 0 else {
            throw ParameterProblem(parameter: "group", message: "is \(group): a fan-in group is half senders, half receivers, so it must be even, e.g. `group: 4`")
        }
        self.pattern = pattern
        self.channel = channel
        self.messageSize = messageSize
        self.roundTrips = pattern == .pingPong ? roundTrips : Self.defaultRoundTrips
        self.messages = pattern == .fanIn ? messages : Self.defaultMessages
        self.group = pattern == .fanIn ? group : Self.defaultGroup
    }

    public static let name = "message"
    public static let summary = "workers that talk to each other: pairs bouncing messages, or groups of senders and receivers, through a queue, a ring, a pipe, a socket or shared memory"
    public static let parameters = [
        WorkloadParameter("pattern", .choice(MessagePattern.allCases.map(\.rawValue)), default: .text("ping-pong"),
                          summary: "`ping-pong`: pairs of workers bounce messages; `fan-in`: in each group, senders send to every receiver"),
        WorkloadParameter("channel", .choice(MessageChannel.allCases.map(\.rawValue)), default: .text("pipe"),
                          summary: "how messages travel: `queue` (mutex and condition variable; under `async` an AsyncChannel), `ring` (a futex ring), `pipe`, `unix` (a socket pair), `shm` (the ring in shared memory); process modes: `pipe`, `unix`, `shm`; `async`: `queue`"),
        WorkloadParameter("message_size", .bytes(1...(1 << 20)), default: .integer(64), unit: "bytes",
                          summary: "bytes per message, at most what the channel holds (64KiB for `pipe` and `unix`)"),
        WorkloadParameter("round_trips", .count(1...(1 << 30)), default: .integer(defaultRoundTrips),
                          summary: "`ping-pong`: round trips per pair (each party sends and receives this many messages)"),
        WorkloadParameter("messages", .count(1...(1 << 30)), default: .integer(defaultMessages),
                          summary: "`fan-in`: messages each sender sends to each receiver of its group"),
        WorkloadParameter("group", .count(2...1024), default: .integer(defaultGroup),
                          summary: "`fan-in`: parties per group, half senders and half receivers (even)"),
    ]

    public init(parameters values: ParameterValues) throws(ParameterProblem) {
        try self.init(pattern: values.choice("pattern") ?? .pingPong, channel: values.choice("channel") ?? .pipe,
                      messageSize: values.integer("message_size"), roundTrips: values.integer("round_trips"),
                      messages: values.integer("messages"), group: values.integer("group"))
    }
    /// The parameters of the pattern: `round_trips` for `ping-pong`, `messages` and `group` for `fan-in`.
    public var parameterValues: ParameterValues {
        var values = ParameterValues([("pattern", .text(pattern.rawValue)), ("channel", .text(channel.rawValue)),
                                      ("message_size", .integer(messageSize))])
        switch pattern {
        case .pingPong: values["round_trips"] = .integer(roundTrips)
        case .fanIn:
            values["messages"] = .integer(messages)
            values["group"] = .integer(group)
        }
        return values
    }
    /// A worker is told every parameter (CSV files leave those of the other pattern empty).
    public var specValues: ParameterValues {
        var values = parameterValues
        values["round_trips"] = .integer(roundTrips)
        values["messages"] = .integer(messages)
        values["group"] = .integer(group)
        return values
    }
    /// `message[ping-pong pipe 64B]`, `message[fan-in unix 64B 2x2]`, with the round trips or
    /// messages where they differ from the defaults.
    public var label: String {
        var words = [pattern.rawValue, channel.rawValue, SizeSyntax.format(messageSize)]
        switch pattern {
        case .pingPong:
            if roundTrips != Self.defaultRoundTrips { words.append("\(formatCount(roundTrips))rt") }
        case .fanIn:
            words.append("\(group / 2)x\(group / 2)")
            if messages != Self.defaultMessages { words.append("\(formatCount(messages))msg") }
        }
        return "message[\(words.joined(separator: " "))]"
    }

    /// Pairs, or groups of senders and receivers; tvp stages the channels (`Conversation.stage`)
    /// for each trial, and counts the messages of a trial from it (`per_update_ns`, `messages_per_s`).
    public var conversation: ConversationShape? {
        switch pattern {
        case .pingPong:
            return ConversationShape(parties: 2, topology: .pair, rounds: roundTrips, channel: channel, messageSize: messageSize, groupName: "pair")
        case .fanIn:
            return ConversationShape(parties: group, topology: .fanIn(senders: group / 2), rounds: messages, channel: channel,
                                     messageSize: messageSize, groupName: "group")
        }
    }
    public var runsInProcesses: Bool { channel.crossesProcesses }
    public var onlyComputes: Bool { false }
    public func bytesPerTrial(tasks: Int) -> Int { (conversation?.messages(tasks: tasks) ?? 0) * messageSize }
    public func estimatedTaskSeconds(tasks: Int) -> (compute: Double, wait: Double) {
        let perTask = Double(conversation?.messages(tasks: max(tasks, group)) ?? 0) / Double(max(tasks, 1))
        return (perTask * 2e-6, perTask * 10e-6)
    }

    public func makeTask(input: TaskInput, taskTimeoutSeconds: Double?) -> any WorkloadTask { MessageTask(self, input: input) }

    /// The digests every mode must give, from the messages each party must receive (no channel).
    public func referenceDigest(tasks: Int, input: TaskInput) throws -> TaskDigest? {
        guard let shape = conversation else { return nil }
        let edges = shape.edges(tasks: tasks)
        return TaskDigest.combining((0..<tasks).map { party in
            var receipt = MessageReceipt(party: party)
            let senders = edges.filter { $0.to == party }.map(\.from)
            for sequence in 0..<shape.rounds {
                for sender in senders { receipt.note(sender: sender, sequence: sequence) }
            }
            return receipt.digest
        })
    }
}

/// What one party received, folded as it arrives: the senders and sequence numbers in order.
/// Every mode's parties keep one, so that every mode checks and digests messages alike.
public struct MessageReceipt: Sendable {
    /// The receiving party.
    public let party: Int
    private var count: UInt64 = 0
    private var fold: UInt64 = 0xCBF2_9CE4_8422_2325

    /// An empty receipt of `party`.
    public init(party: Int) { self.party = party }

    @inline(__always)
    mutating func note(sender: Int, sequence: Int) {
        fold = (fold ^ MessageBytes.tag(sender: sender, sequence: sequence)) &* 0x0000_0100_0000_01B3
        count &+= 1
    }

    /// Checks that `message` is message `sequence` of `sender`, every byte, and notes it; throws
    /// a `MessageError` saying what came instead.
    @inline(__always)
    public mutating func take(_ message: [UInt8], from sender: Int, sequence: Int) throws {
        guard MessageBytes.matches(message, sender: sender, sequence: sequence) else {
            let came = MessageBytes.claimed(message).map { "message \($0.sequence) from party \($0.sender)" } ?? "other bytes"
            throw MessageError(description: "party \(party) expected message \(sequence) from party \(sender) and got \(came): a message was lost, reordered or altered")
        }
        note(sender: sender, sequence: sequence)
    }

    /// SHA-256 of the party, the count and the fold.
    public var digest: TaskDigest {
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
    /// An error saying `description`.
    public init(description: String) { self.description = description }
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
        switch workload.pattern {
        case .pingPong: return try pingPong(party, conversation: conversation, edges: edges, hooks: hooks)
        case .fanIn: return try fanIn(party, conversation: conversation, edges: edges, hooks: hooks)
        }
    }

    /// Party `party` of its pair: the even one asks and times each round trip, the odd one answers.
    private func pingPong<Hooks: TaskHooks>(_ party: Int, conversation: Conversation, edges: [ConversationEdge], hooks: Hooks) throws -> TaskDigest {
        let links = try conversation.links(of: party, edges: edges)
        defer { if links.endWithTask { links.closeAll() } }
        guard links.inboxes.count == 1, links.outboxes.count == 1 else {
            throw TaskInputError(description: "party \(party) of \(conversation.parties) has no partner: ping-pong needs an even task count")
        }
        do {
            if conversation.interleaved {
                // One thread plays both parties of the pair, step by step, through the same channel.
                let peerLinks = try conversation.links(of: party ^ 1, edges: edges)
                var mine = MessageReceipt(party: party), theirs = MessageReceipt(party: party ^ 1)
                var roundTrips = RoundTripHistogram()
                for sequence in 0..<workload.roundTrips {
                    let start = MonotonicInstant.now()
                    try send(sequence, from: party, on: links.outboxes[0], hooks: hooks)
                    try receive(sequence, from: party, on: peerLinks.inboxes[0], into: &theirs, hooks: hooks)
                    try send(sequence, from: party ^ 1, on: peerLinks.outboxes[0], hooks: hooks)
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
                    try send(sequence, from: party, on: links.outboxes[0], hooks: hooks)
                    try receive(sequence, from: party ^ 1, on: links.inboxes[0], into: &receipt, hooks: hooks)
                    roundTrips.record(MonotonicInstant.now().nanoseconds &- start.nanoseconds)
                }
                lastOutput = roundTrips.encoded
            } else {
                for sequence in 0..<workload.roundTrips {
                    try receive(sequence, from: party ^ 1, on: links.inboxes[0], into: &receipt, hooks: hooks)
                    try send(sequence, from: party, on: links.outboxes[0], hooks: hooks)
                }
            }
            return receipt.digest
        } catch {
            // Leave the conversation so that the other party fails too instead of waiting for ever.
            links.closeAll()
            throw error
        }
    }

    /// Party `party` of its group: a sender sends each round's message to every receiver in turn;
    /// a receiver takes each round's message from every sender in turn.
    private func fanIn<Hooks: TaskHooks>(_ party: Int, conversation: Conversation, edges: [ConversationEdge], hooks: Hooks) throws -> TaskDigest {
        let group = workload.group, senders = group / 2, base = party - party % group
        if conversation.interleaved {
            // One thread plays the whole group, round by round: every sender sends to every
            // receiver (each link then holds one message), then every receiver takes its messages.
            let members = try (base..<base + group).map { try conversation.links(of: $0, edges: edges) }
            var receipts = (base..<base + group).map { MessageReceipt(party: $0) }
            do {
                for sequence in 0..<workload.messages {
                    for sender in 0..<senders {
                        for outbox in members[sender].outboxes { try send(sequence, from: base + sender, on: outbox, hooks: hooks) }
                    }
                    for receiver in senders..<group {
                        for (sender, inbox) in members[receiver].inboxes.enumerated() {
                            try receive(sequence, from: base + sender, on: inbox, into: &receipts[receiver], hooks: hooks)
                        }
                    }
                }
            } catch {
                members.forEach { $0.closeAll() }
                throw error
            }
            for member in 0..<group where base + member != party { conversation.deposit(receipts[member].digest, party: base + member) }
            return receipts[party - base].digest
        }
        let links = try conversation.links(of: party, edges: edges)
        defer { if links.endWithTask { links.closeAll() } }
        var receipt = MessageReceipt(party: party)
        do {
            if party - base < senders {
                for sequence in 0..<workload.messages {
                    for outbox in links.outboxes { try send(sequence, from: party, on: outbox, hooks: hooks) }
                }
            } else {
                for sequence in 0..<workload.messages {
                    for (sender, inbox) in links.inboxes.enumerated() {
                        try receive(sequence, from: base + sender, on: inbox, into: &receipt, hooks: hooks)
                    }
                }
            }
        } catch {
            links.closeAll()
            throw error
        }
        return receipt.digest
    }

    /// Sends message `sequence` of `sender`; a full channel blocks, so the `gil` modes' lock is
    /// released around it, as CPython's `os.write` and `queue.Queue.put` release it.
    @inline(__always)
    private func send<Hooks: TaskHooks>(_ sequence: Int, from sender: Int, on link: any MessageLink, hooks: Hooks) throws {
        MessageBytes.fill(&outgoing, sender: sender, sequence: sequence)
        hooks.beginBlocking()
        defer { hooks.endBlocking() }
        try link.send(outgoing)
    }

    @inline(__always)
    private func receive<Hooks: TaskHooks>(_ sequence: Int, from sender: Int, on link: any MessageLink,
                                           into receipt: inout MessageReceipt, hooks: Hooks) throws {
        hooks.beginBlocking()
        defer { hooks.endBlocking() }
        try link.receive(into: &incoming)
        try receipt.take(incoming, from: sender, sequence: sequence)
    }
}

extension Workload {
    /// A `message` workload.
    public static func message(_ message: MessageWorkload) -> Workload { Workload(message) }
}
