import Foundation
import TVPPlan
import TVPStatistics

/// Evaluates a scenario's expectations on a run's summaries.
public enum ExpectationEvaluator {
    /// Evaluates each expectation on `summaries`: the verdict on the medians, its certainty on the
    /// 95 % interval of left ÷ right when both sides measure cells (combining both cells' trials,
    /// `Statistics.medianProduct`), or on the measured side's own interval against a constant. An
    /// expectation that needs more usable CPUs than `cpus` (`Expectation.requiredCPUs`; by default
    /// the summaries' usable CPUs) is skipped, with the reason, whatever it measured.
    public static func evaluate(_ expectations: [Expectation], summaries: [CellSummary], cpus: Int? = nil) -> [ExpectationResult] {
        let cpus = cpus ?? summaries.first?.usableCPUs
        let byCell = Dictionary(summaries.compactMap { summary in summary.cell.map { ($0, summary) } }, uniquingKeysWith: { a, _ in a })
        return expectations.map { expectation in
            var problem: String?
            func side(_ term: Expectation.Term) -> Side? {
                guard case .metric(let factor, let metric, let cell) = term else { return nil }
                guard let side = Side(metric, cell: cell, factor: factor, summaries: byCell) else {
                    let baseline = metric == .speedup || metric == .efficiency ? " or of its serial baseline" : ""
                    problem = problem ?? "no successful trials of \(cell.label)\(baseline)"
                    return nil
                }
                return side
            }
            func measured(_ term: Expectation.Term, _ side: Side?) -> MeasuredValue {
                switch term {
                case .constant(let value):
                    return MeasuredValue(value: value, interval: nil, unit: "")
                case .metric(_, let metric, _):
                    let estimate = side?.estimate
                    return MeasuredValue(value: estimate?.value ?? .nan, interval: estimate?.interval, unit: metric.unit)
                }
            }
            let leftSide = side(expectation.left), rightSide = side(expectation.right)
            let left = measured(expectation.left, leftSide), right = measured(expectation.right, rightSide)
            let ratio = leftSide.flatMap { l in rightSide.map { l.divided(by: $0) } }
            let passed = problem == nil && expectation.comparison.holds(left.value, right.value)
            var result = ExpectationResult(expectation: expectation, passed: passed, left: left, right: right,
                                           ratio: ratio, certain: false, problem: problem)
            let (interval, bound) = result.judged
            if problem == nil, let interval {
                result.certain = passed ? expectation.comparison.holds(throughout: interval, bound)
                    : expectation.comparison.fails(throughout: interval, bound)
            }
            if let needed = expectation.requiredCPUs, let cpus, needed > cpus {
                result.skipped = "needs \(needed) usable CPUs; this machine has \(cpus)"
            }
            return result
        }
    }

    /// A measured side as a product: factor × scale × Π median(trial values)^power, each set of
    /// trial values named by its cell and metric, so that a set on both sides of a ratio cancels.
    struct Side {
        /// Which values of which cell's trials.
        struct TrialSet: Equatable {
            /// The cell whose trials.
            var cell: Cell
            /// Which of their values: wall, cpu or sys.
            var metric: Expectation.Metric
        }

        /// The constant factor: the expectation's own times the metric's (1 / tasks, 1 / CPUs…).
        var scale: Double
        /// The trial sets whose medians multiply, each to its power.
        var factors: [(set: TrialSet, sample: [Double], power: Int)] = []

        /// The side `factor × metric(cell)`; nil when the cell (or its serial baseline) has no usable trial.
        init?(_ metric: Expectation.Metric, cell: Cell, factor: Double, summaries: [Cell: CellSummary]) {
            guard let summary = summaries[cell], !summary.trials.walls.isEmpty else { return nil }
            let trials = summary.trials
            scale = factor
            switch metric {
            case .speedup, .efficiency:
                // The same serial cell as summary.csv's speedup (`tasks_per_worker`: a ratio of throughputs).
                guard let serial = cell.speedupBaseline(in: summaries, hasTrials: { !$0.trials.walls.isEmpty }) else { return nil }
                scale *= serial.scale
                multiply(TrialSet(cell: serial.cell, metric: .wall), serial.value.trials.taskWalls.isEmpty ? serial.value.trials.walls : serial.value.trials.taskWalls, power: 1)
                multiply(TrialSet(cell: cell, metric: .wall), trials.walls, power: -1)
                if metric == .efficiency { scale /= Double(max(1, min(cell.workers, summary.usableCPUs))) }
            case .wall, .overhead, .throughput:
                multiply(TrialSet(cell: cell, metric: .wall), trials.walls, power: metric == .throughput ? -1 : 1)
                if metric == .overhead { scale *= 1e6 / Double(max(1, cell.tasks)) }
                if metric == .throughput { scale *= Double(cell.tasks) }
            case .cpu: multiply(TrialSet(cell: cell, metric: .cpu), trials.cpus, power: 1)
            case .sys: multiply(TrialSet(cell: cell, metric: .sys), trials.systems, power: 1)
            case .perUpdate:
                // The same cost as summary.csv's per_update_ns: per update, or per message of a conversation.
                guard let updates = cell.workload.updates(tasks: cell.tasks), updates > 0 else { return nil }
                multiply(TrialSet(cell: cell, metric: .wall), trials.walls, power: 1)
                scale *= 1e9 / Double(updates)
            case .roundTripP50, .roundTripP99:
                let values = metric == .roundTripP50 ? trials.roundTripP50 : trials.roundTripP99
                guard !values.isEmpty else { return nil }
                multiply(TrialSet(cell: cell, metric: metric), values, power: 1)
            case .lost:
                guard !trials.lost.isEmpty else { return nil }
                multiply(TrialSet(cell: cell, metric: .lost), trials.lost, power: 1)
            case .threads: multiply(TrialSet(cell: cell, metric: .threads), trials.threads, power: 1)
            case .rss:
                multiply(TrialSet(cell: cell, metric: .rss), trials.tvpRSSKiB, power: 1)
                scale /= 1_024
            case .latenessP50, .latenessP99, .latenessP999, .latenessMax, .background:
                let values = [Expectation.Metric.latenessP50: trials.latenessP50, .latenessP99: trials.latenessP99,
                              .latenessP999: trials.latenessP999, .latenessMax: trials.latenessMax, .background: trials.backgroundRates][metric] ?? []
                guard !values.isEmpty else { return nil }
                multiply(TrialSet(cell: cell, metric: metric), values, power: 1)
            }
        }

        /// Multiplies the side by median(sample)^power, merging with the same set already there.
        private mutating func multiply(_ set: TrialSet, _ sample: [Double], power: Int) {
            if let index = factors.firstIndex(where: { $0.set == set }) {
                factors[index].power += power
            } else {
                factors.append((set, sample, power))
            }
        }

        /// The side's value and interval.
        var estimate: Statistics.Estimate {
            let product = Statistics.medianProduct(factors.map { Statistics.MedianFactor($0.sample, power: $0.power) })
            return Statistics.Estimate(value: scale * product.value, interval: product.interval.flatMap {
                Statistics.ordered(min(scale * $0.lowerBound, scale * $0.upperBound), max(scale * $0.lowerBound, scale * $0.upperBound))
            })
        }

        /// This side ÷ `other`: the trial sets of both in one product, so the interval is the ratio's.
        func divided(by other: Side) -> Statistics.Estimate {
            var quotient = self
            quotient.scale = scale / other.scale
            for factor in other.factors { quotient.multiply(factor.set, factor.sample, power: -factor.power) }
            return quotient.estimate
        }
    }
}

extension Expectation.Comparison {
    /// Whether `value OP bound` holds for every value in `interval`.
    func holds(throughout interval: ClosedRange<Double>, _ bound: Double) -> Bool {
        switch self {
        case .atLeast, .greater: holds(interval.lowerBound, bound)
        case .atMost, .less: holds(interval.upperBound, bound)
        }
    }

    /// Whether `value OP bound` fails for every value in `interval`.
    func fails(throughout interval: ClosedRange<Double>, _ bound: Double) -> Bool {
        switch self {
        case .atLeast, .greater: !holds(interval.upperBound, bound)
        case .atMost, .less: !holds(interval.lowerBound, bound)
        }
    }
}
