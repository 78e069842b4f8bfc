import TVPStatistics
/// One trial to run: which cell, and where it falls in the interleaved order.
public struct PlannedTrial: Sendable, Equatable {
    /// The cell to run.
    public var cell: Cell
    /// The block this trial belongs to (1-based); warm-up blocks come first.
    public var round: Int
    /// Its place within the block (1-based).
    public var position: Int
    /// Whether the trial is uncounted warm-up.
    public var isWarmup: Bool
    /// The trial's number among its cell's trials of the same kind (1-based).
    public var repetition: Int
}

/// Orders the trials of a scenario in shuffled blocks: each block runs every cell once, in an order
/// drawn from the seed, so slow drift of the machine spreads over all cells evenly.
public enum TrialPlanner {
    /// `warmup` warm-up blocks followed by `repetitions` counted blocks of `cells`, each shuffled.
    public static func plan(cells: [Cell], warmup: Int, repetitions: Int, seed: UInt64) -> [PlannedTrial] {
        var generator = SeededGenerator(seed: seed)
        var trials: [PlannedTrial] = []
        trials.reserveCapacity(cells.count * (warmup + repetitions))
        for round in 1...max(1, warmup + repetitions) where round <= warmup + repetitions {
            let isWarmup = round <= warmup
            let repetition = isWarmup ? round : round - warmup
            for (offset, cell) in cells.shuffled(using: &generator).enumerated() {
                trials.append(PlannedTrial(cell: cell, round: round, position: offset + 1,
                                           isWarmup: isWarmup, repetition: repetition))
            }
        }
        return trials
    }
}
