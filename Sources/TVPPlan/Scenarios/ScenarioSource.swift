import Foundation
import TVPSystem

/// Where `tvp run` finds its scenario: the path the user names, or `scenarios/default.yaml` of
/// tvp's own checkout or install location (`InstallLocation`, never the current directory), or the
/// same matrix built into the binary when that file is absent.
public enum ScenarioSource {
    /// The scenario at `path` (or the default), with its path and text.
    public static func load(path: String?, cpus: Int = ProcFS.usableCPUs(),
                            environment: [String: String] = ProcessInfo.processInfo.environment) throws
        -> (scenario: Scenario, path: String, text: String) {
        if let path {
            let scenario = try ScenarioLoader.load(path: path, cpus: cpus)
            return (scenario, path, (try? String(contentsOfFile: path, encoding: .utf8)) ?? "")
        }
        if let shipped = InstallLocation.scenario(named: "default", environment: environment) {
            return try load(path: shipped, cpus: cpus)
        }
        let scenario = try ScenarioLoader.parse(BuiltInScenarios.defaultText, source: "<built-in default>", defaultName: "default", cpus: cpus)
        return (scenario, "<built-in default>", BuiltInScenarios.defaultText)
    }
}
