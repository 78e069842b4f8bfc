import TVPWorkloads

/// How a trial's combined digest compared with the serial reference (`digest_check`).
public enum DigestCheck: String, Sendable, CaseIterable {
    /// It equals the reference: the mode did the same work.
    case matched
    /// It differs: the trial failed.
    case differs
    /// Not compared: the workload is declared nondeterministic (`deterministic: false`).
    case skipped

    /// The check of `digest` against `expected` (nil: not compared); nil without a digest.
    init?(_ digest: TaskDigest?, expected: TaskDigest?) {
        guard let digest else { return nil }
        guard let expected else {
            self = .skipped
            return
        }
        self = digest == expected ? .matched : .differs
    }
}
