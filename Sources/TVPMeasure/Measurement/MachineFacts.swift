import Foundation
import TVPFormatting
import TVPSystem
import TVPPlan

/// Facts about the machine and the build that a reader needs to judge a run's numbers.
public struct MachineFacts: Codable, Sendable, Equatable {
    /// The CPU model, e.g. "Intel(R) Xeon(R) Processor @ 2.50GHz".
    public var cpuModel: String
    /// Whether the CPU has the SHA extensions (`sha_ni`), which make SHA-256 four to five times
    /// faster; nil in runs recorded before tvp noted it.
    public var shaExtensions: Bool?
    /// Logical CPUs online.
    public var logicalCPUs: Int
    /// CPUs tvp can use: the smaller of the affinity mask and the cgroup quota, or the count given
    /// with `--cpus` or `TVP_CPUS` (then `detectedUsableCPUs` holds the machine's).
    public var usableCPUs: Int
    /// Where `usableCPUs` came from ("affinity mask", the cgroup quota's files, "--cpus",
    /// "TVP_CPUS"); nil in runs recorded before tvp noted it.
    public var usableCPUsSource: String?
    /// The machine's usable CPUs when `usableCPUs` was given instead.
    public var detectedUsableCPUs: Int?
    /// The cgroup CPU quota in CPUs, when one is set.
    public var cgroupCPUQuota: Double?
    /// Kernel name, release and architecture.
    public var kernel: String
    /// Host name.
    public var hostname: String
    /// Total memory in KiB.
    public var memoryKiB: Int
    /// The Swift compiler that built tvp.
    public var swiftVersion: String
    /// tvp's version.
    public var tvpVersion: String
    /// The git commit of the tvp checkout, when known.
    public var gitCommit: String?
    /// Whether tvp was built with optimisations.
    public var optimizedBuild: Bool
    /// Timer slack of tvp's threads, nanoseconds (coarsens sleeps).
    public var timerSlackNanoseconds: Int
    /// 1-, 5- and 15-minute load averages when the facts were read.
    public var loadAverage: [Double]
    /// Fraction of CPU time stolen by the hypervisor over a short sample when the facts were read.
    public var stealFraction: Double

    enum CodingKeys: String, CodingKey {
        case cpuModel = "cpu_model", shaExtensions = "sha_extensions", logicalCPUs = "logical_cpus", usableCPUs = "usable_cpus",
             usableCPUsSource = "usable_cpus_source", detectedUsableCPUs = "detected_usable_cpus",
             cgroupCPUQuota = "cgroup_cpu_quota", kernel, hostname, memoryKiB = "memory_kib",
             swiftVersion = "swift_version", tvpVersion = "tvp_version", gitCommit = "git_commit",
             optimizedBuild = "optimized_build", timerSlackNanoseconds = "timer_slack_ns",
             loadAverage = "load_average", stealFraction = "steal_fraction"
    }

    /// Reads the facts of this machine now (takes about 200 ms to sample steal time), with `cpus`
    /// as its usable CPUs.
    public static func current(gitCommit: String? = nil, cpus: UsableCPUs = .detected()) -> MachineFacts {
        let stealBefore = ProcFS.stealSeconds(), totalBefore = ProcFS.totalCPUSeconds()
        Thread.sleep(forTimeInterval: 0.2)
        let stolen = ProcFS.stealSeconds() - stealBefore, total = ProcFS.totalCPUSeconds() - totalBefore
        return MachineFacts(
            cpuModel: ProcFS.cpuModel(), shaExtensions: ProcFS.cpuFlags().contains("sha_ni"), logicalCPUs: SystemFacts.logicalCPUs(), usableCPUs: cpus.count,
            usableCPUsSource: cpus.source, detectedUsableCPUs: cpus.detected,
            cgroupCPUQuota: ProcFS.cgroupCPUQuota(), kernel: SystemFacts.kernel(), hostname: SystemFacts.hostName(),
            memoryKiB: Int(ProcessInfo.processInfo.physicalMemory / 1024), swiftVersion: swiftCompilerVersion,
            tvpVersion: TVPVersion.string, gitCommit: gitCommit ?? Self.gitCommit(),
            optimizedBuild: isOptimizedBuild, timerSlackNanoseconds: ProcFS.timerSlackNanoseconds(),
            loadAverage: ProcFS.loadAverages(), stealFraction: total > 0 ? stolen / total : 0)
    }

    /// Why a failed expectation may say more about the machine than about the modes: other programs
    /// were using the CPUs when the run started (1-minute load average at or above the usable CPUs),
    /// so no mode could show a parallel speedup. nil on a quiet machine.
    public var contentionNote: String? {
        guard let load = loadAverage.first, load >= Double(usableCPUs) else { return nil }
        return String(format: "the 1-minute load average was %.1f on %d usable CPUs when the run started: other programs "
            + "competed for the CPUs, which lowers every parallel speedup; re-run on a quiet machine before trusting a "
            + "failed expectation about speedups", load, usableCPUs)
    }

    /// The commit of the git checkout tvp runs from (`git rev-parse HEAD` in the working directory);
    /// nil without git, outside a checkout, or when interrupted.
    static func gitCommit() -> String? {
        guard let git = ExternalProgram.find("git", searchPath: ProcessInfo.processInfo.environment["PATH"]),
              let output = try? ExternalProgram(path: git, arguments: ["rev-parse", "--short=12", "HEAD"]).run(limit: 4096),
              output.status.isSuccess else { return nil }
        let text = output.outputText.trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? nil : text
    }

    /// Lines for `tvp info` and the console.
    public var lines: [(String, String)] {
        [("CPU model", cpuModel),
         ("SHA extensions", shaExtensions.map { $0 ? "yes (sha_ni)" : "no" } ?? "not recorded"),
         ("logical CPUs", "\(logicalCPUs)"),
         ("usable CPUs", "\(usableCPUs)" + (usableCPUsSource.map { " (\($0)" + (detectedUsableCPUs.map { "; this machine has \($0)" } ?? "") + ")" }
            ?? cgroupCPUQuota.map { " (cgroup quota \($0))" } ?? "")),
         ("memory", ByteSize.format(memoryKiB * 1024, .wholeUnitsDown)), ("kernel", kernel), ("host", hostname),
         ("Swift", swiftVersion), ("tvp", tvpVersion + (gitCommit.map { " (\($0))" } ?? "")),
         ("build", optimizedBuild ? "release (optimized)" : "debug (unoptimized: numbers are not representative)"),
         ("timer slack", "\(timerSlackNanoseconds) ns"),
         ("load average", loadAverage.map { String(format: "%.2f", $0) }.joined(separator: " ")),
         ("steal now", Percent.format(stealFraction, .spacedTenths))]
    }
}

/// tvp's version.
public enum TVPVersion {
    /// The version string.
    public static let string = "0.1.0"
}

#if DEBUG
let isOptimizedBuild = false
#else
let isOptimizedBuild = true
#endif

// The compiler that built tvp, to the patch version (Swift has no run-time query for it).
#if compiler(>=6.4)
let swiftCompilerVersion = "Swift 6.4 or later"
#elseif compiler(>=6.3.1)
let swiftCompilerVersion = "Swift 6.3.1"
#elseif compiler(>=6.3)
let swiftCompilerVersion = "Swift 6.3"
#elseif compiler(>=6.2)
let swiftCompilerVersion = "Swift 6.2"
#else
let swiftCompilerVersion = "Swift 6.1"
#endif
