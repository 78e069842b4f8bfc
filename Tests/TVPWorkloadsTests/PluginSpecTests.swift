import Testing
@testable import TVPWorkloads

@Suite("plugin task specs")
struct PluginSpecTests {
    @Test("a plugin spec survives the worker's argv with separators and escapes in its path and parameter", arguments: [
        PluginWorkload(library: "/tmp/a;b%c.so", libraryPath: "/tmp/a;b%c.so", symbol: "my_task", parameter: "level=6;mode=%3B fast"),
        PluginWorkload(library: "/x/lib.so", libraryPath: "/x/lib.so", symbol: "t", parameter: ""),
        PluginWorkload(library: "/x/lib.so", libraryPath: "/x/lib.so", symbol: "t", parameter: "%",
                       input: SharedWorkload(inputSize: 3 << 20, transfer: .shm)),
    ])
    func roundTrip(plugin: PluginWorkload) throws {
        let text = TaskSpec.encode(Workload.plugin(plugin))
        #expect(text.split(separator: ";").count == (plugin.input == nil ? 4 : 6), "an unescaped separator in \(text)")
        guard let decoded = try TaskSpec.decodeWorkload(text).as(PluginWorkload.self) else {
            Issue.record("not a plugin: \(text)")
            return
        }
        #expect(decoded == plugin)
        #expect(decoded.libraryPath == plugin.libraryPath && decoded.parameter == plugin.parameter)
    }

    @Test("escaping is undone exactly, and a percent sign that escapes nothing is kept", arguments: [
        ("plain", "plain"), ("a;b", "a%3Bb"), ("100%", "100%25"), ("%3B", "%253B"),
    ])
    func escapes(text: String, escaped: String) {
        #expect(TaskSpec.escape(text) == escaped)
        #expect(TaskSpec.unescape(escaped) == text)
        #expect(TaskSpec.unescape("50%off%") == "50%off%")
    }

    @Test("a task count alone travels as the input of a plugin without one")
    func taskCountInput() throws {
        #expect(TaskSpec.encode(TaskInput.taskCount(17)) == "tasks=17")
        #expect(try TaskSpec.decodeInput("tasks=17").taskCount == 17)
        #expect(throws: TaskSpec.DecodingError.self) { try TaskSpec.decodeInput("tasks=-1") }
    }

    @Test("malformed plugin specs are rejected", arguments: ["plugin", "plugin;lib=/x.so", "plugin;sym=t", "plugin;lib=;sym=t",
                                                             "plugin;lib=/x.so;sym=t;size=10", "plugin;lib=/x.so;sym=t;size=10;transfer=carrier-pigeon"])
    func malformed(text: String) {
        #expect(throws: TaskSpec.DecodingError.self) { try TaskSpec.decodeWorkload(text) }
    }

    @Test("a plugin's input is a shared input: its transfer changes with the mode, and it has no input without input_size")
    func sharedInput() {
        let plugin = PluginWorkload(library: "l.so", libraryPath: "/l.so", symbol: "t", input: SharedWorkload(inputSize: 64, transfer: .pipe))
        let workload = Workload.plugin(plugin)
        #expect(workload.sharedInput == SharedWorkload(inputSize: 64, transfer: .pipe))
        #expect(workload.withTransfer(.inPlace).sharedInput?.transfer == .inPlace)
        #expect(workload.shipsData && workload.bytesPerTrial(tasks: 8) == 64)
        let bare = Workload.plugin(PluginWorkload(library: "l.so", libraryPath: "/l.so", symbol: "t"))
        #expect(bare.sharedInput == nil && !bare.shipsData && bare.withTransfer(.shm) == bare)
    }

    @Test("a runner whose plugin was not set up in this process says so instead of calling anything")
    func notSetUp() {
        var runner = InProcessTasks(workload: .plugin(PluginWorkload(library: "never.so", libraryPath: "/never.so", symbol: "t")), input: .taskCount(2))
        #expect(throws: (any Error).self) { try runner.run(task: 0) }
        do { _ = try runner.run(task: 0) } catch { #expect("\(error)".contains("never.so") && "\(error)".contains("not set up")) }
    }
}
