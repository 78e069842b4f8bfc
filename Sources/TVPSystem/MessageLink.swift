import Glibc
import SystemPackage
import Synchronization

/// One direction of a conversation between two workers of a trial (a `message` workload): what one
/// party sends, the other receives, whole messages of a fixed size in order. Blocking both ways.
public protocol MessageLink: AnyObject, Sendable {
    /// Sends `message` (all of its bytes), waiting while the link is full.
    func send(_ message: [UInt8]) throws
    /// Fills all of `buffer` with the next message, waiting while the link is empty; throws
    /// `MessageLinkError.closed` when the other side closed it first.
    func receive(into buffer: inout [UInt8]) throws
    /// Closes this side, waking a party waiting on the other (which then fails); idempotent.
    func close()
}

/// A link that can carry no more messages.
public enum MessageLinkError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The other party closed its side (it failed or died) before the message came.
    case closed
    public var description: String {
        "the other party left the conversation before the message came (it failed or died)"
    }
}

/// A link over descriptors: a pipe (read from one end, write to the other) or a Unix domain socket
/// (both ways on one descriptor). `read` and `write` retry `EINTR` and short transfers; end of file
/// mid-conversation is `MessageLinkError.closed`. Closes its descriptors once, on `close()`.
public final class DescriptorLink: MessageLink {
    /// Where messages arrive (nil for a link that only sends).
    public let input: FileDescriptor?
    /// Where messages leave (nil for a link that only receives).
    public let output: FileDescriptor?
    private let closed = Atomic<Bool>(false)

    /// A link reading `input` and writing `output` (either may be nil; both may be one socket).
    public init(input: FileDescriptor?, output: FileDescriptor?) {
        self.input = input
        self.output = output
    }

    public func send(_ message: [UInt8]) throws {
        guard let output else { preconditionFailure("a receiving link cannot send") }
        do {
            try output.writeAll(message)
        } catch let error as SystemCallError where error.errno == .brokenPipe || error.errno == .connectionReset {
            throw MessageLinkError.closed
        }
    }

    public func receive(into buffer: inout [UInt8]) throws {
        guard let input else { preconditionFailure("a sending link cannot receive") }
        let count: Int
        do {
            count = try input.readExactly(into: &buffer)
        } catch let error as SystemCallError where error.errno == .connectionReset {
            throw MessageLinkError.closed
        }
        if count < buffer.count { throw MessageLinkError.closed }
    }

    public func close() {
        guard !closed.exchange(true, ordering: .acquiringAndReleasing) else { return }
        input?.closeQuietly()
        if let output, output != input { output.closeQuietly() }
    }

    deinit { close() }
}

/// A link between threads of one process: a bounded FIFO of `slots` messages of `messageSize`
/// bytes behind one pthread mutex, with a condition variable for each way to wait (empty, full).
/// A `message` conversation's `queue` channel.
public final class MessageQueue: MessageLink, @unchecked Sendable {
    // Sendable: every field is read and written under `lock` only.
    private let lock = ConditionLock()
    private let notEmpty = Condition()
    private let notFull = Condition()
    private var storage: [UInt8]
    private let messageSize: Int
    private let slots: Int
    private var head = 0
    private var count = 0
    private var closed = false

    /// An empty queue of `slots` messages of `messageSize` bytes.
    public init(messageSize: Int, slots: Int) {
        precondition(messageSize > 0 && slots > 0)
        self.messageSize = messageSize
        self.slots = slots
        storage = [UInt8](repeating: 0, count: messageSize * slots)
    }

    public func send(_ message: [UInt8]) throws {
        precondition(message.count == messageSize, "a queue carries messages of \(messageSize) bytes, got \(message.count)")
        lock.lock()
        defer { lock.unlock() }
        while count == slots && !closed { notFull.wait(lock) }
        if closed { throw MessageLinkError.closed }
        let offset = ((head + count) % slots) * messageSize
        storage.withUnsafeMutableBytes { to in
            message.withUnsafeBytes { from in (to.baseAddress! + offset).copyMemory(from: from.baseAddress!, byteCount: messageSize) }
        }
        count += 1
        notEmpty.signal()
    }

    public func receive(into buffer: inout [UInt8]) throws {
        precondition(buffer.count == messageSize, "a queue carries messages of \(messageSize) bytes, got a buffer of \(buffer.count)")
        lock.lock()
        defer { lock.unlock() }
        while count == 0 && !closed { notEmpty.wait(lock) }
        if count == 0 { throw MessageLinkError.closed }
        let offset = head * messageSize
        buffer.withUnsafeMutableBytes { to in
            storage.withUnsafeBytes { from in to.baseAddress!.copyMemory(from: from.baseAddress! + offset, byteCount: messageSize) }
        }
        head = (head + 1) % slots
        count -= 1
        notFull.signal()
    }

    /// Closes the queue: a waiting sender fails, a receiver gets what was sent and then fails.
    public func close() {
        lock.withLock {
            closed = true
            notEmpty.broadcast()
            notFull.broadcast()
        }
    }
}
