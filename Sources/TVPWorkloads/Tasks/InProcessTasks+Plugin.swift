import TVPSystem

extension InProcessTasks {
    /// `plugin` task `index`: the plugin's task function, given the task's slice of the shared input
    /// when there is one. Under `gil` the lock is held for the whole call (a C extension that keeps
    /// the GIL); under `gil-release` the call runs without it.
    mutating func runPlugin<Hooks: TaskHooks>(task index: Int, _ plugin: PluginWorkload, hooks: Hooks) throws -> TaskDigest {
        guard let instance = self.plugin else {
            throw PluginError("\(plugin.library): \(plugin.symbol) was not set up in this process (tvp sets plugins up before the trials)")
        }
        guard let count = input.taskCount else {
            throw PluginError("\(plugin.library): the task count did not reach task \(index)")
        }
        guard let shared = plugin.input else {
            return try Self.call(instance, task: index, of: count, input: Self.noInput.span.bytes, hooks: hooks)
        }
        return try withSlice(task: index, of: shared) { try Self.call(instance, task: index, of: count, input: $0, hooks: hooks) }
    }

    private static let noInput: [UInt8] = []

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
