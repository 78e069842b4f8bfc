import Testing
import TVPSystem
@testable import TVPWorkloads

@Suite("Workloads")
struct WorkloadTests {
    @Test("SHA-256 of \"abc\" is the FIPS 180-2 test vector")
    func knownVector() {
        #expect(SHA256Hasher.hash(Array("abc".utf8)).hex
            == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test("a cpu task hashes its pattern stream: digest equals Python's hashlib over the same bytes")
    func cpuTaskDigest() throws {
        // python3: SplitMix64 seeded with the task index 7, 8192 little-endian words = the 64 KiB block,
        // hashlib.sha256((block * 3)[:150000]).hexdigest()
        var runner = InProcessTasks(workload: .cpu(CPUWorkload(bytesPerTask: 150_000)), input: .none)
        #expect(try runner.run(task: 7).hex == "ae1bd23b82905b49af3a6fcfe2827691d8b2c28aa184f29c6ffd3b1378664cc2")
    }

    @Test("cpu digests differ by task index and by size")
    func cpuTasksDiffer() {
        let a = CPUWorkload.hashPattern(task: 0, bytes: 1 << 16)
        #expect(a != CPUWorkload.hashPattern(task: 1, bytes: 1 << 16))
        #expect(a != CPUWorkload.hashPattern(task: 0, bytes: 1 << 17))
        #expect(a == CPUWorkload.hashPattern(task: 0, bytes: 1 << 16))
    }

    @Test("io tasks read every byte of their files: changing one byte changes the digest")
    func ioTaskReadsFiles() throws {
        let directory = try Files.makePrivateDirectory(in: Files.temporaryDirectory, prefix: "tvp-test-")
        defer { Files.removeTree(directory) }
        let io = IOWorkload(sleepNanoseconds: 0, filesPerTask: 2, fileSize: 100_003, cache: .warm)
        let fixture = try IOFixture.create(for: io, tasks: 4, in: directory)
        #expect(fixture.fileCount == 8)
        var runner = InProcessTasks(workload: .io(io), input: .files(fixture))
        let before = try runner.run(task: 1)
        #expect(before == (try runner.run(task: 1)))
        #expect(before != (try runner.run(task: 2)))

        var bytes = try Files.readAll(fixture.path(ofFile: 3))
        #expect(bytes.count == 100_003)
        bytes[99_999] ^= 1
        try Files.writeDurably(bytes, to: fixture.path(ofFile: 3))
        #expect(before != (try runner.run(task: 1)), "task 1 reads files 2 and 3")
    }

    @Test("io tasks sleep for their simulated latency")
    func ioTaskSleeps() throws {
        let directory = try Files.makePrivateDirectory(in: Files.temporaryDirectory, prefix: "tvp-test-")
        defer { Files.removeTree(directory) }
        let io = IOWorkload(sleepNanoseconds: 30_000_000, filesPerTask: 1, fileSize: 4096, cache: .warm)
        var runner = InProcessTasks(workload: .io(io), input: .files(try IOFixture.create(for: io, tasks: 1, in: directory)))
        let start = MonotonicInstant.now()
        _ = try runner.run(task: 0)
        #expect(MonotonicInstant.now().seconds(since: start) >= 0.030)
    }

    @Test("a missing fixture file is an error naming the file, not a crash")
    func missingFixture() {
        let fixture = IOFixture(directory: "/nonexistent-tvp", fileCount: 1, fileSize: 10)
        var runner = InProcessTasks(workload: .io(IOWorkload(sleepNanoseconds: 0, filesPerTask: 1, fileSize: 10, cache: .warm)), input: .files(fixture))
        #expect(throws: SystemCallError.self) { try runner.run(task: 0) }
        do { _ = try runner.run(task: 0) } catch { #expect("\(error)".contains("/nonexistent-tvp/io-10-0.dat")) }
    }

    @Test("task specs survive encoding for the worker's argv", arguments: [
        Workload.null, .cpu(CPUWorkload(bytesPerTask: 8 << 20)),
        .io(IOWorkload(sleepNanoseconds: 20_000_000, filesPerTask: 4, fileSize: 262_144, cache: .cold)),
        .shared(SharedWorkload(inputSize: 1 << 30, transfer: .shm)), .shared(SharedWorkload(inputSize: 7, transfer: .pipe)),
        .mixed(MixedWorkload(taskNanoseconds: 100_000, cpuShare: 0.25, hashBytes: 31_337)),
        .download(DownloadWorkload(files: 100, fileSize: 16_384, latencyNanoseconds: 50_000_000, keepAlive: false)),
        .download(DownloadWorkload(files: 1, fileSize: 0, latencyNanoseconds: 1, keepAlive: true)),
    ])
    func specRoundTrip(workload: Workload) throws {
        let decoded = try TaskSpec.decodeWorkload(TaskSpec.encode(workload))
        #expect(decoded == workload)
        #expect(decoded.parametersMatch(workload))
        let fixture = IOFixture(directory: "/tmp/x y", fileCount: 12, fileSize: 99)
        #expect(try TaskSpec.decodeInput(TaskSpec.encode(.files(fixture))).fixture == fixture)
        #expect(try TaskSpec.decodeInput("-").fixture == nil)
    }

    @Test("shared inputs are encoded as the worker finds them: its stdin, a file or a shared-memory object")
    func inputSpecs() throws {
        let stdin = try TaskSpec.decodeInput("slices=8;from=stdin", standardInput: .standardInput)
        guard case .shared(let a) = stdin, case .stream(let fd) = a.location else { Issue.record("not a stream: \(stdin)"); return }
        #expect(a.slices == 8 && fd == .standardInput)
        for location in [SharedSource.Location.file("/tmp/a b.dat"), .sharedMemory("/tvp-1-2")] {
            let text = TaskSpec.encode(.shared(SharedSource(slices: 3, location: location)))
            guard case .shared(let source) = try TaskSpec.decodeInput(text) else { Issue.record("not a shared input: \(text)"); continue }
            #expect(source.slices == 3 && "\(source.location)" == "\(location)")
        }
        #expect(try TaskSpec.decodeInput(TaskSpec.encode(.server(port: 8080))).serverPort == 8080)
        for bad in ["slices=0;from=stdin", "slices=2", "slices=2;shm=", "dir=", "nonsense", "port=0", "port=65536", "port=x"] {
            #expect(throws: TaskSpec.DecodingError.self, "\(bad)") { try TaskSpec.decodeInput(bad) }
        }
    }

    @Test("a mixed task hashes its budget's CPU share of a fixed block: digest equals Python's hashlib")
    func mixedDigest() throws {
        // python3: block = SplitMix64(0x313CED00), 8192 LE words; sha256(pack('<Q', 3) + (block * 2)[:100000])
        let mixed = MixedWorkload(taskNanoseconds: 20_000_000, cpuShare: 0.5, hashBytes: 100_000)
        var runner = InProcessTasks(workload: .mixed(mixed), input: .none)
        let start = MonotonicInstant.now()
        #expect(try runner.run(task: 3).hex == "bd4a602be760bd0bcfff4f981e49a357a540a160bfe16770c3ad01ca0f67e83e")
        // It then sleeps the other half of its budget.
        #expect(MonotonicInstant.now().seconds(since: start) >= 0.010)
        #expect(mixed.sleepNanoseconds == 10_000_000)
    }

    @Test("calibration turns a budget and a share into bytes, and does not change which workload it is")
    func mixedCalibration() {
        let mixed = MixedWorkload(taskNanoseconds: 10_000_000, cpuShare: 0.25)
        let calibrated = mixed.calibrated(bytesPerSecond: 400e6)
        #expect(calibrated.hashBytes == 1_000_000)
        #expect(calibrated == mixed && calibrated.hashValue == mixed.hashValue)
        #expect(MixedWorkload(taskNanoseconds: 10_000_000, cpuShare: 0).calibrated(bytesPerSecond: 400e6).hashBytes == 0)
        #expect(MixedWorkload(taskNanoseconds: 10_000_000, cpuShare: 1).sleepNanoseconds == 0)
        // A rate, not a bound on this CPU's: positive and finite is what calibration needs.
        let rate = MixedWorkload.measureHashingRate(bytes: 1 << 20, rounds: 3)
        #expect(rate > 0 && rate.isFinite, "\(rate) B/s")
    }

    @Test("the pattern stream fills memory with the bytes it gives as an array, whatever the chunking")
    func patternFill() throws {
        var a = PatternStream(seed: 99)
        let expected = a.bytes(1 << 20) + a.bytes(13)
        let region = try MemoryRegion.anonymous(count: (1 << 20) + 13)
        defer { region.release() }
        var b = PatternStream(seed: 99)
        region.fill(chunk: 1 << 20) { b.fill(&$0) }
        #expect(region.copyBytes(0..<region.count) == expected)
    }

    @Test("a shared task's digest is the same from memory, a pipe, a file and a shared-memory object; it equals Python's hashlib")
    func sharedLocations() throws {
        // python3: input = SplitMix64(0x5AED000000000000 ^ size) as LE words, cut to size = 1 MiB + 5;
        // task 2 of 3 hashes pack('<Q', 2) + input[2 * size // 3 : size]
        let shared = SharedWorkload(inputSize: (1 << 20) + 5, transfer: .pipe)
        let expected = "1c8413b02d94a4fbf175525243594c4e50bd900b68a439de6a0a1aa0993b698b"
        let input = try shared.makeInput()
        defer { input.release() }
        var inMemory = InProcessTasks(workload: .shared(shared), input: .shared(SharedSource(slices: 3, location: .memory(input))))
        #expect(try inMemory.run(task: 2).hex == expected)
        #expect(inMemory.lastTransferNanoseconds == 0)

        let directory = try Files.makePrivateDirectory(in: Files.temporaryDirectory, prefix: "tvp-test-")
        defer { Files.removeTree(directory) }
        try input.withBytes(0..<input.count) { try Files.write($0, to: "\(directory)/input.dat") }
        var fromFile = InProcessTasks(workload: .shared(shared), input: .shared(SharedSource(slices: 3, location: .file("\(directory)/input.dat"))))
        #expect(try fromFile.run(task: 2).hex == expected)
        #expect(fromFile.lastTransferNanoseconds > 0)

        let object = try SharedMemoryObject.create("/tvp-test-\(currentProcessID())-\(UInt32.random(in: 0...UInt32.max))", copying: input)
        defer { object.remove() }
        var fromMemoryObject = InProcessTasks(workload: .shared(shared), input: .shared(SharedSource(slices: 3, location: .sharedMemory(object.name))))
        #expect(try fromMemoryObject.run(task: 2).hex == expected)
        object.remove()
        #expect(!SharedMemoryObject.exists(object.name))

        let slice = shared.slice(task: 2, of: 3)
        let (readEnd, writer) = try FrameTests.pipeFed(input.copyBytes(slice), chunk: 10_000)
        defer { readEnd.closeQuietly(); writer.join() }
        var fromPipe = InProcessTasks(workload: .shared(shared), input: .shared(SharedSource(slices: 3, location: .stream(readEnd))))
        #expect(fromPipe.streamedBytes(task: 2) == slice.count)
        #expect(try fromPipe.run(task: 2).hex == expected)
    }

    @Test("a slice cut short on its pipe is an error naming the task, not a wrong digest")
    func sharedShortPipe() throws {
        let shared = SharedWorkload(inputSize: 4096, transfer: .pipe)
        let (readEnd, writer) = try FrameTests.pipeFed([UInt8](repeating: 1, count: 100), chunk: 100)
        defer { readEnd.closeQuietly(); writer.join() }
        var runner = InProcessTasks(workload: .shared(shared), input: .shared(SharedSource(slices: 2, location: .stream(readEnd))))
        #expect(throws: TaskInputError.self) { try runner.run(task: 1) }
    }

    @Test("slices cover the input exactly once, in order", arguments: [1, 3, 7, 64])
    func slices(tasks: Int) {
        let shared = SharedWorkload(inputSize: 1_000_003, transfer: .pipe)
        let ranges = (0..<tasks).map { shared.slice(task: $0, of: tasks) }
        #expect(ranges.first?.lowerBound == 0 && ranges.last?.upperBound == shared.inputSize)
        #expect(zip(ranges, ranges.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound })
        #expect(ranges.map(\.count).max()! - ranges.map(\.count).min()! <= 1)
    }

    @Test("malformed task specs are rejected with a message", arguments: ["cpu", "cpu;bytes=-1", "io;sleep_ns=1", "gpu;x=1", "cpu;bytes",
                                                                          "shared;size=9;transfer=carrier-pigeon", "mixed;task_ns=1;cpu_share=2;hash_bytes=0",
                                                                          "download;files=0;size=1;latency_ns=0;keep_alive=1",
                                                                          "download;files=1;size=1;latency_ns=0;keep_alive=yes"])
    func specRejects(text: String) {
        #expect(throws: TaskSpec.DecodingError.self) { try TaskSpec.decodeWorkload(text) }
    }

    @Test("worker reports parse back; truncated and foreign output are malformed")
    func workerReport() throws {
        let report = WorkerReport(digest: SHA256Hasher.hash([1, 2, 3]), pid: 42, processStartNanoseconds: 1,
                                  taskStartNanoseconds: 2, taskEndNanoseconds: 3, transferNanoseconds: 4)
        #expect(WorkerReport.parse(Array(report.line.utf8)) == .report(report))
        #expect(WorkerReport.parse(Array(report.line.dropLast(5).utf8)) == .malformed("truncated output '\(report.line.dropLast(5))'"))
        #expect(WorkerReport.parse([]) == .malformed("no output"))
        #expect(WorkerReport.parse(Array("error boom\n".utf8)) == .failure("boom"))
        guard case .malformed = WorkerReport.parse(Array("hello world\n".utf8)) else {
            Issue.record("foreign output must be malformed")
            return
        }
    }
}

extension Workload {
    /// Equality including what `==` leaves out (a mixed workload's calibrated bytes).
    func parametersMatch(_ other: Workload) -> Bool {
        if let a = self.as(MixedWorkload.self), let b = other.as(MixedWorkload.self) { return a.hashBytes == b.hashBytes && a == b }
        return self == other
    }
}
