import ArgumentParser
import Foundation
import TVPFormatting
import TVPWorkloads
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
    var files: Int = DownloadWorkload.defaultFiles

    @Option(name: .customLong("file-size"), help: "Bytes per file, e.g. 16KiB, 1MiB, 4096.")
    var fileSize: String = ByteSize.format(DownloadWorkload.defaultFileSize)

    @Option(name: .customLong("latency-ms"), help: "Milliseconds the server waits before each answer.")
    var latencyMilliseconds: Double = DownloadWorkload.defaultLatencyMilliseconds

    @Option(name: .long, help: "Event-loop threads (default: the CPUs tvp may use).")
    var threads: Int?

    @Flag(name: .long, help: "Run the event loops at real-time round-robin priority 1, ahead of every ordinary thread, as a remote server would be (needs root or CAP_SYS_NICE; refused: a note, then normal priority). tvp run passes it.")
    var realtime = false

    func validate() throws {
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be between 0 and 65535, got \(port)") }
        guard DownloadWorkload.filesRange.contains(files) else {
            throw ValidationError("--files must be between 1 and \(DownloadWorkload.filesRange.upperBound), got \(files)")
        }
        guard let bytes = ByteSize.parse(fileSize), DownloadWorkload.fileSizeRange.contains(bytes) else {
            throw ValidationError("--file-size must be a size from 0 to 64MiB such as 16KiB, got '\(fileSize)'")
        }
        guard files * bytes <= DownloadWorkload.maximumTotalBytes else {
            throw ValidationError("--files × --file-size must stay within 1GiB (the server holds every file in memory)")
        }
        guard DownloadWorkload.latencyMillisecondsRange.contains(latencyMilliseconds) else {
            throw ValidationError("--latency-ms must be between 0 and 600000, got \(latencyMilliseconds)")
        }
        if let threads, !(1...1_024).contains(threads) { throw ValidationError("--threads must be between 1 and 1024, got \(threads)") }
    }

    func run() throws {
        if let refused = DownloadServer.prepareProcess(realtime: realtime) {
            printError("tvp serve: note: real-time priority refused (\(refused)); serving at normal priority, so busy clients on the same CPUs can delay answers")
        }
        let configuration = DownloadServerConfiguration(
            files: files, fileSize: ByteSize.parse(fileSize) ?? 0,
            latencyNanoseconds: UInt64((latencyMilliseconds * 1e6).rounded()))
        let server: DownloadServer
        do {
            server = try DownloadServer.start(configuration, port: port, threads: threads ?? DownloadServer.defaultThreads)
        } catch {
            fail("\(error)")
        }
        FileHandle.standardOutput.write(Data(server.readyLine.utf8))
        try server.wait()
    }
}
