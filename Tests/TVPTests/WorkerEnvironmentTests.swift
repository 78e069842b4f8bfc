import Foundation
import Testing
import TVPMeasure
import TVPPlan
import TVPSystem
import TVPWorkloads

@Suite("What tvp adds to its workers' environment")
struct WorkerEnvironmentTests {
    static let key = WorkerEnvironment.cryptoCapabilitiesKey

    @Test("only a full capability vector is taken: two 64-bit hexadecimal words, no mask, no leading colon")
    func vectorForm() {
        let full = "0xfffa3203078bffff:0x00400684219c07ab"
        #expect(WorkerEnvironment.capabilityVector(full + "\n") == full)
        #expect(WorkerEnvironment.capabilityVector(full) == full)
        for bad in ["~0xfffa3203078bffff:0x00400684219c07ab", ":0x00400684219c07ab", "0xfffa3203078bffff",
                    "0xfffa3203078bfff:0x00400684219c07ab", "0xfffa3203078bffff:0x00400684219c07ag",
                    "0xfffa3203078bffff:0x00400684219c07ab\nmore", "0xfffa3203078bffff:0x00400684219c07ab:0x0000000000000000",
                    "", "error: no"] {
            #expect(WorkerEnvironment.capabilityVector(bad) == nil, "\(bad) was taken")
        }
    }

    @Test("the worker reports its libcrypto's vector, and takes one given in OPENSSL_ia32cap as it is")
    func workerRoundTrip() throws {
        // Only an x86_64 worker with OpenSSL 3.0 reports one (crypto_capabilities.c); any other says
        // it cannot, and then tvp adds nothing.
        let answer = try ExternalProgram(path: builtWorkerPath, arguments: ["openssl-ia32cap"]).run()
        guard answer.status.isSuccess else {
            #expect(WorkerEnvironment.additions(forWorker: builtWorkerPath, environment: [:]).isEmpty)
            return
        }
        let reported = try #require(WorkerEnvironment.additions(forWorker: builtWorkerPath, environment: [:])[Self.key])
        // Given back, the vector comes out unchanged: nothing asked the CPU again and nothing was lost.
        let again = try ExternalProgram(path: builtWorkerPath, arguments: ["openssl-ia32cap"],
                                        environment: [Self.key: reported]).run()
        #expect(again.status.isSuccess && again.outputText == reported + "\n")
        // A changed vector comes out changed: the worker does read the variable.
        let changed = "0x0000000000000001:0x0000000000000000"
        let taken = try ExternalProgram(path: builtWorkerPath, arguments: ["openssl-ia32cap"], environment: [Self.key: changed]).run()
        #expect(taken.outputText == "0x0000000000000401:0x0000000000000000\n", "bit 10 marks the vector as set up: \(taken.outputText)")
    }

    @Test("nothing is added when the user set the variable, the worker is missing, says something else, or does not answer")
    func nothingAdded() throws {
        #expect(WorkerEnvironment.additions(forWorker: builtWorkerPath, environment: [Self.key: "~0x200000000"]).isEmpty)
        #expect(WorkerEnvironment.additions(forWorker: "/nonexistent/tvp-worker", environment: [:]).isEmpty)
        let workers = try ScriptWorkers()
        defer { workers.remove() }
        // A script that leaves a child behind: the child goes with it.
        let leftover = "\(workers.directory)/leftover"
        #expect(WorkerEnvironment.additions(forWorker: try workers.script("odd", "sleep 30 &\necho $! > \(leftover)\necho '~0x1:0x2'"), environment: [:]).isEmpty)
        let orphan = try #require(Int32(try String(contentsOfFile: leftover, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        // Killed at once; reaped by init soon after.
        let deadline = Date().addingTimeInterval(10)
        while kill(orphan, 0) == 0 && !(ProcFS.readText("/proc/\(orphan)/stat") ?? "").contains(" Z ") && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.01)
        }
        #expect(kill(orphan, 0) != 0 || (ProcFS.readText("/proc/\(orphan)/stat") ?? "").contains(" Z "), "the script's child \(orphan) still runs")
        #expect(WorkerEnvironment.additions(forWorker: try workers.script("failing", "echo 0x0000000000000001:0x0000000000000000; exit 3"), environment: [:]).isEmpty)
        let start = MonotonicInstant.now()
        #expect(WorkerEnvironment.additions(forWorker: try workers.script("silent", "exec sleep 30"), environment: [:], timeoutSeconds: 0.3).isEmpty)
        #expect(MonotonicInstant.now().seconds(since: start) < 10)
    }

    @Test("both process executors start every worker with the additions", arguments: [Mode.processes, .processPool])
    func executorsPassThem(mode: Mode) throws {
        let workers = try ScriptWorkers()
        defer { workers.remove() }
        let log = "\(workers.directory)/seen"
        let path = try workers.script("recording", "echo \"${TVP_TEST_SEEN:-unset}\" >> \(log)\nexec \(builtWorkerPath) \"$@\"")
        let request = ExecutionRequest(workload: .null, tasks: 6, workers: 2)
        let result = mode.executor(workerPath: path, workerEnvironment: ["TVP_TEST_SEEN": "given"]).run(request)
        #expect(result.outcomes.allSatisfy { $0.error == nil }, "\(result.errorSummary ?? "")")
        let seen = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n")
        #expect(!seen.isEmpty && seen.allSatisfy { $0 == "given" }, "\(seen)")
        #expect(seen.count == (mode == .processes ? 6 : 2))
    }
}
