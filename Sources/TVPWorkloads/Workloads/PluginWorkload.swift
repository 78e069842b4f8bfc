/// Parameters of the `plugin` workload: a function of the user's, in a shared library that follows
/// the C ABI of include/tvp_task.h, run as the tasks of every mode.
///
/// Two plugin workloads are the same workload when their library (as the scenario spells it),
/// symbol, parameter and input are: where the library lies on this machine and whether the task
/// is declared deterministic do not change what is measured.
public struct PluginWorkload: Hashable, Sendable {
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
    /// Whether this is a `plugin` workload (its process-mode tasks run in `tvp-plugin-worker`).
    public var isPlugin: Bool {
        if case .plugin = self { true } else { false }
    }
}
