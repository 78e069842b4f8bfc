import TVPSystem

/// Finds `tvp-worker`: `$TVP_WORKER` when set, else next to the running executable; and
/// `tvp-plugin-worker`: `$TVP_PLUGIN_WORKER` when set, else next to the running executable.
public enum WorkerLocator {
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
