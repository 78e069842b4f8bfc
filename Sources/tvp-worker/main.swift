import SystemPackage
import TVPSystem
import TVPWorkloads

// tvp-worker runs tasks for tvp's process modes. Its start-up is part of what they measure, so it
// links no Foundation and does nothing else.
//
//   tvp-worker task WORKLOAD FIXTURE INDEX   one task, reported as a text line (`processes`)
//   tvp-worker serve WORKLOAD FIXTURE        task frames on stdin, result frames on stdout, until
//                                            stdin closes (`process-pool`)

let processStart = MonotonicInstant.now()
let standardOutput = FileDescriptor.standardOutput

func fail(_ message: String, code: Int32) -> Never {
    try? standardOutput.writeAll(Array(WorkerReport.errorLine(message).utf8))
    exitImmediately(code)
}

/// Runs one task and writes its report line.
func runOneTask(workload: Workload, fixture: IOFixture?, index: Int) throws {
    var runner = TaskRunner(workload: workload, fixture: fixture)
    if case .null = workload {} else { SHA256Hasher.prepareLibrary() }
    let taskStart = MonotonicInstant.now()
    let digest = try runner.run(task: index)
    let taskEnd = MonotonicInstant.now()
    let report = WorkerReport(
        digest: digest, pid: currentProcessID(), processStartNanoseconds: processStart.nanoseconds,
        taskStartNanoseconds: taskStart.nanoseconds, taskEndNanoseconds: taskEnd.nanoseconds)
    try standardOutput.writeAll(Array(report.line.utf8))
}

/// Serves task frames from stdin until it closes; each task's result (or failure) goes back as a frame.
func serve(workload: Workload, fixture: IOFixture?) throws -> Never {
    var runner = TaskRunner(workload: workload, fixture: fixture)
    if case .null = workload {} else { SHA256Hasher.prepareLibrary() }
    try standardOutput.writeAll(Frame.ready(pid: currentProcessID(), processStartNanoseconds: processStart.nanoseconds).encoded)
    var decoder = FrameDecoder()
    while true {
        let chunk = try FileDescriptor.standardInput.readAvailable(maximum: 64 * 1024)
        if chunk.isEmpty { exitImmediately(0) }
        decoder.append(chunk)
        while let frame = try decoder.next() {
            guard let index = frame.taskIndex else {
                try standardOutput.writeAll(Frame.failure("expected a task frame, got \(frame.kind)").encoded)
                exitImmediately(65)
            }
            let start = MonotonicInstant.now()
            let reply: Frame
            do {
                let digest = try runner.run(task: index)
                reply = .result(digest, startNanoseconds: start.nanoseconds, endNanoseconds: MonotonicInstant.now().nanoseconds)
            } catch {
                reply = .failure("task \(index): \(error)")
            }
            try standardOutput.writeAll(reply.encoded)
        }
    }
}

let arguments = CommandLine.arguments
do {
    switch (arguments.count, arguments.count > 1 ? arguments[1] : "") {
    case (5, "task"):
        guard let index = Int(arguments[4]), index >= 0 else { fail("task index must be a whole number, got '\(arguments[4])'", code: 64) }
        do {
            try runOneTask(workload: try TaskSpec.decodeWorkload(arguments[2]), fixture: try TaskSpec.decodeFixture(arguments[3]), index: index)
        } catch {
            fail("task \(index): \(error)", code: 1)
        }
    case (4, "serve"):
        try serve(workload: try TaskSpec.decodeWorkload(arguments[2]), fixture: try TaskSpec.decodeFixture(arguments[3]))
    default:
        fail("usage: tvp-worker task WORKLOAD FIXTURE INDEX | tvp-worker serve WORKLOAD FIXTURE (got \(arguments.dropFirst().joined(separator: " ")))", code: 64)
    }
} catch {
    fail("\(error)", code: 1)
}
