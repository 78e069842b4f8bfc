import Foundation

/// Where `tvp run` finds its scenario: a path, or `scenarios/default.yaml`, or the same matrix built
/// into the binary when that file is absent.
public enum ScenarioSource {
    /// The default scenario file, relative to the working directory.
    public static let defaultPath = "scenarios/default.yaml"

    /// The scenario at `path` (or the default), with its path and text.
    public static func load(path: String?) throws -> (scenario: Scenario, path: String, text: String) {
        if let path {
            let scenario = try ScenarioLoader.load(path: path)
            return (scenario, path, (try? String(contentsOfFile: path, encoding: .utf8)) ?? "")
        }
        if FileManager.default.fileExists(atPath: defaultPath) {
            return try load(path: defaultPath)
        }
        let scenario = try ScenarioLoader.parse(BuiltInScenarios.defaultText, source: "<built-in default>", defaultName: "default")
        return (scenario, "<built-in default>", BuiltInScenarios.defaultText)
    }
}
