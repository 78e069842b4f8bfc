import SystemPackage
import TVPSystem
import TVPWorkloads

// tvp-worker runs tasks for tvp's process modes. Its start-up is part of what they measure, so it
// links no Foundation and does nothing else.
//
//   tvp-worker task WORKLOAD INPUT INDEX   one task, reported as a text line (`processes`); a
//                                          `shared` slice shipped by pipe arrives on stdin
//   tvp-worker serve WORKLOAD INPUT        task frames on stdin, result frames on stdout, until
//                                          stdin closes (`process-pool`)

let processStart = MonotonicInstant.now()
// Die with tvp, even a SIGKILLed one: no worker may run on for nobody.
ParentDeath.arm()
let standardOutput = FileDescriptor.standardOutput

func fail(_ message: String, code: Int32) -> Never {
    try? standardOutput.writeAll(Array(WorkerReport.errorLine(message).utf8))
    exitImmediately(code)
}

/// Runs one task and writes its report line.
func runOneTask(workload: Workload, input: TaskInput, index: Int) throws {
    var runner = TaskRunner(workload: workload, input: input)
    let taskStart = MonotonicInstant.now()
    let digest = try runner.run(task: index)
    let taskEnd = MonotonicInstant.now()
    let report = WorkerReport(
        digest: digest, pid: currentProcessID(), processStartNanoseconds: processStart.nanoseconds,
        taskStartNanoseconds: taskStart.nanoseconds, taskEndNanoseconds: taskEnd.nanoseconds,
        transferNanoseconds: runner.lastTransferNanoseconds)
    try standardOutput.writeAll(Array(report.line.utf8))
}

/// Serves task frames from stdin until it closes; each task's result (or failure) goes back as a
/// frame. A frame that breaks the protocol ends the worker: the stream can no longer be trusted.
func serve(workload: Workload, input: TaskInput) throws -> Never {
    var runner = TaskRunner(workload: workload, input: input)
    try standardOutput.writeAll(Frame.ready(pid: currentProcessID(), processStartNanoseconds: processStart.nanoseconds).encoded)
    let reader = FrameReader(.standardInput)
    while true {
        let task: (index: Int, trailing: Int)
        do {
            guard let next = try reader.nextTask() else { break }
            task = next
        } catch {
            try standardOutput.writeAll(Frame.failure("\(error)").encoded)
            exitImmediately(65)
        }
        let index = task.index
        let expected = runner.streamedBytes(task: index)
        guard task.trailing == expected else {
            try standardOutput.writeAll(Frame.failure("task \(index): the frame carries \(task.trailing) bytes of input, expected \(expected)").encoded)
            exitImmediately(65)
        }
        let start = MonotonicInstant.now()
        let reply: Frame
        do {
            let digest = try runner.run(task: index)
            reply = .result(digest, startNanoseconds: start.nanoseconds, endNanoseconds: MonotonicInstant.now().nanoseconds,
                            transferNanoseconds: runner.lastTransferNanoseconds)
        } catch {
            try standardOutput.writeAll(Frame.failure("task \(index): \(error)").encoded)
            // A task that failed while reading its slice left the stream mid-frame.
            if expected > 0 { exitImmediately(1) }
            continue
        }
        try standardOutput.writeAll(reply.encoded)
    }
    exitImmediately(0)
}

let arguments = CommandLine.arguments
do {
    switch (arguments.count, arguments.count > 1 ? arguments[1] : "") {
    case (5, "task"):
        guard let index = Int(arguments[4]), index >= 0 else { fail("task index must be a whole number, got '\(arguments[4])'", code: 64) }
        do {
            try runOneTask(workload: try TaskSpec.decodeWorkload(arguments[2]), input: try TaskSpec.decodeInput(arguments[3]), index: index)
        } catch {
            fail("task \(index): \(error)", code: 1)
        }
    case (4, "serve"):
        try serve(workload: try TaskSpec.decodeWorkload(arguments[2]), input: try TaskSpec.decodeInput(arguments[3]))
    default:
        fail("usage: tvp-worker task WORKLOAD INPUT INDEX | tvp-worker serve WORKLOAD INPUT (got \(arguments.dropFirst().joined(separator: " ")))", code: 64)
    }
} catch {
    fail("\(error)", code: 1)
}
