import TVPSystem

/// `plugin`: a function of the user's, in a shared library that follows the C ABI of
/// include/tvp_task.h, run as the tasks of every mode.
///
/// Two plugin workloads are the same workload when their library (as the scenario spells it),
/// symbol, parameter and input are: where the library lies on this machine and whether the task
/// is declared deterministic do not change what is measured.
public struct PluginWorkload: WorkloadKind, Hashable {
    /// The library as the scenario names it (relative to the scenario file's folder, or absolute):
    /// what CSV files record, so that runs from different checkouts compare.
    public var library: String
    /// Where the library is on this machine: `library` resolved against the scenario's folder.
    public var libraryPath: String
    /// The task function's exported name.
    public var symbol: String
    /// The scenario's `parameter` string, handed to every call ("" when none).
    public var parameter: String
    /// The shared input each task gets a slice of, and how process modes ship it; nil when the
    /// scenario sets no `input_size`.
    public var input: SharedWorkload?
    /// Whether the task gives the same digest every time, so that every mode's digests can be
    /// checked against a reference (the scenario's `deterministic`, default true).
    public var deterministic: Bool

    /// Creates the parameters.
    public init(library: String, libraryPath: String, symbol: String, parameter: String = "",
                input: SharedWorkload? = nil, deterministic: Bool = true) {
        self.library = library
        self.libraryPath = libraryPath
        self.symbol = symbol
        self.parameter = parameter
        self.input = input
        self.deterministic = deterministic
    }

    public static let name = "plugin"
    public static let summary = "a function of the user's, from a shared library that follows include/tvp_task.h"
    public static let parameters = [
        WorkloadParameter("library", .file, column: "plugin_library",
                          summary: "the plugin's shared library, relative to the scenario file's folder"),
        WorkloadParameter("symbol", .identifier, column: "plugin_symbol", summary: "the task function the library exports"),
        WorkloadParameter("parameter", .text, default: .text(""), column: "plugin_parameter", summary: "a text handed to every call"),
        WorkloadParameter("input_size", .bytes(1...(16 << 30)), unit: "bytes", isOptional: true,
                          summary: "a shared input cut into one slice per task (none when absent)"),
        WorkloadParameter("transfer", .choice(Transfer.allCases.map(\.rawValue)), isOptional: true,
                          scenarioChoices: Transfer.processTransfers.map(\.rawValue),
                          summary: "how process modes ship a slice of the input: `pipe` (default), `file` or `shm`"),
        WorkloadParameter("deterministic", .flag, default: .flag(true), sweeps: false, inCSV: false,
                          summary: "whether the task gives the same digest every time (checked against a reference)"),
    ]

    public init(parameters values: ParameterValues) throws(ParameterProblem) {
        var input: SharedWorkload?
        if values["input_size"] != nil {
            input = SharedWorkload(inputSize: values.integer("input_size"), transfer: values.choice("transfer") ?? .pipe)
        } else if values["transfer"] != nil {
            throw ParameterProblem(parameter: "transfer", message: "ships the plugin's input, so it needs `input_size` (the input's size, cut into one slice per task)")
        }
        self.init(library: values.text("library"), libraryPath: values.path("library"), symbol: values.text("symbol"),
                  parameter: values.text("parameter"), input: input, deterministic: values["deterministic"]?.flag ?? true)
    }
    public var parameterValues: ParameterValues {
        var values = ParameterValues([("library", .text(library)), ("symbol", .text(symbol)), ("parameter", .text(parameter))])
        if let input {
            values["input_size"] = .integer(input.inputSize)
            values["transfer"] = .text(input.transfer.rawValue)
        }
        values["deterministic"] = .flag(deterministic)
        values.resolvedFiles["library"] = libraryPath
        return values
    }
    /// The worker opens the library where it is on this machine.
    public var specValues: ParameterValues {
        var values = parameterValues
        values["library"] = .text(libraryPath)
        values["deterministic"] = nil
        return values
    }
    /// "plugin[SYMBOL PARAMETER]", with the input's size and transfer when there is one
    /// ("plugin[compress 6 8MiB pipe]"). A comma in the parameter shows as `_` (expectations
    /// separate their arguments with commas), and a long parameter is cut at 40 characters.
    public var label: String {
        var words = [symbol]
        if !parameter.isEmpty {
            let shown = String(parameter.map { $0 == "," || $0 == "\n" ? "_" : $0 })
            words.append(shown.count > 40 ? String(shown.prefix(39)) + "…" : shown)
        }
        if let input {
            words.append(SizeSyntax.format(input.inputSize))
            if input.transfer != .inPlace { words.append(input.transfer.rawValue) }
        }
        return "plugin[\(words.joined(separator: " "))]"
    }

    public func makeTask(input: TaskInput, taskTimeoutSeconds: Double?) -> any WorkloadTask { PluginTask(self, input: input) }
    public var needs: TaskNeeds { input == nil ? .taskCount : .sharedInput }
    public var sharedInput: SharedWorkload? { input }
    public func withTransfer(_ transfer: Transfer) -> PluginWorkload {
        var copy = self
        copy.input?.transfer = transfer
        return copy
    }
    public func bytesPerTrial(tasks: Int) -> Int { input?.inputSize ?? 0 }
    public var digestMismatchHint: String? {
        "a plugin whose digest depends on more than its task index, task count, input and parameter cannot be checked: make it deterministic, or declare `deterministic: false`"
    }
    public func estimatedTaskSeconds(tasks: Int) -> (compute: Double, wait: Double) {
        // Unknown until it runs: counted as 10 ms of computing per task.
        (0.01, 0)
    }

    public static func == (lhs: PluginWorkload, rhs: PluginWorkload) -> Bool {
        lhs.library == rhs.library && lhs.symbol == rhs.symbol && lhs.parameter == rhs.parameter && lhs.input == rhs.input
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(library)
        hasher.combine(symbol)
        hasher.combine(parameter)
        hasher.combine(input)
    }
}

extension Workload {
    /// A `plugin` workload.
    public static func plugin(_ plugin: PluginWorkload) -> Workload { Workload(plugin) }

    /// Whether this is a `plugin` workload (its process-mode tasks run in `tvp-plugin-worker`).
    /// By name, not by a cast: a cast from the existential would make a fresh worker build the
    /// existential's metadata through the runtime's demangler before its first task.
    public var isPlugin: Bool { name == PluginWorkload.name }
}

/// A `plugin` task: the plugin's task function, given the task's slice of the shared input when
/// there is one. Under `gil` the lock is held for the whole call (a C extension that keeps the
/// GIL); under `gil-release` the call runs without it.
final class PluginTask: WorkloadTask {
    private let workload: PluginWorkload
    /// The plugin as this process set it up (`PluginHost`); nil until then.
    private let instance: PluginInstance?
    private let taskCount: Int?
    private var slices: SliceReader?
    private static let noInput: [UInt8] = []

    init(_ workload: PluginWorkload, input: TaskInput) {
        self.workload = workload
        instance = PluginHost.instance(for: workload)
        taskCount = input.taskCount
        slices = workload.input.map { SliceReader($0, input: input) }
    }

    func run<Hooks: TaskHooks>(task index: Int, hooks: Hooks) throws -> TaskDigest {
        guard let instance else {
            throw PluginError("\(workload.library): \(workload.symbol) was not set up in this process (tvp sets plugins up before the trials)")
        }
        guard let count = taskCount else {
            throw PluginError("\(workload.library): the task count did not reach task \(index)")
        }
        guard slices != nil else {
            return try Self.call(instance, task: index, of: count, input: Self.noInput.span.bytes, hooks: hooks)
        }
        return try slices!.withSlice(task: index) { try Self.call(instance, task: index, of: count, input: $0, hooks: hooks) }
    }

    var lastTransferNanoseconds: UInt64 { slices?.lastTransferNanoseconds ?? 0 }
    func streamedBytes(task index: Int) -> Int { slices?.streamedBytes(task: index) ?? 0 }

    private static func call<Hooks: TaskHooks>(
        _ instance: PluginInstance, task index: Int, of count: Int, input: RawSpan, hooks: Hooks
    ) throws -> TaskDigest {
        hooks.beginReleasedCompute()
        let words: (UInt64, UInt64, UInt64, UInt64)
        do {
            words = try instance.run(task: index, of: count, input: input)
        } catch {
            hooks.endReleasedCompute()
            throw error
        }
        hooks.endReleasedCompute()
        hooks.checkpoint()
        return TaskDigest(words: words)
    }
}
