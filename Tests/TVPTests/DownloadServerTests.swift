import Testing
import TVPSystem
import TVPWorkloads
@testable import TVPMeasure
@testable import TVPPlan
@testable import TVPServe

/// Sends `request` to the server on `port` and reads until it closes the connection; the answer as
/// text (a binary body shows as replacement characters).
func rawExchange(_ request: String, port: Int) throws -> String {
    String(decoding: try rawBytes(request, port: port), as: UTF8.self)
}

/// Sends `request` to the server on `port` and returns every byte until it closes the connection.
func rawBytes(_ request: String, port: Int) throws -> [UInt8] {
    let socket = try LoopbackSocket.connect(port: UInt16(port), timeoutSeconds: 10)
    defer { socket.close() }
    try socket.sendAll(Array(request.utf8).span.bytes)
    var answer: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65_536)
    while true {
        let n = try socket.receive(into: &buffer)
        if n == 0 { break }
        answer += buffer[0..<n]
    }
    return answer
}

@Suite("Download server", .serialized)
struct DownloadServerTests {
    @Test("requests are routed: files by index, everything else a 404 or a 405 with a reason", arguments: [
        ("GET", "/files/0", FileRoute.file(0)), ("GET", "/files/99", .file(99)), ("HEAD", "/files/5?x=1", .file(5)),
        ("GET", "/files/100", .error(status: 404, reason: "file 100 does not exist: this server holds files 0 to 99")),
        ("GET", "/files/-1", .error(status: 404, reason: "'-1' is not a file index: use /files/<index> with an index from 0 to 99")),
        ("GET", "/files/", .error(status: 404, reason: "'' is not a file index: use /files/<index> with an index from 0 to 99")),
        ("GET", "/files/99999999999999999999", .error(status: 404, reason: "'99999999999999999999' is not a file index: use /files/<index> with an index from 0 to 99")),
        ("GET", "/", .error(status: 404, reason: "no such path: use /files/<index> with an index from 0 to 99")),
        ("POST", "/files/1", .error(status: 405, reason: "only GET is served here, got POST")),
    ])
    func routes(method: String, uri: String, route: FileRoute) {
        #expect(FileRoute.resolve(method: method, uri: uri, files: 100) == route)
    }

    @Test("every mode downloads the same bytes from a running server: digests equal the files' reference",
          arguments: [false, true])
    func everyMode(keepAlive: Bool) async throws {
        let configuration = DownloadServerConfiguration(files: 5, fileSize: 70_001, latencyNanoseconds: 2_000_000)
        let server = try DownloadServer.start(configuration, threads: 2)
        defer { server.stop() }
        let workload = DownloadWorkload(files: 5, fileSize: 70_001, latencyNanoseconds: 2_000_000, keepAlive: keepAlive)
        let request = ExecutionRequest(workload: .download(workload), input: .server(port: UInt16(server.port)), tasks: 12, workers: 3)
        for mode in Mode.allCases {
            let result = try await onOwnThread { mode.executor(workerPath: builtWorkerPath).run(request) }
            #expect(result.errorSummary == nil, "\(mode): \(result.errorSummary ?? "")")
            #expect(result.combinedDigest == workload.referenceDigest(tasks: 12), "\(mode)")
        }
    }

    @Test("malformed and unknown requests get an error status, and the server goes on serving")
    func badRequests() throws {
        let server = try DownloadServer.start(DownloadServerConfiguration(files: 3, fileSize: 10, latencyNanoseconds: 0), threads: 1)
        defer { server.stop() }
        #expect(try rawExchange("GET /files/7 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", port: server.port)
            .hasPrefix("HTTP/1.1 404 Not Found\r\n"))
        #expect(try rawExchange("DELETE /files/1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", port: server.port)
            .hasPrefix("HTTP/1.1 405 Method Not Allowed\r\n"))
        #expect(try rawExchange("\u{1}\u{2} nonsense\r\n\r\n", port: server.port).hasPrefix("HTTP/1.1 400 Bad Request\r\n"))
        let good = try rawBytes("GET /files/2 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", port: server.port)
        let head = String(decoding: good.prefix(good.count - 10), as: UTF8.self)
        #expect(head.hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(head.contains("Content-Length: 10\r\n") && head.contains("Connection: close\r\n") && head.hasSuffix("\r\n\r\n"))
        #expect(Array(good.suffix(10)) == DownloadWorkload(files: 3, fileSize: 10, latencyNanoseconds: 0, keepAlive: false).content(ofFile: 2))
    }

    @Test("no answer comes before the server's latency")
    func latency() throws {
        let server = try DownloadServer.start(DownloadServerConfiguration(files: 1, fileSize: 1, latencyNanoseconds: 80_000_000), threads: 1)
        defer { server.stop() }
        let start = MonotonicInstant.now()
        _ = try rawExchange("GET /files/0 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", port: server.port)
        #expect(MonotonicInstant.now().seconds(since: start) >= 0.079)
    }

    @Test("the ready line names the port, and only a ready line gives one")
    func readyLine() throws {
        let server = try DownloadServer.start(DownloadServerConfiguration(files: 2, fileSize: 1, latencyNanoseconds: 0), threads: 1)
        defer { server.stop() }
        #expect(DownloadServer.port(inReadyLine: server.readyLine) == server.port)
        #expect(server.port > 0)
        #expect(DownloadServer.port(inReadyLine: "listening on 8080") == nil)
    }
}
