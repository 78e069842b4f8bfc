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
        var runner = TaskRunner(workload: .cpu(CPUWorkload(bytesPerTask: 150_000)), fixture: nil)
        #expect(try runner.run(task: 7).hex == "ae1bd23b82905b49af3a6fcfe2827691d8b2c28aa184f29c6ffd3b1378664cc2")
    }

    @Test("cpu digests differ by task index and by size")
    func cpuTasksDiffer() {
        let a = TaskRunner.hashPattern(task: 0, bytes: 1 << 16)
        #expect(a != TaskRunner.hashPattern(task: 1, bytes: 1 << 16))
        #expect(a != TaskRunner.hashPattern(task: 0, bytes: 1 << 17))
        #expect(a == TaskRunner.hashPattern(task: 0, bytes: 1 << 16))
    }

    @Test("io tasks read every byte of their files: changing one byte changes the digest")
    func ioTaskReadsFiles() throws {
        let directory = try Files.makePrivateDirectory(in: Files.temporaryDirectory, prefix: "tvp-test-")
        defer { Files.removeTree(directory) }
        let io = IOWorkload(sleepNanoseconds: 0, filesPerTask: 2, fileSize: 100_003, cache: .warm)
        let fixture = try IOFixture.create(for: io, tasks: 4, in: directory)
        #expect(fixture.fileCount == 8)
        var runner = TaskRunner(workload: .io(io), fixture: fixture)
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
        var runner = TaskRunner(workload: .io(io), fixture: try IOFixture.create(for: io, tasks: 1, in: directory))
        let start = MonotonicInstant.now()
        _ = try runner.run(task: 0)
        #expect(MonotonicInstant.now().seconds(since: start) >= 0.030)
    }

    @Test("a missing fixture file is an error naming the file, not a crash")
    func missingFixture() {
        let fixture = IOFixture(directory: "/nonexistent-tvp", fileCount: 1, fileSize: 10)
        var runner = TaskRunner(workload: .io(IOWorkload(sleepNanoseconds: 0, filesPerTask: 1, fileSize: 10, cache: .warm)), fixture: fixture)
        #expect(throws: SystemCallError.self) { try runner.run(task: 0) }
        do { _ = try runner.run(task: 0) } catch { #expect("\(error)".contains("/nonexistent-tvp/io-10-0.dat")) }
    }

    @Test("task specs survive encoding for the worker's argv", arguments: [
        Workload.null, .cpu(CPUWorkload(bytesPerTask: 8 << 20)),
        .io(IOWorkload(sleepNanoseconds: 20_000_000, filesPerTask: 4, fileSize: 262_144, cache: .cold)),
    ])
    func specRoundTrip(workload: Workload) throws {
        #expect(try TaskSpec.decodeWorkload(TaskSpec.encode(workload)) == workload)
        let fixture = IOFixture(directory: "/tmp/x y", fileCount: 12, fileSize: 99)
        #expect(try TaskSpec.decodeFixture(TaskSpec.encode(fixture)) == fixture)
        #expect(try TaskSpec.decodeFixture("-") == nil)
    }

    @Test("malformed task specs are rejected with a message", arguments: ["cpu", "cpu;bytes=-1", "io;sleep_ns=1", "gpu;x=1", "cpu;bytes"])
    func specRejects(text: String) {
        #expect(throws: TaskSpec.DecodingError.self) { try TaskSpec.decodeWorkload(text) }
    }

    @Test("worker reports parse back; truncated and foreign output are malformed")
    func workerReport() throws {
        let report = WorkerReport(digest: SHA256Hasher.hash([1, 2, 3]), pid: 42, processStartNanoseconds: 1,
                                  taskStartNanoseconds: 2, taskEndNanoseconds: 3)
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
