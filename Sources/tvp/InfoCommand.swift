import ArgumentParser
import Foundation
import TVPMeasure
import TVPPlan
import TVPReport

/// `tvp info`: the machine facts a run records in meta.json.
struct InfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info", abstract: "Print the machine facts recorded in meta.json.",
        discussion: "Usable CPUs are the affinity mask and the cgroup CPU quota (v1 cpu.cfs_quota_us ÷ cpu.cfs_period_us, v2 cpu.max), rounded up; TVP_CPUS=N or --cpus N replaces them, as in `tvp run`.")

    @Option(name: .long, help: "Show N usable CPUs, as `tvp run --cpus N` would plan for.")
    var cpus: Int?

    func run() throws {
        let usable: UsableCPUs
        do { usable = try UsableCPUs.resolve(option: cpus, environment: ProcessInfo.processInfo.environment) } catch { fail("\(error)") }
        print(ConsoleReport.format(MachineFacts.current(cpus: usable).lines.map { [$0.0 + ":", $0.1] }), terminator: "")
    }
}
