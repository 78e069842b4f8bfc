import Testing
import TVPSystem
import TVPWorkloads
@testable import TVPMeasure
@testable import TVPPlan

/// Both HTTP clients against a scripted server: the blocking one (`serial`; `threads`, the `gil`
/// modes and the workers run the same code) and SwiftNIO's (`async`). Each malformed answer must
/// fail the task with the same kind of error under both.
@Suite("Download clients on malformed answers", .serialized)
struct DownloadClientTests {
    static let workload = DownloadWorkload(files: 4, fileSize: 5_000, latencyNanoseconds: 0, keepAlive: false)
    static let clients: [Mode] = [.serial, .async]

    static func head(length: Int, status: String = "200 OK", close: Bool = true) -> [UInt8] {
        Array("HTTP/1.1 \(status)\r\nContent-Length: \(length)\r\n\(close ? "Connection: close\r\n" : "")\r\n".utf8)
    }

    /// File 2 as a server sends it.
    static var file2: [UInt8] { workload.content(ofFile: 2) }

    /// Runs download tasks `0..<tasks` under `mode` against `server`.
    func run(_ mode: Mode, _ workload: DownloadWorkload = Self.workload, tasks: Int = 1,
             from server: ScriptedServer) async throws -> ExecutionResult {
        let request = ExecutionRequest(workload: .download(workload), input: .server(port: server.port), tasks: tasks, workers: 1,
                                       taskTimeoutSeconds: 60)
        let result = try await onOwnThread { mode.executor(workerPath: builtWorkerPath).run(request) }
        server.join()
        return result
    }

    /// The failure of a one-task trial, "" when it succeeded.
    func failure(_ result: ExecutionResult) -> String { result.outcomes.first?.error ?? "" }

    @Test("a whole response gives the task's digest; the request names the file and asks to close", arguments: clients)
    func good(mode: Mode) async throws {
        let file0 = Self.workload.content(ofFile: 0)
        let server = try ScriptedServer([[.init(bytes: Self.head(length: 5_000) + file0, ending: .close)]])
        let result = try await run(mode, from: server)
        #expect(result.errorSummary == nil)
        #expect(result.outcomes.first?.digest == DownloadWorkload.digest(task: 0, body: file0))
        let request = try #require(server.requests.first)
        #expect(request.hasPrefix("GET /files/0 HTTP/1.1\r\n"))
        #expect(request.contains("Host: 127.0.0.1:\(server.port)\r\n"))
        #expect(request.contains("Connection: close\r\n"))
    }

    @Test("keep-alive: two downloads on one connection, without Connection: close", arguments: clients)
    func keepAlive(mode: Mode) async throws {
        var workload = Self.workload
        workload.keepAlive = true
        let server = try ScriptedServer([[
            .init(bytes: Self.head(length: 5_000, close: false) + workload.content(ofFile: 0), ending: .stayOpen),
            .init(bytes: Self.head(length: 5_000, close: false) + workload.content(ofFile: 1), ending: .stayOpen),
        ]])
        let result = try await run(mode, workload, tasks: 2, from: server)
        #expect(result.errorSummary == nil)
        #expect(result.combinedDigest == workload.referenceDigest(tasks: 2))
        #expect(server.accepted == 1)
        #expect(server.requests.count == 2 && server.requests.allSatisfy { !$0.contains("Connection: close") })
    }

    @Test("a truncated response is a connection error naming how many bytes came", arguments: clients)
    func truncated(mode: Mode) async throws {
        let server = try ScriptedServer([[.init(bytes: Self.head(length: 5_000) + Array(Self.file2.prefix(1_200)), ending: .close)]])
        let message = failure(try await run(mode, from: server))
        #expect(message.hasPrefix(DownloadError.connectionPrefix), "\(message)")
        #expect(message.contains("1200 of 5000 body bytes"), "\(message)")
    }

    @Test("a Content-Length other than the file's size is a bad response", arguments: clients)
    func wrongLength(mode: Mode) async throws {
        let server = try ScriptedServer([[.init(bytes: Self.head(length: 100) + Array(Self.file2.prefix(100)), ending: .close)]])
        let message = failure(try await run(mode, from: server))
        #expect(message.hasPrefix("bad response: "), "\(message)")
        #expect(message.contains("Content-Length 100") && message.contains("5000"), "\(message)")
    }

    @Test("a body longer than its Content-Length, before the close, is a bad response", arguments: clients)
    func longerThanDeclared(mode: Mode) async throws {
        let server = try ScriptedServer([[.init(bytes: Self.head(length: 5_000) + Self.file2 + Array("EXTRA".utf8), ending: .close)]])
        let message = failure(try await run(mode, from: server))
        #expect(message.hasPrefix("bad response: "), "\(message)")
        #expect(message.contains("after the end of the response"), "\(message)")
    }

    @Test("a reset connection is a connection error", arguments: clients)
    func reset(mode: Mode) async throws {
        let server = try ScriptedServer([[.init(bytes: Self.head(length: 5_000) + Array(Self.file2.prefix(700)), ending: .reset)]])
        let message = failure(try await run(mode, from: server))
        #expect(message.hasPrefix(DownloadError.connectionPrefix), "\(message)")
        #expect(message.lowercased().contains("reset") || message.contains("truncated"), "\(message)")
    }

    @Test("a status other than 200 is a bad response naming it", arguments: clients)
    func notFound(mode: Mode) async throws {
        let server = try ScriptedServer([[.init(bytes: Self.head(length: 4, status: "404 Not Found") + Array("no\r\n".utf8), ending: .close)]])
        let message = failure(try await run(mode, from: server))
        #expect(message.hasPrefix("bad response: ") && message.contains("answered 404"), "\(message)")
    }

    @Test("garbage instead of HTTP is a bad response", arguments: clients)
    func garbage(mode: Mode) async throws {
        let server = try ScriptedServer([[.init(bytes: Array("SSH-2.0-OpenSSH_9.2\r\n\r\n".utf8), ending: .close)]])
        let message = failure(try await run(mode, from: server))
        #expect(message.hasPrefix("bad response: "), "\(message)")
    }

    @Test("a port nobody listens on is a connection error: refused", arguments: clients)
    func refused(mode: Mode) async throws {
        let listener = try LoopbackSocket.listen()
        let port = try listener.localPort()
        listener.close()
        let request = ExecutionRequest(workload: .download(Self.workload), input: .server(port: port), tasks: 2, workers: 2)
        let result = try await onOwnThread { mode.executor(workerPath: builtWorkerPath).run(request) }
        #expect(result.outcomes.allSatisfy { ($0.error ?? "").hasPrefix(DownloadError.connectionPrefix) })
        #expect(result.outcomes.allSatisfy { ($0.error ?? "").lowercased().contains("refused") }, "\(result.errorSummary ?? "")")
    }
}
