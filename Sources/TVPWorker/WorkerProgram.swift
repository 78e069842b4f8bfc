import SystemPackage
import TVPSystem
import TVPWorkloads

/// What a worker process does, shared by the two worker executables: `tvp-worker` (static, the
/// built-in workloads) and `tvp-plugin-worker` (dynamically linked, so it can `dlopen` plugins).
///
///   WORKER task WORKLOAD INPUT INDEX   one task, reported as a text line (`processes`); a `shared`
///                                      slice shipped by pipe arrives on stdin
///   WORKER serve WORKLOAD INPUT        task frames on stdin, result frames on stdout, until stdin
///                                      closes (`process-pool`); a conversation's channel ends
///                                      come with each task over descriptor 3, a Unix socket
///   WORKER openssl-ia32cap             the CPU capabilities its libcrypto found, as the
///                                      OPENSSL_ia32cap environment variable takes them (tvp asks
///                                      once per run and hands them to the workers it starts)
///
/// A plugin is set up after the process starts and before its first task (before the ready frame
/// of `serve`), and torn down after its last.
public struct WorkerProgram {
    /// When the process's `main` began.
    let processStart: MonotonicInstant
    /// Whether this executable can load plugins.
    let allowsPlugins: Bool
    /// libcrypto's CPU capability vector, as OPENSSL_ia32cap takes it; nil where the executable
    /// cannot tell (its libcrypto is not linked in statically, the CPU has no such vector, or the
    /// libcrypto keeps more of it than that form carries).
    let cryptoCapabilities: () -> String?
    private let standardOutput = FileDescriptor.standardOutput

    /// A worker that started at `processStart`.
    public init(processStart: MonotonicInstant, allowsPlugins: Bool, cryptoCapabilities: @escaping () -> String? = { nil }) {
        self.processStart = processStart
        self.allowsPlugins = allowsPlugins
        self.cryptoCapabilities = cryptoCapabilities
    }

    /// Runs the command in the process's arguments (argv) and ends the process. The arguments are
    /// read one by one: `CommandLine.arguments` would build an Array of Strings, whose generic
    /// metadata a fresh process instantiates through the runtime's demangler (docs/overhead.md).
    public func main() -> Never {
        let count = ProcessArguments.count
        main(count: count, command: count > 1 ? ProcessArguments.argument(1) : "", argument: ProcessArguments.argument)
    }

    /// Runs the command in `arguments` (argv) and ends the process.
    public func main(_ arguments: [String]) -> Never {
        main(count: arguments.count, command: arguments.count > 1 ? arguments[1] : "", argument: { arguments[$0] })
    }

    private func main(count: Int, command: String, argument: (Int) -> String) -> Never {
        do {
            switch (count, command) {
            case (5, "task"):
                let indexText = argument(4)
                guard let index = Int(indexText), index >= 0 else { fail("task index must be a whole number, got '\(indexText)'", code: 64) }
                do {
                    try runOneTask(workload: try decode(argument(2)), input: try TaskSpec.decodeInput(argument(3)), index: index)
                } catch {
                    fail("task \(index): \(error)", code: 1)
                }
                exitImmediately(0)
            case (4, "serve"):
                try serve(workload: try decode(argument(2)), input: try TaskSpec.decodeInput(argument(3), handOffSocket: Self.handOffSocket))
            case (2, "openssl-ia32cap"):
                guard let vector = cryptoCapabilities() else { fail("this worker cannot report libcrypto's CPU capabilities", code: 1) }
                try standardOutput.writeAll(Array((vector + "\n").utf8))
                exitImmediately(0)
            default:
                let given = (1..<max(1, count)).map(argument).joined(separator: " ")
                fail("usage: tvp-worker task WORKLOAD INPUT INDEX | tvp-worker serve WORKLOAD INPUT | tvp-worker openssl-ia32cap (got \(given))", code: 64)
            }
        } catch {
            fail("\(error)", code: 1)
        }
    }

    /// Where a pool worker is handed each task's channel ends, when its input is a conversation
    /// over pipes or sockets.
    static let handOffSocket = FileDescriptor(rawValue: 3)

    private func fail(_ message: String, code: Int32) -> Never {
        try? standardOutput.writeAll(Array(WorkerReport.errorLine(message).utf8))
        exitImmediately(code)
    }

    /// The workload in `text`, its plugin set up when it is one.
    private func decode(_ text: String) throws -> Workload {
        let workload = try TaskSpec.decodeWorkload(text)
        // `isPlugin` first: the cast alone would cost every worker the existential's metadata.
        if workload.isPlugin, let plugin = workload.as(PluginWorkload.self) {
            guard allowsPlugins else {
                throw PluginError("the static tvp-worker cannot load plugins (it has no dynamic loader); tvp runs plugin tasks in tvp-plugin-worker, which must sit next to tvp")
            }
            try PluginHost.setUp(plugin)
        }
        return workload
    }

    /// Runs one task and writes its report line.
    private func runOneTask(workload: Workload, input: TaskInput, index: Int) throws {
        var runner = InProcessTasks(workload: workload, input: input)
        let taskStart = MonotonicInstant.now()
        let digest = try runner.run(task: index)
        let taskEnd = MonotonicInstant.now()
        let report = WorkerReport(
            digest: digest, pid: currentProcessID(), processStartNanoseconds: processStart.nanoseconds,
            taskStartNanoseconds: taskStart.nanoseconds, taskEndNanoseconds: taskEnd.nanoseconds,
            transferNanoseconds: runner.lastTransferNanoseconds, output: runner.lastOutput)
        try report.write(to: standardOutput)
        // Only a plugin has anything to tear down; the table of plugins is not touched otherwise.
        if workload.isPlugin { PluginHost.tearDownAll() }
    }

    /// Serves task frames from stdin until it closes; each task's result (or failure) goes back as a
    /// frame. A frame that breaks the protocol ends the worker: the stream can no longer be trusted.
    private func serve(workload: Workload, input: TaskInput) throws -> Never {
        var runner = InProcessTasks(workload: workload, input: input)
        try standardOutput.writeAll(Frame.ready(pid: currentProcessID(), processStartNanoseconds: processStart.nanoseconds).encoded)
        let reader = FrameReader(.standardInput)
        // One reply buffer for every task: a result allocates nothing once it has grown.
        var reply: [UInt8] = []
        reply.reserveCapacity(Frame.headerBytes + 56)
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
            do {
                let digest = try runner.run(task: index)
                Frame.encodeResult(digest, startNanoseconds: start.nanoseconds, endNanoseconds: MonotonicInstant.now().nanoseconds,
                                   transferNanoseconds: runner.lastTransferNanoseconds, output: runner.lastOutput, into: &reply)
            } catch {
                try standardOutput.writeAll(Frame.failure("task \(index): \(error)").encoded)
                // A task that failed while reading its slice left the stream mid-frame.
                if expected > 0 { exitImmediately(1) }
                continue
            }
            try standardOutput.writeAll(reply)
        }
        PluginHost.tearDownAll()
        exitImmediately(0)
    }
}
