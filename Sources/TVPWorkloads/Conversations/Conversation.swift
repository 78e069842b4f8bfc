import Synchronization
import SystemPackage
import TVPSystem

/// What a workload whose tasks talk to each other declares (`WorkloadKind.conversation`): its
/// tasks are the parties of conversations of `parties` tasks each (tasks `c·parties ..<
/// (c+1)·parties` are conversation c), linked as `topology` says, passing messages of
/// `messageSize` bytes over `channel`. tvp stages the channels of every trial of such a workload
/// (`Conversation.stage`) for the mode that runs it; a mode that runs tasks at once must run every
/// party of a conversation at once, so its worker count must be a multiple of `parties`.
public struct ConversationShape: Hashable, Sendable {
    /// Who sends to whom within one conversation.
    public enum Topology: Hashable, Sendable {
        /// Two parties, each sending to the other in turn.
        case pair
        /// The first `senders` parties each send to every other party of the conversation (the
        /// receivers), which receive from every sender (hackbench's groups).
        case fanIn(senders: Int)
    }

    /// Tasks per conversation.
    public var parties: Int
    /// Who sends to whom.
    public var topology: Topology
    /// Messages each sender sends on each of its links.
    public var rounds: Int
    /// The channel the parties talk through.
    public var channel: MessageChannel
    /// Bytes per message.
    public var messageSize: Int
    /// What a conversation is called in an error (`pair`, `group`).
    public var groupName: String

    /// Creates a shape.
    public init(parties: Int, topology: Topology, rounds: Int, channel: MessageChannel, messageSize: Int, groupName: String) {
        self.parties = parties
        self.topology = topology
        self.rounds = rounds
        self.channel = channel
        self.messageSize = messageSize
        self.groupName = groupName
    }

    /// The edges among a trial's `tasks` parties, conversation by conversation: for `pair`, each
    /// pair's two directions; for `fanIn`, each sender's links to the receivers in order.
    public func edges(tasks: Int) -> [ConversationEdge] {
        switch topology {
        case .pair:
            stride(from: 0, to: tasks - 1, by: 2).flatMap { [ConversationEdge(from: $0, to: $0 + 1), ConversationEdge(from: $0 + 1, to: $0)] }
        case .fanIn(let senders):
            stride(from: 0, to: tasks - parties + 1, by: parties).flatMap { base in
                (base..<base + senders).flatMap { sender in
                    (base + senders..<base + parties).map { ConversationEdge(from: sender, to: $0) }
                }
            }
        }
    }

    /// Messages a trial of `tasks` parties sends: one per edge per round.
    public func messages(tasks: Int) -> Int { edges(tasks: tasks).count * rounds }

    /// Whether its parties time round trips (a pair asks and waits for each answer; fan-in's
    /// senders wait for nothing).
    public var timesRoundTrips: Bool { topology == .pair }
}

/// The links one party receives on and sends on, in the order of its edges.
public struct PartyLinks: Sendable {
    /// Links it receives on, one per edge that ends at it.
    public var inboxes: [any MessageLink]
    /// Links it sends on, one per edge that starts at it.
    public var outboxes: [any MessageLink]
    /// Whether the links were handed over for this task alone (a `process-pool` worker's), so the
    /// task closes them when it ends: the worker lives on and must not keep a peer's channel open.
    public var endWithTask = false

    /// Closes every link, waking the other parties (a party that fails leaves its conversation).
    public func closeAll() {
        inboxes.forEach { $0.close() }
        outboxes.forEach { $0.close() }
    }
}

/// One direction of a conversation between child tasks (`async`), made by the mode that runs them
/// (an `AsyncChannel`): its sends and receives suspend the task instead of blocking a thread, so
/// they belong to that mode; the conversation only ends it.
public protocol SuspendingMessageLink: AnyObject, Sendable {
    /// Ends the link, waking a party suspended on it (which then fails); idempotent.
    func close()
}

/// The channels of one trial's conversations, made before its clock (`stage`, for every workload
/// that declares a `conversation`): a link per edge, in tvp's memory for in-process modes; for
/// process modes, pipes and socket pairs whose ends tvp hands to each worker process (`handOff`)
/// and closes once it has started (`processes`) or sends over a socket once the worker is given
/// the party (`process-pool`), or rings in a shared-memory object each worker maps by name; under
/// `async`, suspending links the mode makes (`AsyncChannel`). In a worker process (`inherited`),
/// its own party's links are the descriptors it was handed, from 3 on or over the socket, or the
/// rings of the named object.
public final class Conversation: Sendable {
    /// The channel of every link.
    public let channel: MessageChannel
    /// The trial's task count (parties, all conversations together).
    public let parties: Int
    /// Whether one thread runs every party of a conversation, interleaving their steps (`serial`).
    public let interleaved: Bool
    /// The rings of a `ring` or `shm` channel, and their shape (`slots` messages of `messageSize`).
    public let rings: MessageRings?
    /// Messages each ring holds.
    public let slots: Int
    /// Bytes per message.
    public let messageSize: Int
    private let edges: [ConversationEdge]
    /// The links in this process, one per edge; empty in a worker process handed descriptors.
    private let links: [any MessageLink]
    /// Process modes: each edge's receiving and sending descriptors, until handed off.
    private let ends: Mutex<[(input: FileDescriptor?, output: FileDescriptor?)]>
    /// Digests of parties that another party's task ran (interleaved), until their own task takes them.
    private let deposits = Mutex<[Int: TaskDigest]>([:])
    /// Whether this is a worker process's view.
    public let isInherited: Bool
    /// A `process-pool` worker's view: the socket each task's descriptors come over (`links(of:)`).
    private let handedThrough: FileDescriptor?
    /// `async`: a suspending link per edge, made by the mode; empty otherwise.
    public let suspendingLinks: [any SuspendingMessageLink]
    /// The forced-exit clean-up of the shared-memory object (tvp's side).
    private let cleanup: Int32?

    private init(channel: MessageChannel, parties: Int, interleaved: Bool, rings: MessageRings?, slots: Int, messageSize: Int,
                 edges: [ConversationEdge], links: [any MessageLink], ends: [(input: FileDescriptor?, output: FileDescriptor?)],
                 inherited: Bool, handedThrough: FileDescriptor? = nil, suspendingLinks: [any SuspendingMessageLink] = [], cleanup: Int32? = nil) {
        self.channel = channel
        self.parties = parties
        self.interleaved = interleaved
        self.rings = rings
        self.slots = slots
        self.messageSize = messageSize
        self.edges = edges
        self.links = links
        self.ends = Mutex(ends)
        self.isInherited = inherited
        self.handedThrough = handedThrough
        self.suspendingLinks = suspendingLinks
        self.cleanup = cleanup
    }

    private static let named = Atomic<Int>(0)

    /// A shared-memory name of this process not used before: `/tvp-PID-conversation-N`.
    public static func uniqueName() -> String {
        "/tvp-\(currentProcessID())-conversation-\(named.add(1, ordering: .relaxed).newValue)"
    }

    /// Messages a ring holds: ping-pong has one in flight each way.
    static let ringSlots = 2

    /// The channels of a trial of `tasks` parties of conversations of `shape`. With `processes`,
    /// each edge is a pair of descriptors for `handOff`, or a ring in a shared-memory object named
    /// by `sharedName`; with `suspending` (`async`, `queue` only), the link it makes per edge;
    /// otherwise a link in this process, and with `interleaved` one thread will run all the
    /// parties. `wrap` (a test seam) may replace each in-process link, e.g. by one that loses a
    /// message on purpose.
    public static func stage(_ shape: ConversationShape, tasks parties: Int, processes: Bool, interleaved: Bool,
                             sharedName: () -> String = Conversation.uniqueName,
                             suspending: ((ConversationEdge) -> any SuspendingMessageLink)? = nil,
                             wrap: ((any MessageLink, ConversationEdge) -> any MessageLink)? = nil) throws -> Conversation {
        let channel = shape.channel, messageSize = shape.messageSize, edges = shape.edges(tasks: parties)
        if let suspending {
            guard channel == .queue, !processes, !interleaved else {
                throw TaskInputError(description: "suspending links (`async`) are made for `channel: queue` between child tasks only, not `\(channel.rawValue)`")
            }
            return Conversation(channel: channel, parties: parties, interleaved: false, rings: nil, slots: 0, messageSize: messageSize,
                                edges: edges, links: [], ends: [], inherited: false, suspendingLinks: edges.map(suspending))
        }
        var ends: [(input: FileDescriptor?, output: FileDescriptor?)] = []
        var links: [any MessageLink] = []
        var rings: MessageRings?
        var cleanup: Int32?
        do {
            switch channel {
            case .queue:
                links = edges.map { _ in MessageQueue(messageSize: messageSize, slots: 1) }
            case .ring, .shm:
                let name = processes ? sharedName() : nil
                if let name { cleanup = InterruptSignal.registerForForcedExit(.sharedMemory, name) }
                rings = try MessageRings.create(count: edges.count, slots: ringSlots, messageSize: messageSize, sharedName: name)
                links = edges.indices.map { rings!.link($0) }
            case .pipe, .unix:
                InterruptSignal.ignoreBrokenPipes()
                for _ in edges {
                    if channel == .pipe {
                        let pipe = try PipePair()
                        ends.append((pipe.readEnd, pipe.writeEnd))
                    } else {
                        let pair = try SocketPair()
                        ends.append((pair.first, pair.second))
                    }
                }
                if !processes {
                    links = ends.map { DescriptorLink(input: $0.input, output: $0.output) }
                    ends = []
                }
            }
        } catch {
            for end in ends { end.input?.closeQuietly(); end.output?.closeQuietly() }
            if let cleanup { InterruptSignal.unregister(cleanup) }
            throw error
        }
        if let wrap, !processes { links = zip(links, edges).map { wrap($0, $1) } }
        return Conversation(channel: channel, parties: parties, interleaved: interleaved, rings: rings, slots: ringSlots,
                            messageSize: messageSize, edges: edges, links: links, ends: ends, inherited: false, cleanup: cleanup)
    }

    /// A worker process's view of a conversation among `parties` tasks: its party's links are the
    /// descriptors 3… it was handed (`handOff`'s order), or with `handedThrough` (a `process-pool`
    /// worker, which plays a party per task) those each task is handed over that socket, or the
    /// rings of `rings`.
    public static func inherited(channel: MessageChannel, parties: Int, rings: MessageRings? = nil,
                                 handedThrough: FileDescriptor? = nil) -> Conversation {
        // A write to a dead peer's pipe or socket then fails with EPIPE, and the party reports that
        // its peer left, rather than die of SIGPIPE.
        if rings == nil { InterruptSignal.ignoreBrokenPipes() }
        return Conversation(channel: channel, parties: parties, interleaved: false, rings: rings, slots: rings == nil ? 0 : ringSlots,
                            messageSize: 0, edges: [], links: [], ends: [], inherited: true, handedThrough: rings == nil ? handedThrough : nil)
    }

    /// Whether a process mode hands each party's channel ends to the worker that plays it (pipes
    /// and sockets), rather than naming a shared-memory object every worker maps.
    public var handsOverDescriptors: Bool { !isInherited && channel.crossesProcesses && rings == nil && suspendingLinks.isEmpty && links.isEmpty }

    /// The links of `party` among `edges` (those the conversation was staged with): its inboxes
    /// (edges to it, in order), then its outboxes (edges from it). A `process-pool` worker waits
    /// here for the descriptors tvp hands over for the party (tagged with it), which the task
    /// closes when it ends (`endWithTask`).
    public func links(of party: Int, edges: [ConversationEdge]) throws -> PartyLinks {
        let incoming = edges.indices.filter { edges[$0].to == party }
        let outgoing = edges.indices.filter { edges[$0].from == party }
        if isInherited, let rings {
            return PartyLinks(inboxes: incoming.map { rings.link($0) }, outboxes: outgoing.map { rings.link($0) })
        }
        if isInherited, let handedThrough {
            let handed = try handedThrough.receiveDescriptors(count: incoming.count + outgoing.count, tag: UInt64(party))
            return PartyLinks(inboxes: handed[..<incoming.count].map { DescriptorLink(input: $0, output: nil) },
                              outboxes: handed[incoming.count...].map { DescriptorLink(input: nil, output: $0) }, endWithTask: true)
        }
        if isInherited {
            // Descriptors 3… as `handOff` numbered them: the inboxes' read ends, then the outboxes' write ends.
            var next: CInt = 3
            var links = PartyLinks(inboxes: [], outboxes: [])
            for _ in incoming { links.inboxes.append(DescriptorLink(input: FileDescriptor(rawValue: next), output: nil)); next += 1 }
            for _ in outgoing { links.outboxes.append(DescriptorLink(input: nil, output: FileDescriptor(rawValue: next))); next += 1 }
            return links
        }
        return PartyLinks(inboxes: incoming.map { links[$0] }, outboxes: outgoing.map { links[$0] })
    }

    /// The descriptors tvp still holds for the process modes' edges (not yet handed off or closed):
    /// what a test checks are gone after a trial, told apart from other descriptors of the process.
    var heldDescriptors: [FileDescriptor] {
        ends.withLock { ends in ends.flatMap { [$0.input, $0.output].compactMap { $0 } } }
    }

    /// The descriptors a worker process running `party` gets, numbered from 3: the read ends of its
    /// inboxes, then the write ends of its outboxes. tvp gives up its copies: the caller closes them
    /// once the worker has started, so that a party whose peer dies reads end of file.
    public func handOff(party: Int) -> [FileDescriptor] {
        ends.withLock { ends in
            guard !ends.isEmpty else { return [] }
            var handed: [FileDescriptor] = []
            for index in edges.indices where edges[index].to == party {
                if let input = ends[index].input { handed.append(input) }
                ends[index].input = nil
            }
            for index in edges.indices where edges[index].from == party {
                if let output = ends[index].output { handed.append(output) }
                ends[index].output = nil
            }
            return handed
        }
    }

    /// The suspending links of `party` (`async`): its inboxes, then its outboxes, as `links(of:edges:)`;
    /// none when the conversation was staged without them.
    public func suspendingLinks(of party: Int, edges: [ConversationEdge]) -> (inboxes: [any SuspendingMessageLink], outboxes: [any SuspendingMessageLink]) {
        guard suspendingLinks.count == edges.count else { return ([], []) }
        return (edges.indices.filter { edges[$0].to == party }.map { suspendingLinks[$0] },
         edges.indices.filter { edges[$0].from == party }.map { suspendingLinks[$0] })
    }

    /// `party` left the conversation early (its worker process failed or died): its links that
    /// tvp holds are closed, waking the parties that wait on them (the rings of `shm`, whose futex
    /// waiters would otherwise wait for a peer that is gone). Descriptors need nothing: the
    /// kernel closed the dead worker's, and tvp closes those it had not handed over yet.
    public func leave(party: Int) {
        let touching = edges.indices.filter { edges[$0].from == party || edges[$0].to == party }
        if !links.isEmpty { for index in touching { links[index].close() } }
        if !suspendingLinks.isEmpty { for index in touching { suspendingLinks[index].close() } }
        ends.withLock { ends in
            guard !ends.isEmpty else { return }
            for index in touching {
                if edges[index].to == party { ends[index].input?.closeQuietly(); ends[index].input = nil }
                if edges[index].from == party { ends[index].output?.closeQuietly(); ends[index].output = nil }
            }
        }
    }

    /// Keeps `digest` for `party`, whose steps another party's task ran (interleaved).
    public func deposit(_ digest: TaskDigest, party: Int) {
        deposits.withLock { $0[party] = digest }
    }

    /// The digest kept for `party`, once.
    public func takeDeposit(party: Int) -> TaskDigest? {
        deposits.withLock { $0.removeValue(forKey: party) }
    }

    /// Closes every link and every descriptor not handed off, and unlinks the shared-memory object
    /// (after the trial, or when it fails).
    public func close() {
        links.forEach { $0.close() }
        suspendingLinks.forEach { $0.close() }
        ends.withLock { ends in
            for end in ends { end.input?.closeQuietly(); end.output?.closeQuietly() }
            ends = []
        }
        rings?.remove()
        if let cleanup { InterruptSignal.unregister(cleanup) }
    }
}
