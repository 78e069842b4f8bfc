import AsyncAlgorithms
import Synchronization
import TVPSystem
import TVPWorkloads

/// `message` tasks under `async`: each party is a child task on the cooperative pool, and each
/// direction of a conversation is an `AsyncChannel` of messages (swift-async-algorithms), so a
/// party waiting for a message suspends and holds no thread. Every party of a conversation must
/// be in flight at once (the scenario's worker counts are whole conversations); they need not
/// each have a thread: with fewer pool threads than parties (one per CPU), the parties take turns
/// on the threads there are.
///
/// An `AsyncChannel` holds no message: a send suspends until the receiver takes it (a rendezvous),
/// where the other modes' channels hold one or two. Each message is checked on arrival as every
/// mode checks it (`MessageReceipt`), and the asking party of a pair times its round trips.
enum AsyncConversations {
    /// Runs party `party` of `conversation` and returns its digest and, for an asking party of
    /// ping-pong, its round trips (encoded). A party that fails closes its links, so that its
    /// peers fail too instead of waiting for ever.
    static func party(_ party: Int, of workload: MessageWorkload, conversation: Conversation) async throws -> (TaskDigest, output: [UInt8]?) {
        let edges = workload.conversation!.edges(tasks: conversation.parties)
        let (inboxes, outboxes) = conversation.suspendingLinks(of: party, edges: edges)
        let links = inboxes + outboxes
        guard !links.isEmpty, let incoming = inboxes as? [AsyncChannelLink], let outgoing = outboxes as? [AsyncChannelLink] else {
            throw MessageError(description: "a message task under `async` needs the trial's channels staged for it (`AsyncChannel`s), got none")
        }
        do {
            switch workload.pattern {
            case .pingPong:
                return try await pingPong(party, workload: workload, inbox: incoming, outbox: outgoing)
            case .fanIn:
                return (try await fanIn(party, workload: workload, inboxes: incoming, outboxes: outgoing), nil)
            }
        } catch {
            links.forEach { $0.close() }
            throw error
        }
    }

    /// Party `party` of its pair: the even one asks and times each round trip, the odd one answers.
    private static func pingPong(_ party: Int, workload: MessageWorkload, inbox: [AsyncChannelLink],
                                 outbox: [AsyncChannelLink]) async throws -> (TaskDigest, output: [UInt8]?) {
        guard inbox.count == 1, outbox.count == 1 else {
            throw MessageError(description: "party \(party) has no partner: ping-pong needs an even task count")
        }
        var receipt = MessageReceipt(party: party)
        var inboxMessages = inbox[0].messages()
        let size = workload.messageSize
        if party % 2 == 0 {
            var roundTrips = RoundTripHistogram()
            for sequence in 0..<workload.roundTrips {
                let start = MonotonicInstant.now()
                try await outbox[0].send(MessageBytes.message(size: size, sender: party, sequence: sequence))
                try receipt.take(try await inbox[0].receive(from: &inboxMessages), from: party ^ 1, sequence: sequence)
                roundTrips.record(MonotonicInstant.now().nanoseconds &- start.nanoseconds)
            }
            return (receipt.digest, roundTrips.encoded)
        }
        for sequence in 0..<workload.roundTrips {
            try receipt.take(try await inbox[0].receive(from: &inboxMessages), from: party ^ 1, sequence: sequence)
            try await outbox[0].send(MessageBytes.message(size: size, sender: party, sequence: sequence))
        }
        return (receipt.digest, nil)
    }

    /// Party `party` of its group: a sender sends each round's message to every receiver in turn;
    /// a receiver takes each round's message from every sender in turn. With channels that hold
    /// nothing this cannot deadlock: every party goes through its links in the one order
    /// (round, sender, receiver).
    private static func fanIn(_ party: Int, workload: MessageWorkload, inboxes: [AsyncChannelLink],
                              outboxes: [AsyncChannelLink]) async throws -> TaskDigest {
        let base = party - party % workload.group
        var receipt = MessageReceipt(party: party)
        if party - base < workload.group / 2 {
            for sequence in 0..<workload.messages {
                for outbox in outboxes { try await outbox.send(MessageBytes.message(size: workload.messageSize, sender: party, sequence: sequence)) }
            }
        } else {
            var iterators = inboxes.map { $0.messages() }
            for sequence in 0..<workload.messages {
                for sender in inboxes.indices {
                    try receipt.take(try await inboxes[sender].receive(from: &iterators[sender]), from: base + sender, sequence: sequence)
                }
            }
        }
        return receipt.digest
    }
}

/// One direction of a conversation under `async`: an `AsyncChannel` of whole messages. A closed
/// link (its party or its peer failed) makes the other side fail: a receive gets the end of the
/// channel, and a send, which a finished `AsyncChannel` drops silently, reports it.
final class AsyncChannelLink: SuspendingMessageLink {
    private let channel = AsyncChannel<[UInt8]>()
    private let closed = Atomic<Bool>(false)

    /// The receiving side's iterator (one per receiving party, made once).
    func messages() -> AsyncChannel<[UInt8]>.AsyncIterator { channel.makeAsyncIterator() }

    /// Sends `message`, suspending until the receiver takes it.
    func send(_ message: [UInt8]) async throws {
        await channel.send(message)
        try Task.checkCancellation()
        if closed.load(ordering: .acquiring) { throw MessageLinkError.closed }
    }

    /// The next message, suspending until the sender sends it.
    func receive(from iterator: inout AsyncChannel<[UInt8]>.AsyncIterator) async throws -> [UInt8] {
        if let message = await iterator.next() { return message }
        try Task.checkCancellation()
        throw MessageLinkError.closed
    }

    func close() {
        guard !closed.exchange(true, ordering: .acquiringAndReleasing) else { return }
        channel.finish()
    }
}

extension AsyncExecutor {
    /// The link `async`'s parties talk through, one per direction (`Conversation.stage`'s
    /// `suspending`, called before the trial's clock): an `AsyncChannel`.
    public static func conversationLink(_ edge: ConversationEdge) -> any SuspendingMessageLink { AsyncChannelLink() }
}
