import ArgumentParser
import Foundation
import TVPFormatting
import TVPPlan
import TVPServe

struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the download workload's files over HTTP/1.1 on 127.0.0.1 until stopped.",
        discussion: """
            Answers GET /files/<index> (0 <= index < FILES) with FILE_SIZE bytes of the workload's \
            deterministic content, after LATENCY_MS: the server `tvp run` starts for `download` tasks, \
            here for any client (curl, wrk, Python). Prints one line with the address once it listens; \
            stop it with Ctrl-C or SIGTERM.

            Exit status: 1 it could not listen (port taken, bad option). Stopped, it ends by the signal \
            that stopped it, as `yes` or `cat` do (a shell shows 130 after Ctrl-C, 143 after SIGTERM).
            """
    )

    @Option(name: .long, help: "Port on 127.0.0.1 (0: a free port, printed when listening).")
    var port: Int = 8080

    @Option(name: .long, help: "Number of files.")
    var files: Int = DownloadServer.defaultFiles

    @Option(name: .customLong("file-size"), help: "Bytes per file, e.g. 16KiB, 1MiB, 4096.")
    var fileSize: String = DownloadServer.defaultFileSizeText

    @Option(name: .customLong("latency-ms"), help: "Milliseconds the server waits before each answer.")
    var latencyMilliseconds: Double = DownloadServer.defaultLatencyMilliseconds

    @Option(name: .long, help: "Event-loop threads (default: the CPUs tvp may use).")
    var threads: Int?

    @Flag(name: .long, help: "Run the event loops at real-time round-robin priority 1, ahead of every ordinary thread, as a remote server would be (needs root or CAP_SYS_NICE; refused: a note, then normal priority). tvp run passes it.")
    var realtime = false

    func validate() throws {
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be between 0 and 65535, got \(port)") }
        if let problem = DownloadServer.optionProblem(files: files, fileSize: DownloadServer.fileSize(parsing: fileSize), fileSizeText: fileSize,
                                                      latencyMilliseconds: latencyMilliseconds) {
            throw ValidationError(problem)
        }
        if let threads, !(1...1_024).contains(threads) { throw ValidationError("--threads must be between 1 and 1024, got \(threads)") }
    }

    func run() throws {
        if let refused = DownloadServer.prepareProcess(realtime: realtime) {
            printError("tvp serve: note: real-time priority refused (\(refused)); serving at normal priority, so busy clients on the same CPUs can delay answers")
        }
        let server: DownloadServer
        do {
            server = try DownloadServer.start(files: files, fileSize: DownloadServer.fileSize(parsing: fileSize) ?? 0, latencyMilliseconds: latencyMilliseconds,
                                              port: port, threads: threads ?? DownloadServer.defaultThreads)
        } catch {
            fail("\(error)")
        }
        FileHandle.standardOutput.write(Data(server.readyLine.utf8))
        try server.wait()
    }
}
