import Foundation

/// The verdict on one expectation: pass or fail, with the measured values and their intervals.
public struct ExpectationResult: Sendable {
    /// The expectation.
    public var expectation: Expectation
    /// Whether it held (on the medians).
    public var passed: Bool
    /// The measured left and right sides.
    public var left: MeasuredValue
    /// The right side.
    public var right: MeasuredValue
    /// Whether the confidence intervals agree with the verdict (false: the verdict rests on noise).
    public var certain: Bool
    /// Why it could not be evaluated (a cell without successful trials), when that happened.
    public var problem: String?

    /// A line for the console: PASS/FAIL, the text, the values with intervals.
    public var line: String {
        let status = problem != nil ? "FAIL" : passed ? "PASS" : "FAIL"
        let detail = problem ?? "\(left.description) \(expectation.comparison.rawValue) \(right.description)"
            + (certain ? "" : "  (within noise: the 95 % intervals overlap the bound)")
        return "\(status)  \(expectation.text)\n      measured: \(detail)"
    }
}

/// A side of an expectation as measured: its median value and 95 % interval.
public struct MeasuredValue: Sendable, CustomStringConvertible {
    /// The value on the medians.
    public var value: Double
    /// Its 95 % confidence interval, when the side was measured.
    public var interval: ClosedRange<Double>?
    /// The unit to print.
    public var unit: String

    public var description: String {
        let base = format(value) + unit
        guard let interval else { return base }
        return "\(base) [95% CI \(format(interval.lowerBound))–\(format(interval.upperBound))]"
    }

    private func format(_ x: Double) -> String {
        abs(x) >= 100 ? String(format: "%.0f", x) : abs(x) >= 1 ? String(format: "%.3g", x) : String(format: "%.3g", x)
    }
}

/// Evaluates a scenario's expectations on a run's summaries.
public enum ExpectationEvaluator {
    /// Parses the scenario's expectations; problems name the file and line.
    public static func expectations(of scenario: Scenario, source: String) throws -> [Expectation] {
        var problems: [ScenarioError.Problem] = []
        var result: [Expectation] = []
        for expectation in scenario.expectations {
            do {
                result.append(try ExpectationParser.parse(expectation, scenario: scenario))
            } catch {
                problems.append(.init(line: expectation.line, key: "expect", message: "\(error.message): `\(expectation.text)`"))
            }
        }
        if !problems.isEmpty { throw ScenarioError(source: source, problems: problems) }
        return result
    }

    /// Evaluates each expectation on `summaries`.
    public static func evaluate(_ expectations: [Expectation], summaries: [CellSummary]) -> [ExpectationResult] {
        let byCell = Dictionary(summaries.map { ($0.cell, $0) }, uniquingKeysWith: { a, _ in a })
        return expectations.map { expectation in
            var problem: String?
            func measure(_ term: Expectation.Term) -> MeasuredValue {
                switch term {
                case .constant(let value):
                    return MeasuredValue(value: value, interval: nil, unit: "")
                case .metric(let factor, let metric, let cell):
                    guard let summary = byCell[cell], let (value, interval) = self.value(metric, summary) else {
                        problem = problem ?? "no successful trials of \(cell.label)\(metric == .speedup || metric == .efficiency ? " or of its serial baseline" : "")"
                        return MeasuredValue(value: .nan, interval: nil, unit: metric.unit)
                    }
                    return MeasuredValue(value: factor * value,
                                         interval: interval.map { (factor * $0.lowerBound)...(factor * $0.upperBound) },
                                         unit: metric.unit)
                }
            }
            let left = measure(expectation.left), right = measure(expectation.right)
            let passed = problem == nil && expectation.comparison.holds(left.value, right.value)
            // The verdict is certain when the intervals' far ends agree with it too.
            var certain = true
            if problem == nil {
                let leftRange = left.interval ?? left.value...left.value
                let rightRange = right.interval ?? right.value...right.value
                switch expectation.comparison {
                case .atLeast, .greater:
                    certain = passed ? leftRange.lowerBound >= rightRange.upperBound : leftRange.upperBound < rightRange.lowerBound
                case .atMost, .less:
                    certain = passed ? leftRange.upperBound <= rightRange.lowerBound : leftRange.lowerBound > rightRange.upperBound
                }
            }
            return ExpectationResult(expectation: expectation, passed: passed, left: left, right: right,
                                     certain: certain, problem: problem)
        }
    }

    private static func value(_ metric: Expectation.Metric, _ s: CellSummary) -> (Double, ClosedRange<Double>?)? {
        switch metric {
        case .speedup:
            return s.speedup.map { ($0, s.speedupCI) }
        case .efficiency:
            guard let e = s.efficiency, let speedup = s.speedup, speedup > 0 else { return nil }
            let scale = e / speedup
            return (e, s.speedupCI.map { ($0.lowerBound * scale)...($0.upperBound * scale) })
        case .wall:
            return (s.wallMedian, s.wallCI)
        case .cpu:
            return (s.cpuMedian, nil)
        case .sys:
            return (s.systemMedian, nil)
        case .overhead:
            let perTask = 1e6 / Double(s.cell.tasks)
            return (s.perTaskMicroseconds, (s.wallCI.lowerBound * perTask)...(s.wallCI.upperBound * perTask))
        case .throughput:
            return (s.tasksPerSecond, (Double(s.cell.tasks) / s.wallCI.upperBound)...(Double(s.cell.tasks) / s.wallCI.lowerBound))
        case .threads:
            return (s.osThreadsMaxMedian, nil)
        case .rss:
            return (s.tvpMaxRSSMedianKiB / 1_024, nil)
        }
    }
}
