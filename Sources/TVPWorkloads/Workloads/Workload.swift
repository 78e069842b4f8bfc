import Synchronization

/// What one task does: one variant of a registered workload kind (its parameters' values). Every
/// task is identified by its workload and its index, and is deterministic: the same task gives the
/// same digest in every mode.
public struct Workload: Hashable, Sendable, CustomStringConvertible {
    /// The variant.
    public let kind: any WorkloadKind

    /// Wraps a variant.
    public init(_ kind: some WorkloadKind) { self.kind = kind }

    /// Wraps a variant known only by its protocol.
    init(erasing kind: any WorkloadKind) { self.kind = kind }

    /// The workloads tvp knows, one line each, in the order of their CSV columns. A workload
    /// declared elsewhere (a test's) joins with `register`.
    static let builtIn: [any WorkloadKind.Type] = [
        CPUWorkload.self,
        IOWorkload.self,
        NullWorkload.self,
        SharedWorkload.self,
        MixedWorkload.self,
        DownloadWorkload.self,
        TallyWorkload.self,
        AllocWorkload.self,
        RefsWorkload.self,
        PluginWorkload.self,
        ResponsivenessWorkload.self,
        MessageWorkload.self,
    ]

    private static let registered = Mutex<[any WorkloadKind.Type]>([])

    /// Every workload kind: the built-in ones, then the registered ones.
    public static var kinds: [any WorkloadKind.Type] { builtIn + registered.withLock { $0 } }

    /// Adds a workload kind declared outside this module (a test's); a second registration of a
    /// name is ignored.
    public static func register(_ kind: any WorkloadKind.Type) {
        registered.withLock { kinds in
            if !builtIn.contains(where: { $0.name == kind.name }) && !kinds.contains(where: { $0.name == kind.name }) {
                kinds.append(kind)
            }
        }
    }

    /// The kind named `name`.
    public static func kind(named name: String) -> (any WorkloadKind.Type)? {
        // The built-in list first, without the lock: a worker decodes its task with it.
        builtIn.first { $0.name == name } ?? registered.withLock { $0.first { $0.name == name } }
    }

    /// The parameter columns of trials.csv and summary.csv: every built-in workload's, in the order
    /// of `builtIn` and of their declarations, each once (`file_size` is `io`'s and `download`'s).
    public static let parameterColumns: [String] = {
        var columns: [String] = []
        for kind in builtIn {
            for parameter in kind.parameters where parameter.inCSV && !columns.contains(parameter.column) {
                columns.append(parameter.column)
            }
        }
        return columns
    }()

    /// The names of all workloads, for help texts and "did you mean".
    public static var names: [String] { kinds.map { $0.name } }

    /// The workload's name as scenarios and CSV files spell it.
    public var name: String { type(of: kind).name }
    /// Its kind's parameter declarations.
    public var declarations: [WorkloadParameter] { type(of: kind).parameters }
    /// A short readable name with the parameters that matter, e.g. "cpu[8MiB]".
    public var label: String { kind.label }
    public var description: String { label }

    /// The variant as its kind's type, when it is one: `workload.as(TallyWorkload.self)`.
    public func `as`<Kind: WorkloadKind>(_ type: Kind.Type) -> Kind? { kind as? Kind }

    /// Whether this is a variant of `type`.
    public func `is`<Kind: WorkloadKind>(_ type: Kind.Type) -> Bool { kind is Kind }

    /// Parameter column and value pairs as CSV files write them.
    public var parameters: [(name: String, value: String)] {
        let values = kind.parameterValues
        return declarations.compactMap { declaration in
            guard declaration.inCSV, let value = values[declaration.name] else { return nil }
            return (declaration.column, value.text)
        }
    }

    /// Bytes a trial of `tasks` tasks hashes or reads, for throughput figures; 0 when none.
    public func bytesPerTrial(tasks: Int) -> Int { kind.bytesPerTrial(tasks: tasks) }
    /// Operations each task makes, for per-update costs; nil for most workloads.
    public var updatesPerTask: Int? { kind.updatesPerTask }
    /// What `per_update_ns` divides a trial's wall time by: the messages a trial of `tasks` parties
    /// sends (a conversation), or its updates (tasks × `updatesPerTask`); nil for other workloads.
    public func updates(tasks: Int) -> Int? {
        if let shape = conversation { return shape.messages(tasks: tasks) }
        return updatesPerTask.map { max(1, tasks) * $0 }
    }
    /// Whether a process must be handed this workload's data: the cell's `transfer` matters only then.
    public var shipsData: Bool { kind.sharedInput != nil }
    /// The one large input the tasks read a slice each of; nil when there is none.
    public var sharedInput: SharedWorkload? { kind.sharedInput }
    /// This workload with its shared input shipped by `transfer` (unchanged when it has none).
    public func withTransfer(_ transfer: Transfer) -> Workload { Workload(erasing: kind.withTransfer(transfer)) }
    /// What its tasks read besides their parameters.
    public var needs: TaskNeeds { kind.needs }
    /// Whether workers that are processes can run it.
    public var runsInProcesses: Bool { kind.runsInProcesses }
    /// Whether its trials run a foreground beside their tasks (`WorkloadKind.makeCompanion`).
    public var hasCompanion: Bool { kind.makeCompanion() != nil }
    /// The conversation each task is one party of; nil when the tasks are independent.
    public var conversation: ConversationShape? { kind.conversation }
    /// Whether its tasks only compute.
    public var onlyComputes: Bool { kind.onlyComputes }
    /// This workload as a mode whose workers are (or are not) processes runs it.
    public func normalized(processes: Bool) -> Workload { Workload(erasing: kind.normalized(processes: processes)) }
    /// This workload set for a machine that hashes `bytesPerSecond`; nil when the machine does not matter.
    public func calibratedVariant(bytesPerSecond: Double) -> Workload? { kind.calibratedVariant(bytesPerSecond: bytesPerSecond).map { Workload(erasing: $0) } }

    public static func == (lhs: Workload, rhs: Workload) -> Bool { lhs.kind.isEqual(to: rhs.kind) }
    public func hash(into hasher: inout Hasher) {
        hasher.combine(name)
        kind.hash(into: &hasher)
    }
}

extension WorkloadKind {
    /// This variant as a `Workload`.
    public var workload: Workload { Workload(self) }

    /// The declared default of parameter `name`.
    public static func defaultValue(_ name: String) -> ParameterValue? {
        parameters.first { $0.name == name }?.defaultValue
    }
}

/// The values of a kind's parameters with their defaults filled in, each checked against its
/// declaration; the problem names the first one that is wrong.
extension ParameterValues {
    /// `self` with every absent parameter of `declarations` set to its default.
    public func withDefaults(_ declarations: [WorkloadParameter]) -> ParameterValues {
        var values = self
        for declaration in declarations where values[declaration.name] == nil {
            values[declaration.name] = declaration.defaultValue
        }
        return values
    }
}
