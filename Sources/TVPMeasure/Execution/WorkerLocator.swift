import TVPSystem

/// Finds each executable a run starts on its own terms: `tvp-worker`: `$TVP_WORKER` when set, else
/// next to the running executable; `tvp-plugin-worker`: `$TVP_PLUGIN_WORKER` when set, else next to
/// the running executable; the download server: `$TVP_SERVER` when set, else this tvp itself.
public enum WorkerLocator {
    /// Where `path`, `pluginPath` or `serverPath` found the executable, for messages.
    public static func source(of variable: String, environment: [String: String]) -> String {
        if let value = environment[variable], !value.isEmpty { return "as $\(variable)=\(value)" }
        return variable == "TVP_SERVER" ? "as this tvp (set $TVP_SERVER to choose another)" : "beside tvp (set $\(variable) to choose another)"
    }

    /// The `tvp` that serves downloads: `$TVP_SERVER`, else the running executable when it is a
    /// tvp, else (a test runner) the `tvp` beside `workerPath`.
    public static func serverPath(environment: [String: String] = [:], workerPath: String) -> String {
        if let override = environment["TVP_SERVER"], !override.isEmpty { return override }
        if let executable = Files.currentExecutablePath(), executable.hasSuffix("/tvp") { return executable }
        let directory = workerPath.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        return (directory.isEmpty && !workerPath.hasPrefix("/") ? "." : directory) + "/tvp"
    }

    /// The worker's path.
    public static func path(environment: [String: String]) -> String {
        if let override = environment["TVP_WORKER"], !override.isEmpty { return override }
        let executable = Files.currentExecutablePath() ?? CommandLine.arguments[0]
        let directory = executable.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        return (directory.isEmpty ? "." : directory) + "/tvp-worker"
    }

    /// The plugin worker's path.
    public static func pluginPath(environment: [String: String]) -> String {
        if let override = environment["TVP_PLUGIN_WORKER"], !override.isEmpty { return override }
        return pluginWorkerPath(besideWorker: path(environment: [:]))
    }

    /// `tvp-plugin-worker` in the folder of `workerPath`.
    public static func pluginWorkerPath(besideWorker workerPath: String) -> String {
        let directory = workerPath.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        return (directory.isEmpty ? "." : directory) + "/tvp-plugin-worker"
    }
}
