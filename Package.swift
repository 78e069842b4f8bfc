// swift-tools-version: 6.1
import PackageDescription

/// libcrypto is linked dynamically everywhere but in the worker (COpenSSL's module map names no
/// library, so each product chooses).
let dynamicCrypto: [LinkerSetting] = [.linkedLibrary("crypto")]

/// The worker is what `processes` modes spawn, so its start-up time is measured: it links no
/// Foundation and is one fully static executable. Spawn + null task + exit + waitpid, as a multiple of
/// a static C no-op (medians, alternated in one run, 400 rounds): `-static-stdlib` left libc, libm,
/// libstdc++ and libgcc_s to ld.so (34k relocations) and measured 5.5-7.5×; `-static-executable`
/// (no ld.so, no PIE, no relocations at start) 2.0-2.5×, the spread being how the file sits in the
/// page cache. Stripping, lld, `--icf`, `-z norelro`, `-O1` and `--hash-style` changed nothing
/// measurable; untouched bytes of the file cost nothing.
/// libcrypto is static too (`-l:`); the dlopen/getaddrinfo link warnings (libcrypto, Swift runtime)
/// are for code the worker never reaches (no config loading, no network, no prespecialization library). `--gc-sections` also drops dead code in debug.
let leanWorkerLinking: [LinkerSetting] = [
    .unsafeFlags(["-static-executable", "-Xlinker", "--gc-sections", "-Xlinker", "-l:libcrypto.a", "-Xlinker", "--no-mmap-output-file"]),
]

/// The plugin worker runs the same tasks as the worker, plugins included, so it must `dlopen`,
/// which a static executable cannot: it keeps the dynamic loader and libc, but links the Swift
/// runtime (`-static-stdlib`) and libcrypto statically and is not position-independent, which
/// leaves ld.so ~370 relocations instead of 34k. Spawn + null task + exit + waitpid, medians of 150
/// shuffled rounds under a load average of 12 (README, "Benchmark your own task"): the static worker
/// 1.0, this 2.4×, `-static-stdlib` alone 3.4×, the default (Swift runtime as shared libraries)
/// 5.2×. A Swift plugin brings its own shared Swift runtime, which lives beside the worker's hidden
/// static one (the ABI passes only C values between them).
/// C++'s runtime is static too: the `link/` folder comes first in the library search, and its
/// `libstdc++.so` is a linker script naming `libstdc++.a`, so the `-lstdc++` that `-static-stdlib`
/// adds takes the archive (its symbols hidden by `--exclude-libs ALL`, as the Swift runtime's are).
/// Mapped as a shared library, libstdc++ made a task's mmap/munmap work (will-it-scale's malloc1)
/// 7-8 % dearer than in a plain C host that dlopens the same library; without it, 1.004× (CPU) and
/// 1.021× (wall), 15 alternating rounds at load 0.2 (benchmarks/plugin_mmap.sh, docs/overhead.md).
/// The per-task paths of the executors (TVPMeasure) and the system layer under them (TVPSystem)
/// are what tvp's overhead figures charge to a mode, so a release build does not check exclusive
/// access at run time there: every read or write of a class's stored property paid a call into the
/// runtime's access set, about 1,600 of the 6,200 instructions tvp spent per `process-pool` task
/// (callgrind, docs/overhead.md). The compiler's static checks stay, and debug builds (the tests)
/// keep the run-time check.
let uncheckedExclusivityInRelease: [SwiftSetting] = [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]

let pluginWorkerLinking: [LinkerSetting] = [
    .unsafeFlags(["-static-stdlib", "-Xclang-linker", "-no-pie", "-Xlinker", "--gc-sections", "-Xlinker", "-l:libcrypto.a", "-Xlinker", "--no-mmap-output-file",
                  "-Xclang-linker", "-L" + Context.packageDirectory + "/link"]),
]

let package = Package(
    name: "tvp",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "tvp", targets: ["tvp"]),
        .executable(name: "tvp-worker", targets: ["tvp-worker"]),
        .executable(name: "tvp-plugin-worker", targets: ["tvp-plugin-worker"]),
        // Only for the micro-benchmarks in benchmarks/hot-paths/, a package of their own that can reach this
        // one's modules through a product alone; not an API promise.
        .library(name: "TVPMeasure", targets: ["TVPMeasure", "TVPPlan", "TVPWorkloads", "TVPSystem"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/yaslab/CSV.swift", from: "2.5.2"),
        // The `download` workload's server (`tvp serve`) and its `async` client: the Swift server
        // ecosystem's event loop. Only TVPMeasure (the `async` client) and TVPServe link it; the worker keeps its blocking sockets.
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        // `async`'s conversations (`message`): an AsyncChannel per direction. Only TVPMeasure links it.
        .package(url: "https://github.com/apple/swift-async-algorithms", from: "1.1.4"),
        // The results store (history): SQLite through GRDB; only TVPStore links it.
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        // The results store of a fleet: PostgreSQL through the Swift server ecosystem's client.
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        .systemLibrary(name: "COpenSSL", providers: [.apt(["libssl-dev"])]),
        // Linux calls Swift's Glibc module does not export (posix_spawn's addclosefrom, prctl,
        // pidfd_open, fallocate, statfs) and the async-signal-safe SIGINT/SIGTERM handler.
        .target(name: "CTVPSystem"),
        // How tvp calls a task plugin (include/tvp_task.h) and the crash guard's signal handler,
        // which must be async-signal-safe C.
        .target(name: "CTVPTask"),
        // The worker executables' argv, kept from .init_array instead of the static Swift runtime's
        // parse of /proc/self/maps at every start (worker_start.c). Only the workers link it.
        .target(name: "CTVPWorkerStart"),
        .target(
            name: "TVPSystem",
            dependencies: ["COpenSSL", "CTVPSystem", "CTVPTask", .product(name: "SystemPackage", package: "swift-system")],
            swiftSettings: uncheckedExclusivityInRelease
        ),
        // The tasks, their parameters and their encoding for the worker (the wire protocol both
        // sides speak); no Foundation, since the worker links it.
        .target(name: "TVPWorkloads", dependencies: ["TVPSystem", .product(name: "SystemPackage", package: "swift-system")]),
        // The worker program: reads task specs, runs them, reports. Linked only by the worker executables.
        .target(name: "TVPWorker", dependencies: ["TVPWorkloads", "TVPSystem", .product(name: "SystemPackage", package: "swift-system")]),
        // Statistics: percentiles, intervals, bootstrap, rank tests, the seeded generator. Pure values.
        .target(name: "TVPStatistics"),
        // The one formatting home: durations, rates, percents, byte sizes, Markdown escaping.
        .target(name: "TVPFormatting"),
        // Scenarios and planning: the YAML model and loader, expectations as declared, cpus, the trial plan.
        .target(
            name: "TVPPlan",
            dependencies: ["TVPWorkloads", "TVPSystem", "TVPStatistics", "TVPFormatting", .product(name: "Yams", package: "Yams")]
        ),
        // Execution and measurement: executors per mode, the trial measurer; produces trials and the
        // run's facts. Writes no file.
        .target(
            name: "TVPMeasure",
            dependencies: ["TVPPlan", "TVPWorkloads", "TVPSystem", "TVPStatistics", "TVPFormatting", .product(name: "SystemPackage", package: "swift-system"), .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio"),
                           .product(name: "AsyncAlgorithms", package: "swift-async-algorithms")],
            swiftSettings: uncheckedExclusivityInRelease,
            linkerSettings: dynamicCrypto
        ),
        // Analysis and gate: summaries, crossovers, expectation verdicts, compare, paired. Pure values: reads no file.
        .target(name: "TVPAnalysis", dependencies: ["TVPMeasure", "TVPPlan", "TVPWorkloads", "TVPStatistics", "TVPFormatting"]),
        // Results: the run folder, written once and read once (trials.csv, summary.csv, meta.json, crossover.csv).
        .target(
            name: "TVPResults",
            dependencies: ["TVPAnalysis", "TVPMeasure", "TVPPlan", "TVPWorkloads", "TVPSystem", "TVPStatistics", "TVPFormatting", .product(name: "CSV", package: "CSV.swift")]
        ),
        // Charts and report: chart data for plot.gp, gnuplot, report.md, console and JSON output.
        .target(
            name: "TVPReport",
            dependencies: ["TVPResults", "TVPAnalysis", "TVPMeasure", "TVPPlan", "TVPWorkloads", "TVPSystem", "TVPStatistics", "TVPFormatting"]
        ),
        // The results store: runs kept beyond their folders (SQLite; PostgreSQL for a fleet), their history read back.
        .target(
            name: "TVPStore",
            dependencies: ["TVPResults", "TVPAnalysis", "TVPMeasure", "TVPPlan", "TVPWorkloads", "TVPStatistics", "TVPFormatting",
                           .product(name: "GRDB", package: "GRDB.swift"), .product(name: "PostgresNIO", package: "postgres-nio"),
                           .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio")]
        ),
        // The loopback HTTP server of `download` (`tvp serve`).
        .target(name: "TVPServe", dependencies: ["TVPWorkloads", "TVPSystem", .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio")]),
        // A run from start to end: fixtures, the supervised trial loop, the end of a run, paired runs.
        .target(
            name: "TVPRun",
            dependencies: ["TVPStore", "TVPReport", "TVPResults", "TVPAnalysis", "TVPMeasure", "TVPPlan", "TVPServe", "TVPWorkloads", "TVPSystem", "TVPStatistics", "TVPFormatting", .product(name: "SystemPackage", package: "swift-system")],
            linkerSettings: dynamicCrypto
        ),
        .executableTarget(
            name: "tvp",
            dependencies: ["TVPRun", "TVPStore", "TVPReport", "TVPResults", "TVPAnalysis", "TVPMeasure", "TVPPlan", "TVPServe", "TVPFormatting",
                           .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .executableTarget(
            name: "tvp-worker",
            dependencies: ["CTVPWorkerStart", "TVPWorker", "TVPSystem"],
            linkerSettings: leanWorkerLinking
        ),
        .executableTarget(
            name: "tvp-plugin-worker",
            dependencies: ["CTVPWorkerStart", "TVPWorker", "TVPSystem"],
            linkerSettings: pluginWorkerLinking
        ),
        .testTarget(name: "TVPSystemTests", dependencies: ["TVPSystem"], linkerSettings: dynamicCrypto),
        .testTarget(name: "TVPWorkloadsTests", dependencies: ["TVPWorkloads"], linkerSettings: dynamicCrypto),
        // The test binary as a worker for workloads declared in tests (started as `tvp-test-worker`).
        .target(name: "CTVPTestWorker", path: "Tests/CTVPTestWorker"),
        .testTarget(
            name: "TVPTests",
            dependencies: ["CTVPTestWorker", "TVPRun", "TVPStore", .product(name: "GRDB", package: "GRDB.swift"), "TVPReport", "TVPResults", "TVPAnalysis", "TVPMeasure", "TVPPlan", "TVPServe", "TVPStatistics", "TVPFormatting", "TVPWorker", "TVPWorkloads", "TVPSystem"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(name: "TVPEndToEndTests", dependencies: ["TVPSystem", "TVPWorkloads"], linkerSettings: dynamicCrypto),
    ]
)
