import Foundation
import Testing
import TVPSystem

/// What tvp says when something it is given is wrong (issue 23, items 6 and 8–14): each message
/// names the file, port or variable and the fix, and nothing hangs.
@Suite("messages that name the file and the fix", .serialized)
struct MessagesTests {
    func write(_ text: String, to path: String) throws { try Files.writeDurably(Array(text.utf8), to: path) }

    var built: String { (Files.currentExecutablePath()! as NSString).deletingLastPathComponent }

    @Test("TVP_WORKER names a wrapper script: serial and threads still find the download server (this tvp); a missing executable names its variable")
    func executablesFoundOnTheirOwnTerms() throws {
        let directory = try scratchDirectory()
        defer { Files.removeTree(directory) }
        try Files.makeDirectories("\(directory)/wrapper")
        try write("#!/bin/sh\nexec \(built)/tvp-worker \"$@\"\n", to: "\(directory)/wrapper/worker.sh")
        try Files.setMode("\(directory)/wrapper/worker.sh", 0o755)
        try write("repetitions: 1\nwarmup: 0\ntasks: 2\nworkloads:\n  download: { latency_ms: 1, files: 2, file_size: 1KiB }\nmodes: [serial, threads, processes]\nworkers: [2]\n",
                  to: "\(directory)/d.yaml")
        let wrapped = try runTVP(["run", "d.yaml", "--out", "out", "--no-plot"], in: directory,
                                 environment: ["TVP_WORKER": "\(directory)/wrapper/worker.sh"])
        #expect(wrapped.status == 0, "stderr: \(wrapped.stderr)")

        try write("repetitions: 1\nwarmup: 0\ntasks: 2\nworkloads: { null: {} }\nmodes: [processes]\n", to: "\(directory)/n.yaml")
        let noWorker = try runTVP(["run", "n.yaml", "--out", "out2", "--no-plot"], in: directory, environment: ["TVP_WORKER": "/nonexistent/worker"])
        #expect(noWorker.status == 1 && noWorker.stderr.contains("$TVP_WORKER=/nonexistent/worker"), "stderr: \(noWorker.stderr)")
        let noServer = try runTVP(["run", "d.yaml", "--out", "out3", "--no-plot"], in: directory, environment: ["TVP_SERVER": "/nonexistent/tvp"])
        #expect(noServer.status == 1 && noServer.stderr.contains("$TVP_SERVER=/nonexistent/tvp"), "stderr: \(noServer.stderr)")
    }

    @Test("tvp serve on a port in use: exit 1, the port named and `--port 0` suggested, no NIO internals")
    func servePortInUse() throws {
        let taken = try LoopbackSocket.listen()
        defer { taken.close() }
        let port = try taken.localPort()
        let result = try runTVP(["serve", "--port", String(port)], in: "/")
        #expect(result.status == 1)
        #expect(result.stderr.contains("port \(port) is already in use") && result.stderr.contains("--port 0"), "stderr: \(result.stderr)")
        #expect(!result.stderr.contains("descriptor:"), "stderr: \(result.stderr)")
    }

    @Test("tvp serve ends by the signal that stops it, as its help says")
    func serveStoppedBySignal() throws {
        let help = try runTVP(["serve", "--help"], in: "/")
        let text = help.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(text.contains("ends by the signal") && text.contains("143 after SIGTERM"), "\(help.stdout)")
        let server = try BackgroundTVP(["serve", "--port", "0"], in: "/", environment: [:])
        Thread.sleep(forTimeInterval: 1)
        kill(server.pid, SIGTERM)
        #expect(server.finish().status == 128 + SIGTERM)
    }

    @Test("a plugin task that prints to stdout under a process mode: the error says stdout belongs to tvp and to print to stderr")
    func pluginPrintsToStandardOutput() throws {
        let directory = try scratchDirectory()
        defer { Files.removeTree(directory) }
        try PluginBuilds.testPlugin("libtest.so", in: directory)
        try write("repetitions: 1\nwarmup: 0\ntasks: 2\nworkloads:\n  plugin: { library: libtest.so, symbol: prints }\nmodes: [processes]\nworkers: [2]\n",
                  to: "\(directory)/s.yaml")
        let result = try runTVP(["run", "s.yaml", "--out", "out", "--no-plot"], in: directory)
        #expect(result.status == 1)
        #expect(result.stderr.contains("libtest.so") && result.stderr.contains("must not print to stdout")
                && result.stderr.contains("print to stderr"), "stderr: \(result.stderr)")
        let header = try String(contentsOfFile: "\(PluginBuilds.include)/tvp_task.h", encoding: .utf8)
        #expect(header.contains("Standard output belongs to tvp"))
    }

    @Test("a FIFO, a directory or a device as the scenario, a FIFO as the plugin library: exit 1 at once, naming the file, what it is and the fix",
          .timeLimit(.minutes(1)))
    func irregularFiles() throws {
        let directory = try scratchDirectory()
        defer { Files.removeTree(directory) }
        #expect(try runProgram("/usr/bin/mkfifo", ["\(directory)/fifo.yaml", "\(directory)/fifo.so"], in: directory).status == 0)
        for (path, kind) in [("\(directory)/fifo.yaml", "is a FIFO (named pipe)"), (directory, "is a directory"), ("/dev/zero", "is a character device")] {
            let result = try runTVP(["run", path, "--out", "out", "--no-plot"], in: directory)
            #expect(result.status == 1 && result.stderr.contains("\(path): \(kind), not a scenario file") && result.stderr.contains("YAML file"),
                    "stderr: \(result.stderr)")
        }
        try write("repetitions: 1\nworkloads:\n  plugin: { library: fifo.so, symbol: good }\nmodes: [serial]\n", to: "\(directory)/s.yaml")
        let library = try runTVP(["run", "s.yaml", "--out", "out", "--no-plot"], in: directory)
        #expect(library.status == 1 && library.stderr.contains("s.yaml:3") && library.stderr.contains("fifo.so is a FIFO (named pipe), not a shared library"),
                "stderr: \(library.stderr)")
    }

    @Test("deterministic: [false, true] is refused with the file, the line and the fix")
    func deterministicList() throws {
        let directory = try scratchDirectory()
        defer { Files.removeTree(directory) }
        try PluginBuilds.testPlugin("libtest.so", in: directory)
        try write("repetitions: 1\nworkloads:\n  plugin: { library: libtest.so, symbol: good, deterministic: [false, true] }\nmodes: [serial]\n",
                  to: "\(directory)/s.yaml")
        let result = try runTVP(["run", "s.yaml", "--out", "out", "--no-plot"], in: directory)
        #expect(result.status == 1 && result.stderr.contains("s.yaml:3") && result.stderr.contains("deterministic")
                && result.stderr.contains("takes one value"), "stderr: \(result.stderr)")
        #expect(Files.directoryEntries("\(directory)/out").isEmpty)
    }

    @Test("a summary.csv row of another schema version is refused by tvp report, naming the file and the line")
    func summaryOfMixedSchemas() throws {
        let directory = try scratchDirectory()
        defer { Files.removeTree(directory) }
        try write("repetitions: 1\nwarmup: 0\ntasks: 2\nworkloads: { null: {} }\nmodes: [serial, threads]\nworkers: [2]\n", to: "\(directory)/s.yaml")
        #expect(try runTVP(["run", "s.yaml", "--out", "out", "--no-plot"], in: directory).status == 0)
        let run = try runFolder("\(directory)/out")
        var lines = try String(contentsOfFile: "\(run)/summary.csv", encoding: .utf8).split(separator: "\n").map(String.init)
        let version = try #require(lines[1].split(separator: ",").first)
        lines[2] = "4" + lines[2].dropFirst(version.count)
        try write(lines.joined(separator: "\n") + "\n", to: "\(run)/summary.csv")
        let result = try runTVP(["report", run], in: directory)
        #expect(result.status == 1 && result.stderr.contains("summary.csv") && result.stderr.contains("line 3 has schema_version 4"),
                "stderr: \(result.stderr)")
    }

    @Test("a full TMPDIR names the fixture file and the folder, and the fix")
    func fullTemporaryDirectory() throws {
        guard canMount else {
            print("skipped: this machine cannot make a private mount namespace (unshare -m needs root)")
            return
        }
        let directory = try scratchDirectory()
        defer { Files.removeTree(directory) }
        try Files.makeDirectories("\(directory)/tmp")
        try write("repetitions: 1\nwarmup: 0\ntasks: 4\nworkloads:\n  io: { sleep_ms: 1, files_per_task: 1, file_size: 256KiB }\nmodes: [serial]\n",
                  to: "\(directory)/s.yaml")
        let status = try inMountNamespace("mount -t tmpfs -o size=128k tmpfs '\(directory)/tmp' && cd '\(directory)' && '\(tvpPath)' run s.yaml --out out --no-plot 2> err.txt",
                                          environment: ["TMPDIR": "\(directory)/tmp"])
        let stderr = try String(contentsOfFile: "\(directory)/err.txt", encoding: .utf8)
        #expect(status == 1, "stderr: \(stderr)")
        #expect(stderr.contains("\(directory)/tmp (TMPDIR)") && stderr.contains("write \(directory)/tmp/tvp-fixtures-")
                && stderr.contains("set TMPDIR to a folder with room"), "stderr: \(stderr)")
        #expect(!stderr.contains("write fd"), "stderr: \(stderr)")
    }
}
