import Synchronization
import TVPSystem

/// A server on a real loopback socket that answers with scripted bytes: one thread accepts the
/// connections in turn and, on each, reads a request head and writes the next reply of its script.
final class ScriptedServer: Sendable {
    /// How a reply ends.
    enum Ending: Sendable { case close, reset, stayOpen }
    /// One answer: its bytes, and what the server does after writing them.
    struct Reply: Sendable {
        var bytes: [UInt8]
        var ending: Ending
    }

    /// Where it listens on 127.0.0.1.
    let port: UInt16
    /// What the server saw, shared with its thread.
    final class Log: Sendable {
        /// The request heads received, in order.
        let requests = Mutex<[String]>([])
        /// Connections accepted.
        let accepted = Atomic<Int>(0)
    }

    /// What the server saw.
    let log = Log()
    private let thread: OSThread

    /// The request heads received, in order.
    var requests: [String] { log.requests.withLock { $0 } }
    /// Connections accepted.
    var accepted: Int { log.accepted.load(ordering: .relaxed) }

    /// Listens now; `script` holds the replies of each connection in turn.
    init(_ script: [[Reply]]) throws {
        let listener = try LoopbackSocket.listen()
        port = try listener.localPort()
        let log = self.log
        thread = try OSThread {
            defer { listener.close() }
            for replies in script {
                guard let connection = try? listener.accept() else { return }
                log.accepted.add(1, ordering: .relaxed)
                var open = true
                for reply in replies where open {
                    guard let head = Self.readHead(connection) else { break }
                    log.requests.withLock { $0.append(head) }
                    try? connection.sendAll(reply.bytes.span.bytes)
                    switch reply.ending {
                    case .close: connection.close(); open = false
                    case .reset: connection.closeWithReset(); open = false
                    case .stayOpen: break
                    }
                }
                if open { connection.close() }
            }
        }
    }

    /// Waits for the server thread to finish its script.
    func join() { thread.join() }

    private static func readHead(_ connection: LoopbackSocket) -> String? {
        var head: [UInt8] = []
        var byte = [UInt8](repeating: 0, count: 1)
        while !head.suffix(4).elementsEqual(Array("\r\n\r\n".utf8)) {
            guard let n = try? connection.receive(into: &byte), n == 1 else { return nil }
            head.append(byte[0])
        }
        return String(decoding: head, as: UTF8.self)
    }
}
