import SystemPackage
import TVPSystem
import TVPWorkloads

// tvp-worker runs one task and reports it on standard output. Its start-up is part of what the
// `processes` mode measures, so it links no Foundation and does nothing else.
//
//   tvp-worker task WORKLOAD FIXTURE INDEX

let processStart = MonotonicInstant.now()
let standardOutput = FileDescriptor.standardOutput

func fail(_ message: String, code: Int32) -> Never {
    try? standardOutput.writeAll(Array(WorkerReport.errorLine(message).utf8))
    exitImmediately(code)
}

let arguments = CommandLine.arguments
guard arguments.count == 5, arguments[1] == "task", let index = Int(arguments[4]), index >= 0 else {
    fail("usage: tvp-worker task WORKLOAD FIXTURE INDEX (got \(arguments.dropFirst().joined(separator: " ")))", code: 64)
}
do {
    let workload = try TaskSpec.decodeWorkload(arguments[2])
    let fixture = try TaskSpec.decodeFixture(arguments[3])
    var runner = TaskRunner(workload: workload, fixture: fixture)
    if case .null = workload {} else { SHA256Hasher.prepareLibrary() }
    let taskStart = MonotonicInstant.now()
    let digest = try runner.run(task: index)
    let taskEnd = MonotonicInstant.now()
    let report = WorkerReport(
        digest: digest, pid: currentProcessID(), processStartNanoseconds: processStart.nanoseconds,
        taskStartNanoseconds: taskStart.nanoseconds, taskEndNanoseconds: taskEnd.nanoseconds)
    try standardOutput.writeAll(Array(report.line.utf8))
} catch {
    fail("task \(index): \(error)", code: 1)
}
