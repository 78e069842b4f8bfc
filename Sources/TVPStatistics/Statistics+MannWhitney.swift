import Foundation  // erfc, for the normal approximation of the p-value

extension Statistics {
    /// Two-sided Mann–Whitney U test of `a` against `b`; p = 1 when either side is empty.
    ///
    /// `u` is the statistic of `a` (what scipy reports). The p-value comes from the exact distribution of U when
    /// both sides have at most 10 values and no value is tied, otherwise from the normal approximation with tie
    /// and continuity corrections (scipy's `method='asymptotic', use_continuity=True`).
    public static func mannWhitneyU(_ a: [Double], _ b: [Double]) -> (u: Double, pValue: Double) {
        guard !a.isEmpty, !b.isEmpty else { return (0, 1) }
        let n1 = a.count, n2 = b.count, n = n1 + n2
        let (ranks, tieGroupSizes) = averageRanks(a + b)
        let rankSumA = ranks[..<n1].reduce(0, +)
        let u1 = rankSumA - Double(n1 * (n1 + 1)) / 2
        let u2 = Double(n1 * n2) - u1
        let larger = max(u1, u2)

        if n1 <= exactTestLimit, n2 <= exactTestLimit, tieGroupSizes.isEmpty {
            let upperTail = exactUpperTail(atLeast: Int(larger.rounded()), m: n1, n: n2)
            return (u1, min(1, 2 * upperTail))
        }

        let tieTerm = tieGroupSizes.reduce(0.0) { sum, t in
            let size = Double(t)
            return sum + size * size * size - size
        }
        let variance = Double(n1 * n2) / 12 * (Double(n + 1) - tieTerm / Double(n * (n - 1)))
        guard variance > 0 else { return (u1, 1) }
        let z = (larger - Double(n1 * n2) / 2 - 0.5) / variance.squareRoot()
        let upperTail = 0.5 * erfc(z / 2.0.squareRoot())
        return (u1, min(1, max(0, 2 * upperTail)))
    }

    /// Largest sample size (on each side) for which `mannWhitneyU` uses the exact distribution.
    private static let exactTestLimit = 10

    /// Ranks (1-based, ties get their average rank) and the sizes of tie groups with more than one value.
    private static func averageRanks(_ values: [Double]) -> (ranks: [Double], tieGroupSizes: [Int]) {
        let order = values.indices.sorted { values[$0] < values[$1] }
        var ranks = [Double](repeating: 0, count: values.count)
        var tieGroupSizes = [Int]()
        var start = 0
        while start < order.count {
            var end = start + 1
            while end < order.count, values[order[end]] == values[order[start]] { end += 1 }
            let averageRank = Double(start + 1 + end) / 2  // mean of ranks start+1 ... end
            for k in start..<end { ranks[order[k]] = averageRank }
            if end - start > 1 { tieGroupSizes.append(end - start) }
            start = end
        }
        return (ranks, tieGroupSizes)
    }

    /// P(U ≥ `u`) under the null hypothesis for samples of sizes `m` and `n` without ties.
    ///
    /// Counts, by dynamic programming over ranks 1...m+n, the subsets of m ranks with each rank sum;
    /// U = rank sum − m(m+1)/2 and every subset is equally likely.
    private static func exactUpperTail(atLeast u: Int, m: Int, n: Int) -> Double {
        let total = m + n
        let maxSum = (total * (total + 1)) / 2
        // ways[k][s]: number of k-element subsets of the ranks seen so far with rank sum s.
        var ways = [[Double]](repeating: [Double](repeating: 0, count: maxSum + 1), count: m + 1)
        ways[0][0] = 1
        for rank in 1...total {
            for k in stride(from: min(rank, m), through: 1, by: -1) {
                for s in stride(from: maxSum, through: rank, by: -1) where ways[k - 1][s - rank] > 0 {
                    ways[k][s] += ways[k - 1][s - rank]
                }
            }
        }
        let offset = m * (m + 1) / 2
        let all = ways[m].reduce(0, +)
        let tail = ways[m][(offset + max(0, u))...].reduce(0, +)
        return tail / all
    }
}
