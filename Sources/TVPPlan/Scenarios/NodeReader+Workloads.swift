import TVPWorkloads
import Yams

extension NodeReader {
    /// The workload variants in declaration order, and the task counts of those that set `tasks`.
    mutating func workloads(_ node: Node) -> ([Workload], [String: [Mode?: Int]]) {
        guard case .mapping(let mapping) = node else {
            problem(node, "workloads", "expected a mapping of workload names to parameters, e.g. `cpu: { bytes_per_task: 8MiB }`")
            return ([], [:])
        }
        var result: [Workload] = []
        var taskCounts: [String: [Mode?: Int]] = [:]
        for (keyNode, value) in mapping {
            guard let name = keyNode.string, let allowed = ScenarioLoader.workloadKeys[name] else {
                let text = keyNode.string ?? "?"
                let hint = closestMatch(to: text, in: Workload.names).map { "; did you mean `\($0)`?" } ?? ""
                problem(keyNode, "workloads.\(text)", "unknown workload\(hint) (workloads: \(Workload.names.joined(separator: ", ")))")
                continue
            }
            let path = "workloads.\(name)"
            var parameters: [String: Node] = [:]
            switch value {
            case .mapping(let params): parameters = entries(params, allowed: allowed, path: path)
            case .scalar(let scalar) where scalar.string.isEmpty || scalar.string == "~" || scalar.string == "null": break
            default:
                problem(value, path, "expected a mapping of parameters (or nothing), e.g. `{ \(allowed.first ?? "") : ... }`")
                continue
            }
            // A workload's own task count replaces the scenario's `tasks`: one number, or a number per
            // mode (a mode it leaves out keeps the scenario's count). It is not a sweep.
            if let node = parameters.removeValue(forKey: "tasks") {
                taskCounts[name] = taskCount(node, path: "\(path).tasks")
            }
            // Whether a task is deterministic is a fact about it, not a variant: its cells would be
            // the same cells, and one value would silently win.
            if name == "plugin", let node = parameters["deterministic"], case .sequence = node {
                problem(node, "\(path).deterministic", "takes one value, `true` or `false`, not a list: a task is deterministic or it is not (a list does not sweep it); write `deterministic: false` for a task whose digests differ between calls")
                continue
            }
            // A sweep can name one variant twice (a tally's layout means nothing to a shared table).
            for variant in sweep(parameters) {
                if let workload = workload(name, variant, path: path), !result.contains(workload) { result.append(workload) }
            }
        }
        if result.isEmpty && problems.isEmpty { problem(node, "workloads", "declare at least one workload") }
        return (result, taskCounts)
    }

    /// Every combination of parameter values: a parameter written as a list is swept.
    func sweep(_ parameters: [String: Node]) -> [[String: Node]] {
        var variants: [[String: Node]] = [[:]]
        for key in parameters.keys.sorted() {
            let node = parameters[key]!
            let values: [Node] = if case .sequence(let seq) = node { Array(seq) } else { [node] }
            variants = variants.flatMap { partial in values.map { partial.merging([key: $0]) { $1 } } }
        }
        return variants
    }

    /// `tasks: N` (every mode) or `tasks: { MODE: N, ... }`.
    mutating func taskCount(_ node: Node, path: String) -> [Mode?: Int] {
        guard case .mapping(let mapping) = node else {
            return count(node, path, Limits.tasks).map { [nil: $0] } ?? [:]
        }
        var counts: [Mode?: Int] = [:]
        for (keyNode, value) in mapping {
            guard let text = keyNode.string, let mode = Mode(rawValue: text) else {
                let text = keyNode.string ?? "?"
                let hint = closestMatch(to: text, in: Mode.allCases.map(\.rawValue)).map { "; did you mean `\($0)`?" } ?? ""
                problem(keyNode, "\(path).\(text)", "unknown mode\(hint): give tasks per mode, e.g. `{ threads: 100000, processes: 500 }`")
                continue
            }
            counts[mode] = count(value, "\(path).\(text)", Limits.tasks)
        }
        return counts
    }

    mutating func workload(_ name: String, _ p: [String: Node], path: String) -> Workload? {
        switch name {
        case "cpu":
            let bytes = p["bytes_per_task"].map { size($0, "\(path).bytes_per_task", Limits.bytesPerTask) } ?? 8 << 20
            return bytes.map { .cpu(CPUWorkload(bytesPerTask: $0)) }
        case "io":
            let sleep = p["sleep_ms"].map { number($0, "\(path).sleep_ms", Limits.sleepMilliseconds) } ?? 20
            let files = p["files_per_task"].map { integer($0, "\(path).files_per_task", Limits.filesPerTask) } ?? 4
            let fileSize = p["file_size"].map { size($0, "\(path).file_size", Limits.fileSize) } ?? 256 << 10
            var cache: CacheState? = .warm
            if let node = p["cache"] {
                cache = string(node, "\(path).cache").flatMap { CacheState(rawValue: $0) }
                if cache == nil { problem(node, "\(path).cache", "must be `warm` or `cold`") }
            }
            guard let sleep, let files, let fileSize, let cache else { return nil }
            return .io(IOWorkload(sleepNanoseconds: UInt64((sleep * 1e6).rounded()), filesPerTask: files,
                                  fileSize: fileSize, cache: cache))
        case "shared":
            let inputSize = p["input_size"].map { size($0, "\(path).input_size", Limits.inputSize) } ?? 64 << 20
            let transfer = p["transfer"].map { self.transfer($0, path: path) } ?? .pipe
            guard let inputSize, let transfer else { return nil }
            return .shared(SharedWorkload(inputSize: inputSize, transfer: transfer))
        case "mixed":
            let taskMilliseconds = p["task_ms"].map { number($0, "\(path).task_ms", Limits.taskMilliseconds) } ?? 10
            let share = p["cpu_share"].map { number($0, "\(path).cpu_share", Limits.cpuShare) } ?? 0.5
            guard let taskMilliseconds, let share else { return nil }
            return .mixed(MixedWorkload(taskNanoseconds: UInt64((taskMilliseconds * 1e6).rounded()), cpuShare: share))
        case "tally", "alloc", "refs":
            return sharingWorkload(name, p, path: path)
        case "plugin":
            return plugin(p, path: path).map(Workload.plugin)
        case "download":
            return download(p, path: path)
        default:
            return .null
        }
    }

    /// A `transfer` value: `pipe`, `file` or `shm`.
    mutating func transfer(_ node: Node, path: String) -> Transfer? {
        let names = Transfer.processTransfers.map(\.rawValue)
        let transfer = string(node, "\(path).transfer").flatMap { Transfer(rawValue: $0) }.flatMap { names.contains($0.rawValue) ? $0 : nil }
        if transfer == nil {
            problem(node, "\(path).transfer", "must be `pipe`, `file` or `shm` (a list sweeps them: `[pipe, file, shm]`); threads always read in place")
        }
        return transfer
    }

    /// `download: { latency_ms, files, file_size, keep_alive }`.
    mutating func download(_ p: [String: Node], path: String) -> Workload? {
        let latency = p["latency_ms"].map { number($0, "\(path).latency_ms", DownloadWorkload.latencyMillisecondsRange) }
            ?? DownloadWorkload.defaultLatencyMilliseconds
        let files = p["files"].map { integer($0, "\(path).files", DownloadWorkload.filesRange) } ?? DownloadWorkload.defaultFiles
        let fileSize = p["file_size"].map { size($0, "\(path).file_size", DownloadWorkload.fileSizeRange) } ?? DownloadWorkload.defaultFileSize
        var keepAlive: Bool? = false
        if let node = p["keep_alive"] {
            keepAlive = string(node, "\(path).keep_alive").flatMap { ["true": true, "false": false][$0] }
            if keepAlive == nil { problem(node, "\(path).keep_alive", "must be `true` or `false` (a list sweeps both: `[false, true]`)") }
        }
        guard let latency, let files, let fileSize, let keepAlive else { return nil }
        guard files * fileSize <= DownloadWorkload.maximumTotalBytes else {
            problem(p["file_size"] ?? p["files"], "\(path).file_size", "files × file_size must stay within 1GiB: the server holds every file in memory")
            return nil
        }
        return .download(DownloadWorkload(files: files, fileSize: fileSize, latencyNanoseconds: UInt64((latency * 1e6).rounded()),
                                          keepAlive: keepAlive))
    }
}
