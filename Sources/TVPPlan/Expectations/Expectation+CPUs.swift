import TVPWorkloads

extension Expectation {
    /// The usable CPUs this expectation needs before it can hold: it claims that a parallel mode
    /// runs a CPU-bound workload B times faster than `serial` (a speedup of at least B, or a wall
    /// time or throughput B times better than the serial cell's), and CPU-bound work cannot run
    /// faster than the CPUs it has, so it needs ⌈B⌉ CPUs (B + 1 for `>` a whole B). nil when it
    /// needs no more than one, or more than the cell's workers (then no machine can make it hold:
    /// it is the claim that is wrong, and it fails). Work that waits (`io`, `download`, `mixed`
    /// below a cpu_share of 1) overlaps on one CPU, so its claims need none.
    public var requiredCPUs: Int? {
        guard let claim = claimedSpeedup, claim.bound > 1 else { return nil }
        let whole = claim.bound.rounded(.up)
        let needed = Int(claim.strict && whole == claim.bound ? whole + 1 : whole)
        return needed <= claim.workers ? needed : nil
    }

    /// The speedup over serial claimed for a CPU-bound cell of a parallel mode, when one is, and
    /// the cell's workers.
    var claimedSpeedup: (bound: Double, strict: Bool, workers: Int)? {
        // Written as `large OP small`: the larger side on the left.
        let (large, small) = comparison == .atLeast || comparison == .greater ? (left, right) : (right, left)
        let strict = comparison == .greater || comparison == .less
        switch (large, small) {
        case (.metric(let factor, .speedup, let cell), .constant(let bound)) where cell.isParallelCPUBound:
            return (bound / factor, strict, cell.workers)
        case (.metric(let serialFactor, .wall, let serial), .metric(let factor, .wall, let cell))
            where cell.isParallelCPUBound && serial.mode == .serial && serial.workload == cell.workload:
            // factor × wall(cell) < serialFactor × wall(serial): wall(serial) / wall(cell) > factor / serialFactor.
            return (factor / serialFactor, strict, cell.workers)
        case (.metric(let factor, .throughput, let cell), .metric(let serialFactor, .throughput, let serial))
            where cell.isParallelCPUBound && serial.mode == .serial && serial.workload == cell.workload,
             (.metric(let factor, .background, let cell), .metric(let serialFactor, .background, let serial))
            where cell.isParallelCPUBound && serial.mode == .serial && serial.workload == cell.workload:
            return (serialFactor / factor, strict, cell.workers)
        default:
            return nil
        }
    }
}

extension Cell {
    /// A cell of a parallel mode whose workload only computes.
    var isParallelCPUBound: Bool { mode != .serial && workload.onlyComputes }
}
