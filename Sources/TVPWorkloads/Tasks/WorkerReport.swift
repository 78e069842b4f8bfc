import SystemPackage
import TVPSystem

/// The line a worker process writes to its parent after running one task:
/// `ok DIGEST PID PROCESS_START_NS TASK_START_NS TASK_END_NS TRANSFER_NS OUTPUT` or `error MESSAGE`,
/// OUTPUT being the task's output in hexadecimal (a `local` tally's counts), or `-` when it has none.
///
/// The instants are on the shared monotonic clock, so the parent can separate the cost of starting
/// the process (spawn call to process start) from the task itself.
public struct WorkerReport: Sendable, Equatable {
    /// The task's digest.
    public var digest: TaskDigest
    /// The worker's pid.
    public var pid: Int32
    /// When the worker's `main` began, in monotonic nanoseconds.
    public var processStartNanoseconds: UInt64
    /// When the task began.
    public var taskStartNanoseconds: UInt64
    /// When the task ended.
    public var taskEndNanoseconds: UInt64
    /// How long the task spent obtaining its input (`shared` under a transfer), within the task.
    public var transferNanoseconds: UInt64
    /// What the task sends back besides its digest (a `local` tally's counts); nil when nothing.
    public var output: [UInt8]?

    /// Creates a report.
    public init(digest: TaskDigest, pid: Int32, processStartNanoseconds: UInt64,
                taskStartNanoseconds: UInt64, taskEndNanoseconds: UInt64, transferNanoseconds: UInt64 = 0,
                output: [UInt8]? = nil) {
        self.digest = digest
        self.pid = pid
        self.processStartNanoseconds = processStartNanoseconds
        self.taskStartNanoseconds = taskStartNanoseconds
        self.taskEndNanoseconds = taskEndNanoseconds
        self.transferNanoseconds = transferNanoseconds
        self.output = output
    }

    /// The report as one line of text, newline included.
    public var line: String {
        "ok \(digest.hex) \(pid) \(processStartNanoseconds) \(taskStartNanoseconds) \(taskEndNanoseconds) \(transferNanoseconds) "
            + (output.map(Hexadecimal.encode) ?? "-") + "\n"
    }

    /// Writes `line` to `descriptor`. A report without output (every task but a `local` tally's) is
    /// built on the stack: a fresh worker pays no String or Array machinery for it.
    public func write(to descriptor: FileDescriptor) throws {
        guard output == nil else { return try descriptor.writeAll(Array(line.utf8)) }
        var buffer = LineBuffer()
        buffer.append("ok ")
        digest.appendHex(to: &buffer)
        buffer.append(UInt8(ascii: " "))
        buffer.append(decimal: Int64(pid))
        buffer.append(UInt8(ascii: " "))
        buffer.append(decimal: processStartNanoseconds)
        buffer.append(UInt8(ascii: " "))
        buffer.append(decimal: taskStartNanoseconds)
        buffer.append(UInt8(ascii: " "))
        buffer.append(decimal: taskEndNanoseconds)
        buffer.append(UInt8(ascii: " "))
        buffer.append(decimal: transferNanoseconds)
        buffer.append(" -\n")
        try buffer.write(to: descriptor)
    }

    /// The line a worker writes when its task failed.
    public static func errorLine(_ message: String) -> String {
        "error " + message.split(whereSeparator: { $0 == "\n" }).joined(separator: " ") + "\n"
    }

    /// What a parent reads back: a report, or the worker's own error message.
    public enum Parsed: Sendable, Equatable {
        /// The task ran.
        case report(WorkerReport)
        /// The worker said it failed, and why.
        case failure(String)
        /// The output was not a report at all.
        case malformed(String)
    }

    /// Parses what a worker wrote.
    public static func parse(_ bytes: [UInt8]) -> Parsed {
        let text = String(decoding: bytes, as: UTF8.self)
        guard text.hasSuffix("\n") else {
            return .malformed(bytes.isEmpty ? "no output" : "truncated output '\(text.prefix(80))'")
        }
        let line = text.dropLast()
        if line.hasPrefix("error ") { return .failure(String(line.dropFirst(6))) }
        let f = line.split(separator: " ")
        guard f.count == 8, f[0] == "ok", let digest = TaskDigest(hex: f[1]), let pid = Int32(f[2]),
              let start = UInt64(f[3]), let taskStart = UInt64(f[4]), let taskEnd = UInt64(f[5]),
              let transfer = UInt64(f[6]), let output = f[7] == "-" ? .some(nil) : Hexadecimal.decode(f[7]).map(Optional.some)
        else {
            return .malformed("unreadable output '\(line.prefix(80))': a worker's standard output carries its results, so a task (a plugin, its set-up) must not print to stdout; print to stderr instead (include/tvp_task.h)")
        }
        return .report(WorkerReport(digest: digest, pid: pid, processStartNanoseconds: start,
                                    taskStartNanoseconds: taskStart, taskEndNanoseconds: taskEnd,
                                    transferNanoseconds: transfer, output: output))
    }
}
