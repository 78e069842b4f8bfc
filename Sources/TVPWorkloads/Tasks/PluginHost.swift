import Synchronization
import TVPSystem

/// The task plugins set up in this process: each (library, symbol, parameter) is opened and set
/// up once, before the first task that needs it and outside every clock, and torn down once.
/// Task runners find their plugin here; tvp sets its plugins up before the trials, a worker
/// process before its first task.
public enum PluginHost {
    private struct Key: Hashable {
        let path: String
        let symbol: String
        let parameter: String

        init(_ plugin: PluginWorkload) {
            path = plugin.libraryPath
            symbol = plugin.symbol
            parameter = plugin.parameter
        }
    }

    private static let instances = Mutex<[Key: PluginInstance]>([:])

    /// Opens `plugin`'s library and checks its ABI version and task symbol, without set-up.
    public static func check(_ plugin: PluginWorkload) throws(PluginError) {
        _ = try PluginLibrary(path: plugin.libraryPath, symbol: plugin.symbol, name: plugin.library)
    }

    /// `plugin` set up in this process: opened, checked and set up now if it was not already.
    @discardableResult
    public static func setUp(_ plugin: PluginWorkload) throws(PluginError) -> PluginInstance {
        let key = Key(plugin)
        if let existing = instances.withLock({ $0[key] }) { return existing }
        let library = try PluginLibrary(path: plugin.libraryPath, symbol: plugin.symbol, name: plugin.library)
        let instance = try library.setUp(parameter: plugin.parameter, name: plugin.library)
        // Set-ups happen before any task runs, on one thread; a second one for the same key keeps the first.
        return instances.withLock { table in
            if let existing = table[key] { return existing }
            table[key] = instance
            return instance
        }
    }

    /// The set-up instance of `plugin`, nil when it was not set up in this process.
    public static func instance(for plugin: PluginWorkload) -> PluginInstance? {
        instances.withLock { $0[Key(plugin)] }
    }

    /// Tears every plugin down (its `SYMBOL_teardown`) and forgets it; a later `setUp` sets it up again.
    public static func tearDownAll() {
        let all = instances.withLock { table in
            let values = Array(table.values)
            table.removeAll()
            return values
        }
        for instance in all { instance.tearDown() }
    }
}
