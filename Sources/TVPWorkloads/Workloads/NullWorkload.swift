/// `null`: nothing at all; measures a mode's own cost per task.
public struct NullWorkload: WorkloadKind, Hashable {
    /// The one variant.
    public init() {}

    public static let name = "null"
    public static let summary = "nothing at all: a mode's own cost per task"
    public static let parameters: [WorkloadParameter] = []

    public init(parameters values: ParameterValues) {}
    public var parameterValues: ParameterValues { ParameterValues() }
    public var label: String { "null" }
    public func makeTask(input: TaskInput, taskTimeoutSeconds: Double?) -> any WorkloadTask { NullTask() }
    public func estimatedTaskSeconds(tasks: Int) -> (compute: Double, wait: Double) { (0, 0) }
}

/// A `null` task: its digest is zero.
final class NullTask: WorkloadTask {
    func run<Hooks: TaskHooks>(task index: Int, hooks: Hooks) throws -> TaskDigest { .zero }
}

extension Workload {
    /// The `null` workload.
    public static let null = Workload(NullWorkload())
}
