import TVPSystem
import TVPWorker
import TVPWorkloads

/// Workloads declared in test files, registered in-process by the tests and in the test binary
/// when it runs as `tvp-test-worker`. One line each.
enum TestWorkloads {
    static let all: [any WorkloadKind.Type] = [
        FoldWorkload.self,
    ]

    /// Registers every test workload (again is harmless).
    static func register() {
        for kind in all { Workload.register(kind) }
    }
}

/// The test binary as a worker (Tests/CTVPTestWorker): the worker program of tvp-worker, with the
/// test workloads registered.
@_cdecl("tvp_test_worker_main")
func testWorkerMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) {
    let processStart = MonotonicInstant.now()
    TestWorkloads.register()
    ParentDeath.arm()
    let arguments = (0..<Int(argc)).map { argv[$0].map { String(cString: $0) } ?? "" }
    WorkerProgram(processStart: processStart, allowsPlugins: false).main(arguments)
}
