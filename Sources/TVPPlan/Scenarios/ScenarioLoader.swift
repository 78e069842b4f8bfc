import Foundation
import TVPSystem
import TVPWorkloads
import Yams

/// Reads scenario YAML strictly: an unknown key, a wrong type or an out-of-range value is a problem
/// naming the file, the line and the key, and every problem in the file is reported at once.
public enum ScenarioLoader {
    /// Keys allowed at the top of a scenario.
    static let topLevelKeys = ["name", "description", "repetitions", "warmup", "seed", "tasks", "workers",
                               "modes", "workloads", "task_timeout_s", "switch_interval_ms", "expect",
                               "tasks_per_worker", "max_workers", "affinity"]
    /// Parameters each workload accepts.

    /// Limits on values, shared by validation and error messages.
    package enum Limits {
        // A workload's own parameters are bounded in its declaration (TVPWorkloads).
        /// 10,000 downloads in flight and some room: each needs a descriptor, a thread or a process.
        package static let workers = 1...16_384
        static let tasksPerWorker = 1...1_000
        package static let tasks = 1...10_000_000
        static let repetitions = 1...10_000
        static let warmup = 0...1_000
        static let taskTimeoutSeconds = 0.001...86_400.0
        static let switchIntervalMilliseconds = 0.1...1_000.0
    }

    /// Loads and validates the scenario file at `path`, planned for `cpus` usable CPUs.
    public static func load(path: String, cpus: Int = ProcFS.usableCPUs()) throws -> Scenario {
        let text: String
        if let kind = Files.irregularKind(path) {
            throw ScenarioError(source: path, problems: [.init(message: "is \(kind), not a scenario file; give the path of a YAML file, e.g. scenarios/quick.yaml")])
        }
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ScenarioError(source: path, problems: [.init(message: "cannot read the scenario file: \(error.localizedDescription)")])
        }
        let fallbackName = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        return try parse(text, source: path, defaultName: fallbackName,
                         directory: URL(fileURLWithPath: path).deletingLastPathComponent().path, cpus: cpus)
    }

    /// Parses and validates scenario `text`; `source` names it in error messages. Paths in it (a
    /// plugin's `library`) are relative to `directory`, the current directory when nil, and must
    /// name existing files unless `requiresFiles` is false (a finished run's recorded scenario,
    /// whose files may be gone). `cpus` is the value of `cpus` in its counts and expectations: the
    /// machine's usable CPUs (`UsableCPUs`), or those a finished run recorded.
    public static func parse(_ text: String, source: String, defaultName: String = "scenario",
                             directory: String? = nil, requiresFiles: Bool = true,
                             cpus: Int = ProcFS.usableCPUs()) throws -> Scenario {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw ScenarioError(source: source, problems: [yamlProblem(error)])
        }
        var reader = NodeReader(directory: directory ?? FileManager.default.currentDirectoryPath, requiresFiles: requiresFiles, cpus: max(1, cpus))
        guard let root, case .mapping(let mapping) = root else {
            throw ScenarioError(source: source, problems: [.init(line: root?.mark?.line, message: "a scenario is a YAML mapping of keys such as `workloads`, `modes` and `workers`")])
        }
        let scenario = reader.scenario(mapping, defaultName: defaultName)
        if !reader.problems.isEmpty || scenario == nil {
            throw ScenarioError(source: source, problems: reader.problems.sorted { ($0.line ?? 0) < ($1.line ?? 0) })
        }
        // Expectations are checked against the matrix now, not at the end of a long run.
        _ = try ExpectationParser.expectations(of: scenario!, source: source)
        return scenario!
    }

    private static func yamlProblem(_ error: YamlError) -> ScenarioError.Problem {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _):
            return .init(line: mark.line, message: "YAML syntax error: \(problem) (column \(mark.column))")
        case .composer(_, let problem, let mark, _):
            return .init(line: mark.line, message: "YAML error: \(problem)")
        default:
            return .init(message: "YAML error: \(error)")
        }
    }
}
