/// Everything wrong with a scenario file, each problem with its line and key.
public struct ScenarioError: Error, CustomStringConvertible, Sendable {
    /// One problem in the file.
    public struct Problem: Sendable, Equatable, CustomStringConvertible {
        /// The 1-based line, when known.
        public var line: Int?
        /// The key the problem is about, e.g. `workloads.cpu.bytes_per_task`.
        public var key: String?
        /// What is wrong and how to fix it.
        public var message: String

        public var description: String {
            let keyPart = key.map { "`\($0)`: " } ?? ""
            return keyPart + message
        }
    }

    /// The file (or "<built-in>") the problems are in.
    public var source: String
    /// Every problem found, in file order.
    public var problems: [Problem]

    public var description: String {
        problems.map { problem in
            let location = problem.line.map { "\(source):\($0)" } ?? source
            return "\(location): \(problem)"
        }.joined(separator: "\n")
    }
}

/// The closest of `candidates` to `word`, when it is close enough to be a likely typo.
func closestMatch(to word: String, in candidates: [String]) -> String? {
    let lower = word.lowercased()
    guard !lower.isEmpty else { return nil }
    let scored = candidates.map { ($0, editDistance(lower, $0.lowercased())) }
    guard let best = scored.min(by: { $0.1 < $1.1 }) else { return nil }
    if best.1 <= max(2, word.count / 3) { return best.0 }
    // A truncated word ("sped" for "speedup") is a likely typo too.
    return lower.count >= 3 ? candidates.first { $0.lowercased().hasPrefix(lower) } : nil
}

/// Levenshtein distance between two strings.
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    guard !a.isEmpty else { return b.count }
    guard !b.isEmpty else { return a.count }
    var previous = Array(0...b.count)
    var current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
        current[0] = i
        for j in 1...b.count {
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        swap(&previous, &current)
    }
    return previous[b.count]
}
