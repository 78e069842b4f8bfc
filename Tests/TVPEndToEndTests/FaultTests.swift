import Foundation
import Testing
import TVPSystem

/// The built `tvp`.
let tvpPath = (Files.currentExecutablePath()! as NSString).deletingLastPathComponent + "/tvp"

/// A `tvp` started in the background, for tests that signal it mid-run; its stderr is collected.
final class BackgroundTVP: @unchecked Sendable {
    let process = Process()
    private let errors = closeOnExecPipe()
    private var collected = Data()
    private let group = DispatchGroup()

    init(_ arguments: [String], in directory: String, environment: [String: String]) throws {
        process.executableURL = URL(fileURLWithPath: tvpPath)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.environment = testEnvironment.merging(environment) { $1 }
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        DispatchQueue.global().async(group: group) { [self] in collected = errors.fileHandleForReading.readDataToEndOfFile() }
    }

    var pid: Int32 { process.processIdentifier }

    /// Waits for the exit (at most 120 s; then it is killed) and returns the exit status and stderr.
    func finish() -> (status: Int32, stderr: String) {
        if group.wait(timeout: .now() + 120) == .timedOut { kill(pid, SIGKILL) }
        process.waitUntilExit()
        return (process.terminationReason == .exit ? process.terminationStatus : 128 + process.terminationStatus,
                String(decoding: collected, as: UTF8.self))
    }
}

/// Processes (not zombies) whose environment holds `marker`: what tvp and everything it started inherited.
func processes(withMarker marker: String) -> [String] {
    Files.directoryEntries("/proc").filter { pid in
        guard Int32(pid) != nil, let environ = try? Files.readAll("/proc/\(pid)/environ"),
              String(decoding: environ, as: UTF8.self).contains(marker),
              let stat = ProcFS.readText("/proc/\(pid)/stat"), let close = stat.lastIndex(of: ")") else { return false }
        return stat[stat.index(after: close)...].split(separator: " ").first != "Z"
    }
}

/// Waits up to `seconds` for `condition`, checking every 20 ms; whether it came true.
func waitUntil(seconds: Double = 60, _ condition: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if condition() { return true }
        Thread.sleep(forTimeInterval: 0.02)
    }
    return false
}

/// The run folder tvp made under `out`.
func runFolder(_ out: String) throws -> String {
    "\(out)/\(try #require(Files.directoryEntries(out).first))"
}

func meta(_ run: String) throws -> [String: Any] {
    try #require(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(run)/meta.json"))) as? [String: Any])
}

/// Whether this machine lets the tests make a private mount namespace (`unshare -m`, as root).
let canMount: Bool = {
    let probe = Process()
    probe.executableURL = URL(fileURLWithPath: "/usr/bin/unshare")
    probe.arguments = ["-m", "sh", "-c", "mount -t tmpfs -o size=1m tmpfs /mnt"]
    probe.standardError = FileHandle.nullDevice
    guard (try? probe.run()) != nil else { return false }
    probe.waitUntilExit()
    return probe.terminationStatus == 0
}()

/// Runs `script` with `sh` in a private mount namespace; its exit status.
func inMountNamespace(_ script: String, environment: [String: String]) throws -> Int32 {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/unshare")
    process.arguments = ["-m", "sh", "-c", script]
    process.environment = testEnvironment.merging(environment) { $1 }
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    return process.terminationStatus
}

/// Every row of a trials.csv has as many fields as its header, and the file ends with a newline.
func rowsAreWhole(_ path: String) throws -> Bool {
    let text = try String(contentsOfFile: path, encoding: .utf8)
    let table = try readCSV(path)
    return text.hasSuffix("\n") && table.rows.allSatisfy { $0.count == table.header.count }
}

@Suite("tvp under faults: nothing lost, nothing left", .serialized)
struct FaultTests {
    func write(_ text: String, to path: String) throws { try Files.writeDurably(Array(text.utf8), to: path) }

    @Test("--out \"\" is refused with a message; nothing is written at /")
    func emptyOut() throws {
        let directory = try scratchDirectory()
        defer { Files.removeTree(directory) }
        let name = "emptyout\(getpid())"
        try write("name: \(name)\nworkloads: { null: {} }\nmodes: [serial]\nrepetitions: 1\n", to: "\(directory)/s.yaml")
        let result = try runTVP(["run", "s.yaml", "--out", ""], in: directory)
        #expect(result.status == 1)
        #expect(result.stderr.contains("--out") && result.stderr.contains("empty string"), "stderr: \(result.stderr)")
        #expect(!Files.directoryEntries("/").contains { $0.hasSuffix("-\(name)") })
    }

    @Test("--out on a disk that fills up: only whole rows, the file named, summary.csv and a failed meta.json written")
    func fullDisk() throws {
        guard canMount else {
            print("skipped: this machine cannot make a private mount namespace (unshare -m needs root)")
            return
        }
        let directory = try scratchDirectory()
        defer { Files.removeTree(directory) }
        try write("name: full\nrepetitions: 5000\nwarmup: 0\ntasks: 1\nworkloads: { null: {} }\nmodes: [serial]\n", to: "\(directory)/full.yaml")
        // A 4 MiB disk with 2.9 MB taken leaves room for tvp's 1 MiB reserve and a few hundred rows.
        let status = try inMountNamespace("""
            set -e
            mkdir -p "$D/disk" "$D/copy"
            mount -t tmpfs -o size=4m tmpfs "$D/disk"
            head -c 2900000 /dev/zero > "$D/disk/fill"
            set +e
            cd "$D" && "$TVP" run full.yaml --out "$D/disk/out" --quiet --no-plot 2> "$D/stderr"
            echo $? > "$D/status"
            cp -r "$D/disk/out/." "$D/copy/"
            """, environment: ["D": directory, "TVP": tvpPath])
        #expect(status == 0)
        let stderr = (try? String(contentsOfFile: "\(directory)/stderr", encoding: .utf8)) ?? ""
        #expect((try? String(contentsOfFile: "\(directory)/status", encoding: .utf8)) == "1\n", "stderr: \(stderr)")
        #expect(stderr.contains("trials.csv") && stderr.contains("the disk is full"), "stderr: \(stderr)")
        let run = try runFolder("\(directory)/copy")
        #expect(try rowsAreWhole("\(run)/trials.csv"))
        let rows = try readCSV("\(run)/trials.csv").rows.count
        #expect(rows > 0 && rows < 5000)
        #expect(try readCSV("\(run)/summary.csv").rows.first?["n"] == String(rows))
        let meta = try meta(run)
        #expect(meta["status"] as? String == "failed")
        #expect((meta["reason"] as? String)?.contains("trials.csv") == true)
        #expect(meta["trials_completed"] as? Int == rows)
    }

    @Test("a staged copy larger than its file system (shm: /dev/shm; file: TMPDIR): a clear ENOSPC naming it and the fix, no SIGBUS, summary.csv and a failed meta.json, nothing left",
          arguments: [("shm", "/dev/shm", ["/dev/shm has", "No space left on device", "enlarge /dev/shm"]),
                      ("file", "$D/tmp", ["cannot stage the shared input for `transfer: file`", "shared-", "No space left on device"])])
    func stagingOnFullFileSystem(transfer: String, mountPoint: String, messages: [String]) throws {
        guard canMount else {
            print("skipped: this machine cannot make a private mount namespace (unshare -m needs root)")
            return
        }
        let directory = try scratchDirectory()
        defer { Files.removeTree(directory) }
        try write("""
            name: staging
            repetitions: 2
            warmup: 0
            tasks: 4
            workloads: { null: {}, shared: { input_size: 64MiB, transfer: \(transfer) } }
            modes: [serial, processes]
            workers: [2]
            """, to: "\(directory)/staging.yaml")
        // A 16 MiB file system where the 64 MiB copy goes; what is left on it is listed before it goes.
        let status = try inMountNamespace("""
            set -e
            mkdir -p "$D/tmp"
            mount -t tmpfs -o size=16m tmpfs "\(mountPoint)"
            set +e
            cd "$D" && TMPDIR="$D/tmp" "$TVP" run staging.yaml --out "$D/out" --quiet --no-plot 2> "$D/stderr"
            echo $? > "$D/status"
            { ls -A "\(mountPoint)"; ls -A "$D/tmp"; } > "$D/left"
            """, environment: ["D": directory, "TVP": tvpPath])
        #expect(status == 0)
        let stderr = (try? String(contentsOfFile: "\(directory)/stderr", encoding: .utf8)) ?? ""
        #expect((try? String(contentsOfFile: "\(directory)/status", encoding: .utf8)) == "1\n", "stderr: \(stderr)")
        for message in messages { #expect(stderr.contains(message), "stderr: \(stderr)") }
        let left = (try? String(contentsOfFile: "\(directory)/left", encoding: .utf8)) ?? "?"
        #expect(!left.contains("tvp-"), "left behind: \(left)")
        let run = try runFolder("\(directory)/out")
        #expect(try rowsAreWhole("\(run)/trials.csv"))
        #expect(Files.exists("\(run)/summary.csv"))
        let meta = try meta(run)
        #expect(meta["status"] as? String == "failed")
        #expect((meta["reason"] as? String)?.contains("No space left on device") == true)
    }

    @Test("a SIGKILLed tvp leaves no running worker; the next run removes its fixture folder and says so",
          arguments: ["processes", "process-pool"])
    func killedTVP(mode: String) throws {
        let directory = try scratchDirectory()
        defer { Files.removeTree(directory) }
        let temporary = "\(directory)/tmp"
        try Files.makeDirectories(temporary)
        try write("""
            name: slow
            repetitions: 20
            warmup: 0
            tasks: 4
            workloads: { io: { sleep_ms: 30000, files_per_task: 1, file_size: 4KiB } }
            modes: [\(mode)]
            workers: [2]
            """, to: "\(directory)/slow.yaml")
        let marker = "TVP_TEST_MARKER=\(UUID().uuidString)"
        let tvp = try BackgroundTVP(["run", "slow.yaml", "--out", "out", "--quiet"], in: directory,
                                    environment: ["TMPDIR": temporary, "TVP_TEST_MARKER": String(marker.dropFirst(16))])
        // tvp and its two workers are running a trial.
        #expect(waitUntil { processes(withMarker: marker).count >= 3 })
        kill(tvp.pid, SIGKILL)
        let (status, _) = tvp.finish()
        #expect(status == 128 + SIGKILL)
        #expect(waitUntil(seconds: 3) { processes(withMarker: marker).isEmpty }, "left running: \(processes(withMarker: marker))")
        let leftover = Files.directoryEntries(temporary).filter { $0.hasPrefix("tvp-fixtures-") }
        #expect(leftover.count == 1)

        try write("name: next\nworkloads: { null: {} }\nmodes: [serial]\nrepetitions: 1\nwarmup: 0\n", to: "\(directory)/next.yaml")
        let next = try runTVP(["run", "next.yaml", "--out", "next", "--no-plot"], in: directory, environment: ["TMPDIR": temporary])
        #expect(next.status == 0, "stderr: \(next.stderr)")
        #expect(next.stderr.contains("removed \(temporary)/\(leftover.first ?? "?")") && next.stderr.contains("killed"), "stderr: \(next.stderr)")
        #expect(Files.directoryEntries(temporary).isEmpty)
    }

    /// A pool of 16 workers and a process per task beside serial: 3 descriptors a pool worker.
    static func limitScenario(repetitions: Int) -> String {
        """
        name: limit
        repetitions: \(repetitions)
        warmup: 0
        tasks: 32
        workloads: { null: {} }
        modes: [serial, process-pool, processes]
        workers: [16]
        """
    }

    @Test("a run under a descriptor limit: failed trials name the limit and the fix; no descriptor leaks, nothing is left")
    func descriptorLimit() throws {
        let directory = try scratchDirectory()
        defer { Files.removeTree(directory) }
        try write(Self.limitScenario(repetitions: 3), to: "\(directory)/limit.yaml")
        let marker = "TVP_TEST_MARKER=\(UUID().uuidString)"
        // tvp raises its soft limit to the hard one and refuses a matrix that cannot fit under it
        // (`descriptorBudgetRefused`); a parent that leaks 147 descriptors into it leaves it 50 of its
        // 200, which the pool of 16 (3 each) outgrows in the middle of a trial.
        // The supervising `tvp run` starts its measuring process with descriptors 0-3 only, so the
        // leak reaches the measuring process only when the test starts that process itself
        // (TVP_RUN_REPORT_FD names its report descriptor: 3, here /dev/null).
        let leak = "for ((i = 3; i < 150; i++)); do eval \"exec $i</dev/null\"; done"
        let result = try runTVP(["-c", "ulimit -n 200 && \(leak) && exec \"$TVP\" run limit.yaml --out out --quiet --no-plot"], in: directory, environment: ["TVP": tvpPath, "TVP_TEST_MARKER": String(marker.dropFirst(16)), "TVP_RUN_REPORT_FD": "3"], executable: "/bin/bash")
        #expect(result.status == 1)
        #expect(result.stderr.contains("Too many open files") && result.stderr.contains("ulimit -n"), "stderr: \(result.stderr)")
        let run = try runFolder("\(directory)/out")
        let meta = try meta(run)
        #expect(meta["status"] as? String == "failed")
        let start = try #require(meta["open_descriptors_at_start"] as? Int)
        #expect(meta["open_descriptors_at_end"] as? Int == start)
        #expect(meta["zombie_children_at_end"] as? Int == 0)
        #expect(try readCSV("\(run)/trials.csv").rows.count == 9)
        #expect(Files.exists("\(run)/summary.csv"))
        #expect(processes(withMarker: marker).isEmpty)
    }

    @Test("a matrix wider than the hard descriptor limit is refused before it starts, naming the cell, the limits and the fix")
    func descriptorBudgetRefused() throws {
        let directory = try scratchDirectory()
        defer { Files.removeTree(directory) }
        try write(Self.limitScenario(repetitions: 1), to: "\(directory)/limit.yaml")
        let result = try runTVP(["-c", "ulimit -n 40 && exec \"$TVP\" run limit.yaml --out out --quiet --no-plot"], in: directory,
                                environment: ["TVP": tvpPath], executable: "/bin/sh")
        #expect(result.status == 1)
        #expect(result.stderr.contains("limit.yaml: null process-pool×16 needs about") && result.stderr.contains("may open 40")
                    && result.stderr.contains("ulimit -Hn") && result.stderr.contains("max_workers"), "stderr: \(result.stderr)")
        // Nothing ran, so nothing was written.
        #expect(Files.directoryEntries("\(directory)/out").isEmpty)
    }

    @Test("a TMPDIR that does not exist: exit 1 naming it, summary.csv and a failed meta.json with the reason")
    func badTemporaryDirectory() throws {
        let directory = try scratchDirectory()
        defer { Files.removeTree(directory) }
        try write("workloads: { null: {} }\nmodes: [serial]\nrepetitions: 1\n", to: "\(directory)/s.yaml")
        let result = try runTVP(["run", "s.yaml", "--out", "out", "--no-plot"], in: directory, environment: ["TMPDIR": "\(directory)/missing"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("\(directory)/missing") && result.stderr.contains("TMPDIR"), "stderr: \(result.stderr)")
        let run = try runFolder("\(directory)/out")
        #expect(Files.exists("\(run)/summary.csv"))
        let meta = try meta(run)
        #expect(meta["status"] as? String == "failed")
        #expect((meta["reason"] as? String)?.contains("missing") == true)
    }

    @Test("Ctrl-C while fixture files are written stops tvp at once: exit 130, interrupted, nothing left")
    func interruptFixtures() throws {
        let directory = try scratchDirectory()
        defer { Files.removeTree(directory) }
        let temporary = "\(directory)/tmp"
        try Files.makeDirectories(temporary)
        try write("""
            name: fixtures
            repetitions: 1
            warmup: 0
            tasks: 1024
            workloads: { io: { sleep_ms: 1, files_per_task: 4, file_size: 64KiB } }
            modes: [serial]
            """, to: "\(directory)/fixtures.yaml")
        let tvp = try BackgroundTVP(["run", "fixtures.yaml", "--out", "out", "--no-plot"], in: directory, environment: ["TMPDIR": temporary])
        var written = 0
        #expect(waitUntil {
            written = Files.directoryEntries(temporary).first.map { Files.directoryEntries("\(temporary)/\($0)").count } ?? 0
            return written >= 20
        })
        kill(tvp.pid, SIGINT)
        let signalled = Date()
        let (status, stderr) = tvp.finish()
        // Honoured at the next file: the exit takes what removing the files written takes.
        #expect(Date().timeIntervalSince(signalled) < 5)
        #expect(status == 130, "stderr: \(stderr)")
        #expect(written < 4096, "the fixture was still being written")
        #expect(Files.directoryEntries(temporary).isEmpty)
        let meta = try meta(try runFolder("\(directory)/out"))
        #expect(meta["status"] as? String == "interrupted")
        #expect(meta["trials_completed"] as? Int == 0)
    }

    @Test("Ctrl-C, twice, while reference digests are computed: exit 130 at once, nothing left")
    func interruptReferencesTwice() throws {
        let directory = try scratchDirectory()
        defer { Files.removeTree(directory) }
        let temporary = "\(directory)/tmp"
        try Files.makeDirectories(temporary)
        // 256 GiB of hashing before the first trial: minutes on any machine.
        try write("""
            name: references
            repetitions: 1
            warmup: 0
            tasks: 4096
            workloads: { cpu: { bytes_per_task: 64MiB } }
            modes: [serial]
            """, to: "\(directory)/references.yaml")
        let tvp = try BackgroundTVP(["run", "references.yaml", "--out", "out", "--no-plot", "--yes"], in: directory, environment: ["TMPDIR": temporary])
        #expect(waitUntil { Files.directoryEntries(temporary).contains { $0.hasPrefix("tvp-fixtures-") } })
        Thread.sleep(forTimeInterval: 0.3)
        kill(tvp.pid, SIGINT)
        kill(tvp.pid, SIGINT)
        let signalled = Date()
        let (status, stderr) = tvp.finish()
        #expect(Date().timeIntervalSince(signalled) < 5)
        #expect(status == 130, "stderr: \(stderr)")
        #expect(Files.directoryEntries(temporary).isEmpty, "left: \(Files.directoryEntries(temporary))")
    }

    @Test("`cache: cold` with TMPDIR on tmpfs warns, naming the file system and the fix, and meta.json records it")
    func coldOnMemoryFileSystem() throws {
        guard FileSystem.isInMemory("/dev/shm") else {
            print("skipped: /dev/shm is not a tmpfs here")
            return
        }
        let directory = try scratchDirectory()
        defer { Files.removeTree(directory) }
        let temporary = try Files.makePrivateDirectory(in: "/dev/shm", prefix: "tvp-e2e-")
        defer { Files.removeTree(temporary) }
        try write("workloads: { io: { sleep_ms: 1, files_per_task: 1, file_size: 4KiB, cache: cold } }\nmodes: [serial]\nrepetitions: 1\nwarmup: 0\ntasks: 2\n", to: "\(directory)/s.yaml")
        let result = try runTVP(["run", "s.yaml", "--out", "out", "--no-plot"], in: directory, environment: ["TMPDIR": temporary])
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stderr.contains("warning: `cache: cold` cannot be cold") && result.stderr.contains("tmpfs")
                && result.stderr.contains("set TMPDIR to a folder on a disk"), "stderr: \(result.stderr)")
        let warnings = try meta(try runFolder("\(directory)/out"))["warnings"] as? [String]
        #expect(warnings?.count == 1 && warnings?.first?.contains("tmpfs") == true)
    }

    @Test("workers that hang, or die halfway through a frame, fail their tasks: every row whole, no process left")
    func misbehavingWorkers() throws {
        let directory = try scratchDirectory()
        defer { Files.removeTree(directory) }
        // Both ignore SIGTERM's default and start a grandchild that would outlive them.
        try write("#!/bin/sh\ntrap '' TERM\nsleep 100 &\nwait\n", to: "\(directory)/hangs")
        try write("#!/bin/sh\nsleep 100 &\nprintf '\\002\\001\\014\\000\\000\\000AAAABBBBBBBB'\nhead -c 1 > /dev/null\nprintf '\\002\\002\\200'\nexit 0\n", to: "\(directory)/halves")
        for script in ["hangs", "halves"] { try Files.setMode("\(directory)/\(script)", 0o755) }
        try write("name: bad\nrepetitions: 1\nwarmup: 0\ntasks: 2\ntask_timeout_s: 0.5\nworkloads: { null: {} }\nmodes: [processes, process-pool]\nworkers: [2]\n", to: "\(directory)/bad.yaml")
        for (script, message) in [("hangs", "exceeded the task timeout"), ("halves", "while running the task")] {
            let marker = "TVP_TEST_MARKER=\(UUID().uuidString)"
            let result = try runTVP(["run", "bad.yaml", "--out", "out-\(script)", "--quiet", "--no-plot"], in: directory,
                                    environment: ["TVP_WORKER": "\(directory)/\(script)", "TVP_TEST_MARKER": String(marker.dropFirst(16))])
            #expect(result.status == 1)
            #expect(result.stderr.contains(message), "\(script): \(result.stderr)")
            let run = try runFolder("\(directory)/out-\(script)")
            #expect(try rowsAreWhole("\(run)/trials.csv"))
            #expect(try readCSV("\(run)/trials.csv").rows.count == 2)
            #expect(processes(withMarker: marker).isEmpty, "\(script) left: \(processes(withMarker: marker))")
        }
    }
}
