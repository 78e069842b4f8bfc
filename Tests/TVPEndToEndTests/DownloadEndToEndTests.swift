import Foundation
import Testing
import TVPSystem
import TVPWorkloads

/// `tvp serve` started by hand, as a user would, on a free port.
private final class ServeProcess {
    let process: Process
    let port: Int

    init(_ arguments: [String]) throws {
        let process = Process()
        self.process = process
        process.executableURL = URL(fileURLWithPath: tvpPath)
        process.arguments = ["serve", "--port", "0"] + arguments
        let out = closeOnExecPipe()
        process.standardOutput = out
        try process.run()
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let byte = out.fileHandleForReading.readData(ofLength: 1)
            if byte.isEmpty { break }
            line += byte
        }
        let text = String(decoding: line, as: UTF8.self)
        guard let range = text.range(of: "127.0.0.1:"), let port = Int(text[range.upperBound...].prefix { $0.isNumber }) else {
            process.terminate()
            throw ServeError(line: text)
        }
        self.port = port
    }

    func stop() {
        process.terminate()
        process.waitUntilExit()
    }

    struct ServeError: Error { let line: String }
}

/// Runs `command` (argv[0] looked up on PATH) with the soft descriptor limit raised to the hard one.
private func runTool(_ command: [String]) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    process.arguments = ["-c", "ulimit -n \"$(ulimit -Hn)\"; exec \"$@\"", "sh"] + command
    let out = closeOnExecPipe()
    process.standardOutput = out
    process.standardError = out
    try process.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}

/// `tvp serve` processes among them.
private func servers(withMarker marker: String) -> [Int32] {
    processes(withMarker: marker).compactMap { pid in
        guard let cmdline = try? Files.readAll("/proc/\(pid)/cmdline") else { return nil }
        let arguments = cmdline.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
        return arguments.count > 1 && arguments[1] == "serve" ? Int32(pid) : nil
    }
}

/// Waits up to `seconds` for `condition`.
private func eventually(_ seconds: Double, _ condition: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if condition() { return true }
        Thread.sleep(forTimeInterval: 0.05)
    }
    return condition()
}

@Suite("downloads end to end", .serialized)
struct DownloadEndToEndTests {
    @Test("tvp serve: curl downloads a file with the right length and bytes; a missing file is a 404")
    func curl() throws {
        let server = try ServeProcess(["--files", "10", "--file-size", "20000", "--latency-ms", "5"])
        defer { server.stop() }
        let directory = try scratchDirectory()
        defer { Files.removeTree(directory) }
        let got = try runTool(["curl", "-sS", "-o", "\(directory)/f7", "-w", "%{http_code} %{size_download}",
                               "http://127.0.0.1:\(server.port)/files/7"])
        #expect(got.status == 0, "curl: \(got.output)")
        #expect(got.output == "200 20000")
        let expected = DownloadWorkload(files: 10, fileSize: 20_000, latencyNanoseconds: 0, keepAlive: false).content(ofFile: 7)
        #expect(try Files.readAll("\(directory)/f7") == expected)
        let missing = try runTool(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "http://127.0.0.1:\(server.port)/files/10"])
        #expect(missing.output == "404")
    }

    @Test("tvp serve: wrk with 1,000 connections sees no socket error and no error status")
    func wrk() throws {
        let server = try ServeProcess(["--files", "100", "--file-size", "16KiB", "--latency-ms", "20"])
        defer { server.stop() }
        let got = try runTool(["wrk", "-t", "2", "-c", "1000", "-d", "2s", "--timeout", "10s", "http://127.0.0.1:\(server.port)/files/3"])
        #expect(got.status == 0, "wrk did not run (install it: apt-get install wrk): \(got.output)")
        #expect(got.output.contains("1000 connections"), "\(got.output)")
        #expect(!got.output.contains("Socket errors"), "\(got.output)")
        #expect(!got.output.contains("Non-2xx"), "\(got.output)")
        let requests = got.output.split(separator: "\n").first { $0.contains("requests in") }
            .flatMap { Int($0.split(separator: " ").first ?? "") } ?? 0
        #expect(requests >= 1_000, "\(got.output)")
    }

    @Test("tvp serve: ab with 1,000 concurrent connections, one per request, fails none")
    func apacheBench() throws {
        let server = try ServeProcess(["--files", "100", "--file-size", "16KiB", "--latency-ms", "20"])
        defer { server.stop() }
        let got = try runTool(["ab", "-q", "-n", "3000", "-c", "1000", "-s", "10", "http://127.0.0.1:\(server.port)/files/9"])
        #expect(got.status == 0, "ab did not run (install it: apt-get install apache2-utils): \(got.output)")
        #expect(got.output.contains("Concurrency Level:      1000"), "\(got.output)")
        #expect(got.output.contains("Complete requests:      3000"), "\(got.output)")
        #expect(got.output.contains("Failed requests:        0"), "\(got.output)")
        #expect(got.output.contains("Document Length:        16384 bytes"), "\(got.output)")
    }

    @Test("tvp run: download digests agree across every mode and both connection kinds; the server's share is recorded")
    func everyMode() throws {
        let directory = try scratchDirectory()
        defer { Files.removeTree(directory) }
        let marker = UUID().uuidString
        try Files.writeDurably(Array("""
            name: dl
            repetitions: 1
            warmup: 0
            tasks: 9
            workloads:
              download: { latency_ms: 2, files: 5, file_size: 20000, keep_alive: [false, true] }
            modes: [serial, threads, processes, process-pool, gil, gil-release, async]
            workers: [1, 3]
            """.utf8), to: "\(directory)/dl.yaml")
        let result = try runTVP(["run", "dl.yaml", "--out", "out", "--no-plot"], in: directory, environment: ["TVP_TEST_MARKER": marker])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let run = "\(directory)/out/\(try #require(Files.directoryEntries("\(directory)/out").first))"
        let trials = try readCSV("\(run)/trials.csv")
        #expect(trials.rows.count == 2 * (1 + 6 * 2))
        #expect(trials.rows.allSatisfy { $0["ok"] == "true" && $0["connection_errors"] == "0" })
        #expect(Set(trials.rows.compactMap { $0["digest"] }).count == 1, "digests differ across modes")
        #expect(Set(trials.rows.compactMap { $0["mode"] }).count == 7)
        #expect(trials.rows.allSatisfy { Int($0["server_max_rss_kib"] ?? "") ?? 0 > 0 && !($0["server_cpu_s"] ?? "").isEmpty })
        #expect(trials.rows.allSatisfy { Int($0["tvp_max_rss_kib"] ?? "") ?? 0 > 0 })
        #expect(servers(withMarker: marker).isEmpty, "a server outlived the run")
    }

    /// Starts `tvp run` on `scenario` in `directory` with `marker` in its environment.
    private func startRun(_ scenario: String, in directory: String, marker: String) throws -> (Process, Pipe) {
        try Files.writeDurably(Array(scenario.utf8), to: "\(directory)/s.yaml")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tvpPath)
        process.arguments = ["run", "s.yaml", "--out", "out", "--no-plot"]
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.environment = testEnvironment.merging(["TVP_TEST_MARKER": marker]) { $1 }
        let err = closeOnExecPipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        return (process, err)
    }

    static let slow = """
        name: slow
        repetitions: 4
        warmup: 0
        tasks: 6
        workloads:
          download: { latency_ms: 300, files: 2, file_size: 1000 }
        modes: [threads]
        workers: [1]
        """

    @Test("a server killed mid-trial fails that trial with a message; the run goes on with a new server")
    func serverDies() throws {
        let directory = try scratchDirectory()
        defer { Files.removeTree(directory) }
        let marker = UUID().uuidString
        let (process, err) = try startRun(Self.slow, in: directory, marker: marker)
        #expect(eventually(30) { !servers(withMarker: marker).isEmpty })
        let first = try #require(servers(withMarker: marker).first)
        Thread.sleep(forTimeInterval: 0.5)
        kill(first, SIGKILL)
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 1, "stderr: \(stderr)")
        #expect(stderr.contains("download server"), "\(stderr)")
        let run = "\(directory)/out/\(try #require(Files.directoryEntries("\(directory)/out").first))"
        let trials = try readCSV("\(run)/trials.csv")
        #expect(trials.rows.count == 4, "the run must go on after the failed trial")
        let failed = trials.rows.filter { $0["ok"] == "false" }
        #expect(failed.count == 1)
        #expect(failed.first?["error"]?.contains("the download server tvp serve (pid \(first)) ended during the trial (killed by signal 9 (SIGKILL))") == true,
                "\(failed.first?["error"] ?? "")")
        #expect(trials.rows.filter { $0["ok"] == "true" }.count == 3)
        #expect(servers(withMarker: marker).isEmpty, "a server outlived the run")
    }

    @Test("Ctrl-C mid-run leaves no server; nor does a tvp killed outright", arguments: [SIGINT, SIGKILL])
    func noServerLeft(signal: Int32) throws {
        let directory = try scratchDirectory()
        defer { Files.removeTree(directory) }
        let marker = UUID().uuidString
        let (process, err) = try startRun(Self.slow, in: directory, marker: marker)
        #expect(eventually(30) { !servers(withMarker: marker).isEmpty })
        Thread.sleep(forTimeInterval: 0.3)
        kill(process.processIdentifier, signal)
        _ = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == (signal == SIGINT ? 130 : SIGKILL))
        #expect(eventually(10) { servers(withMarker: marker).isEmpty }, "a server outlived tvp: \(servers(withMarker: marker))")
        #expect(eventually(10) { processes(withMarker: marker).isEmpty }, "processes left: \(processes(withMarker: marker))")
    }
}
