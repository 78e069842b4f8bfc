import TVPStatistics

/// Change points of a series of run medians by E-divisive means (Matteson & James 2014, the method
/// of Apache Otava / Hunter): binary segmentation at the split that maximises the energy distance
/// between the two sides, kept when a permutation test finds it significant and the medians on
/// either side differ by more than `minimumChange` (so a lone spike, which moves no median, is not a
/// change).
public enum ChangePoints {
    /// The fewest points on either side of a change point.
    public static let minimumSegment = 3

    /// Indices where a new level starts, ascending (index i: points i… differ from points …i−1).
    /// Deterministic in `seed`.
    public static func find(_ series: [Double], alpha: Double = 0.05, permutations: Int = 199,
                            minimumChange: Double = 0.05, seed: UInt64 = 42) -> [Int] {
        var generator = SeededGenerator(seed: seed)
        var found: [Int] = []
        var segments = [0..<series.count]
        while let segment = segments.popLast() {
            let values = Array(series[segment])
            guard let (split, statistic) = bestSplit(values) else { continue }
            let left = Array(values[..<split]), right = Array(values[split...])
            let before = Statistics.median(left), after = Statistics.median(right)
            guard before > 0, abs(after / before - 1) > minimumChange else { continue }
            var exceed = 0
            for _ in 0..<permutations {
                let shuffled = values.shuffled(using: &generator)
                if let (_, permuted) = bestSplit(shuffled), permuted >= statistic { exceed += 1 }
            }
            let p = Double(exceed + 1) / Double(permutations + 1)
            guard p <= alpha else { continue }
            found.append(segment.lowerBound + split)
            segments.append(segment.lowerBound..<(segment.lowerBound + split))
            segments.append((segment.lowerBound + split)..<segment.upperBound)
        }
        return found.sorted()
    }

    /// The split of `values` with the largest scaled energy distance, and that distance; nil when the
    /// series is too short for two segments of `minimumSegment`.
    static func bestSplit(_ values: [Double]) -> (Int, Double)? {
        let n = values.count
        guard n >= 2 * minimumSegment else { return nil }
        // Running sums: within the left part, within the right, between them; O(n²) per series.
        var withinLeft = 0.0, between = 0.0, total = 0.0
        for i in 0..<n { for j in (i + 1)..<n { total += abs(values[i] - values[j]) } }
        // Start with an empty left side: `between` is 0, the right side holds all pairs.
        var best: (Int, Double)?
        for tau in 1..<n {
            let moved = tau - 1  // the point that moves from the right to the left
            var toLeft = 0.0, toRight = 0.0
            for i in 0..<moved { toLeft += abs(values[i] - values[moved]) }
            for j in (moved + 1)..<n { toRight += abs(values[moved] - values[j]) }
            withinLeft += toLeft
            between += toRight - toLeft
            let withinRight = total - withinLeft - between
            let m = Double(tau), r = Double(n - tau)
            guard tau >= minimumSegment, n - tau >= minimumSegment else { continue }
            let energy = 2 * between / (m * r) - withinLeft / (m * (m - 1) / 2) - withinRight / (r * (r - 1) / 2)
            let statistic = m * r / (m + r) * energy
            if best == nil || statistic > best!.1 { best = (tau, statistic) }
        }
        return best
    }
}
