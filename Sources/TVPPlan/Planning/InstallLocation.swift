import Foundation
import TVPSystem

/// Where tvp's own files are: the folder that holds `plot.gp`, `charts/` and `scenarios/`. It is the
/// checkout the running binary was built in (`.build/<config>/tvp` → two folders up) or an install
/// prefix (`PREFIX/bin/tvp` → `PREFIX/share/tvp`), or `$TVP_HOME` when the user names one. Never the
/// current directory: a `charts/lib.gp` or `scenarios/default.yaml` planted there must not be run.
public enum InstallLocation {
    /// The folder holding plot.gp; nil when neither `$TVP_HOME` nor the binary's location has one.
    public static func home(environment: [String: String]) -> String? {
        if let explicit = environment["TVP_HOME"], !explicit.isEmpty {
            return Files.exists("\(explicit)/plot.gp") ? absolute(explicit) : nil
        }
        guard let executable = Files.currentExecutablePath() else { return nil }
        var directory = URL(fileURLWithPath: executable).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<5 {
            for candidate in [directory.path, directory.appendingPathComponent("share/tvp").path]
            where Files.exists("\(candidate)/plot.gp") {
                return candidate
            }
            directory.deleteLastPathComponent()
        }
        return nil
    }

    /// plot.gp, the script that draws every chart of a run.
    public static func plotScript(environment: [String: String]) -> String? {
        home(environment: environment).map { "\($0)/plot.gp" }
    }

    /// The chart scripts' folder: `$TVP_CHARTS_DIR` when set, else `charts/` beside plot.gp.
    public static func chartsDirectory(environment: [String: String]) -> String? {
        if let explicit = environment["TVP_CHARTS_DIR"], !explicit.isEmpty { return absolute(explicit) }
        return home(environment: environment).map { "\($0)/charts" }
    }

    /// A scenario shipped with tvp, e.g. `default` → `HOME/scenarios/default.yaml`, when present.
    public static func scenario(named name: String, environment: [String: String]) -> String? {
        home(environment: environment).map { "\($0)/scenarios/\(name).yaml" }.flatMap { Files.exists($0) ? $0 : nil }
    }

    /// `path` made absolute against the current directory (once, before any user code can move it).
    public static func absolute(_ path: String) -> String { Files.absolutePath(path) }
}
