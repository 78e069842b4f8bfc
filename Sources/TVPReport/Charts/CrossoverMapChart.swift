import Foundation
import TVPAnalysis
import TVPFormatting
import TVPResults

/// crossover: the crossover as a map. A panel per pair of modes (thread mode, process mode, workers);
/// x the task size (log), y the CPU share of each task (a row per share measured, evenly spaced,
/// so that every cell can hold its label); each cell coloured by the ratio of wall
/// times on a diverging scale centred on 1 (log2 of thread wall ÷ process wall: blue where the
/// thread mode is faster, orange where the process mode is), labelled with the faster mode's
/// factor (in parentheses when the 95 % interval includes 1), and the break-even contour (ratio 1)
/// drawn between the cells on either side of it.
enum CrossoverMapChart {
    /// The chart.
    static let chart = Chart(name: "crossover", title: "The crossover: where processes pay off", prepare: prepare)

    /// Why a run gets no crossover charts.
    static let skipReason = "the run has no crossover: it needs a mixed workload under a thread mode and a process mode at the same worker count"

    /// Cells: their centre (x the task size, y the share's row), edges, colour value, label and
    /// the label's colour.
    static let cellColumns = ["x", "y", "x_low", "x_high", "y_low", "y_high", "log2_ratio", "label", "label_color"]
    /// The contour's segments: a start point and its extent.
    static let contourColumns = ["x", "y", "dx", "dy"]

    /// One pair of modes and its points.
    struct Pair {
        var threadMode: String
        var processMode: String
        var workers: Int
        var points: [Crossover.Point]
        var breakEven: Crossover.BreakEven?
        var title: String { "\(processMode) vs \(threadMode) ×\(workers)" }
    }

    /// The pairs of `points`, in their order.
    static func pairs(_ points: [Crossover.Point]) -> [Pair] {
        var order: [String] = [], groups: [String: [Crossover.Point]] = [:]
        for point in points {
            let key = "\(point.threadMode.rawValue) \(point.processMode.rawValue) \(point.workers)"
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(point)
        }
        return order.compactMap { key in
            guard let group = groups[key], let first = group.first else { return nil }
            return Pair(threadMode: first.threadMode.rawValue, processMode: first.processMode.rawValue, workers: first.workers,
                        points: group, breakEven: Crossover.breakEvens(group).first)
        }
    }

    /// The data of `run`'s crossover map.
    static func prepare(_ run: RunFolder) -> ChartPreparation {
        let pairs = pairs(run.crossover)
        guard !pairs.isEmpty else { return .skip(skipReason) }
        let sizes = Array(Set(run.crossover.map(\.taskMilliseconds))).sorted()
        let shares = Array(Set(run.crossover.map(\.cpuShare))).sorted()
        let xEdges = edges(sizes.map(log)).map { (exp($0.0), exp($0.1)) }
        let yEdges = shares.indices.map { (Double($0) + 0.5, Double($0) + 1.5) }
        // A symmetric scale, in whole doublings, up to 16× either way.
        let extreme = run.crossover.map { abs(log2($0.ratio)) }.filter(\.isFinite).max() ?? 1
        let limit = min(4, max(1, ceil(extreme)))

        var panels = ChartPanels(table: "cells.tsv", columns: cellColumns)
        var contour = DataTable(name: "contour.tsv", columns: contourColumns)
        var verdicts: [String] = []
        for pair in pairs {
            var grid: [[Crossover.Point?]] = Array(repeating: Array(repeating: nil, count: shares.count), count: sizes.count)
            for point in pair.points {
                if let i = sizes.firstIndex(of: point.taskMilliseconds), let j = shares.firstIndex(of: point.cpuShare) { grid[i][j] = point }
            }
            var cells: [[ChartValue]] = []
            for (i, column) in grid.enumerated() {
                for (j, cell) in column.enumerated() {
                    guard let cell else { continue }
                    let value = max(-limit, min(limit, log2(cell.ratio)))
                    cells.append([.number(cell.taskMilliseconds), .number(Double(j + 1)), .number(xEdges[i].0), .number(xEdges[i].1),
                                  .number(yEdges[j].0), .number(yEdges[j].1), .number(value), .text(label(cell)),
                                  .number(abs(value) > 0.55 * limit ? 0xFFFFFF : 0x222222)])
                }
            }
            panels.addPanel(title: pair.title, yLabel: "CPU share of each task",
                            axis: YAxis(log: false, low: yEdges.first?.0 ?? 0, high: yEdges.last?.1 ?? 1), lines: [(LineStyle(color: "#000000"), cells)])
            contour.addBlock(segments(grid, xEdges: xEdges, yEdges: yEdges))
            verdicts.append(pair.breakEven.map(CrossoverText.shortVerdict) ?? "")
        }

        var data = ChartData(finding: finding(pairs))
        ChartText.setHeading("The crossover: thread mode's wall time ÷ process mode's, per task size and CPU share (medians; black line: break-even, ratio 1)", run, in: &data.settings)
        var s = data.settings
        s.set("x_log", 10)
        s.set("x_low", xEdges.first?.0 ?? 0.1)
        s.set("x_high", xEdges.last?.1 ?? 1)
        s.set("x_tic_value", numbers: sizes)
        s.set("x_tic_label", texts: sizes.map { "\(Number.format($0)) ms" })
        s.set("x_label", "task size: its time budget (log scale)")
        s.set("y_tic_label", texts: shares.map { Number.format($0) })
        s.set("cb_limit", limit)
        let tics = stride(from: -limit, through: limit, by: 1).map { $0 }
        s.set("cb_tic_value", numbers: tics)
        s.set("cb_tic_label", texts: tics.map { $0 == 0 ? "1" : "\(Number.format(pow(2, abs($0))))×" })
        s.set("panel_verdict", texts: verdicts)
        s.set("box_left", 0.07)
        s.set("box_top", 0.84)
        s.set("box_bottom", 0.2)
        s.set("gap_y", 0.16)
        data.settings = s
        panels.write(into: &data)
        data.tables.append(contour)
        return .draw(data)
    }

    /// The factor by which the faster mode wins, "14×" (thread mode) or "1.9×" (process mode), in
    /// parentheses when the 95 % interval of the ratio includes 1.
    static func label(_ point: Crossover.Point) -> String {
        let factor = Ratio.format(point.ratio >= 1 ? point.ratio : 1 / point.ratio, .short)
        return point.ratioCI.contains(1) ? "(\(factor))" : factor
    }

    /// Each value's cell, from midway to the previous value to midway to the next (half a step
    /// beyond the ends).
    static func edges(_ values: [Double]) -> [(Double, Double)] {
        values.indices.map { i in
            let below = i > 0 ? (values[i] + values[i - 1]) / 2 : values[i] - (values.count > 1 ? (values[1] - values[0]) / 2 : 0.5)
            let above = i < values.count - 1 ? (values[i] + values[i + 1]) / 2
                : values[i] + (values.count > 1 ? (values[i] - values[i - 1]) / 2 : 0.5)
            return (below, above)
        }
    }

    /// The break-even contour: the cell edges between neighbouring cells on either side of ratio 1;
    /// a single undefined point when there are none (a block is never empty).
    static func segments(_ grid: [[Crossover.Point?]], xEdges: [(Double, Double)], yEdges: [(Double, Double)]) -> [[ChartValue]] {
        func wins(_ point: Crossover.Point?) -> Bool? { point.map { $0.ratio >= 1 } }
        var rows: [[ChartValue]] = []
        for i in grid.indices {
            for j in grid[i].indices {
                guard let here = wins(grid[i][j]) else { continue }
                if i + 1 < grid.count, let right = wins(grid[i + 1][j]), right != here {
                    rows.append([.number(xEdges[i].1), .number(yEdges[j].0), .number(0), .number(yEdges[j].1 - yEdges[j].0)])
                }
                if j + 1 < grid[i].count, let up = wins(grid[i][j + 1]), up != here {
                    rows.append([.number(xEdges[i].0), .number(yEdges[j].1), .number(xEdges[i].1 - xEdges[i].0), .number(0)])
                }
            }
        }
        return rows.isEmpty ? [[.number(nil), .number(nil), .number(0), .number(0)]] : rows
    }

    /// Each pair's verdict: "process-pool vs gil ×2 pays off from 3 ms tasks (best 2.35× at 30 ms, CPU share 1); …".
    static func finding(_ pairs: [Pair]) -> String {
        let verdicts = pairs.compactMap { $0.breakEven.map(CrossoverText.verdict) }
        guard !verdicts.isEmpty else { return "" }
        let sentence = verdicts.joined(separator: "; ")
        return sentence.prefix(1).uppercased() + sentence.dropFirst() + "."
    }
}
