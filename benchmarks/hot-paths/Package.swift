// swift-tools-version: 6.1
import PackageDescription

// Micro-benchmarks of tvp's own hot paths, run with `swift package benchmark` from this folder (see
// README.md here). A package of its own, so that the root package's `swift build` and `swift test`
// neither resolve nor build ordo-one/benchmark and what it depends on.

/// This folder must not be named `package-benchmark` (or `benchmark`): SwiftPM names a package after
/// its folder, and the benchmark plugin takes a package of that name for the benchmark package itself
/// and looks for its BenchmarkTool there ("Benchmark failed to find the BenchmarkTool target").
///
/// The root package's identity. SwiftPM names a path dependency after its folder, and the folder a
/// clone lands in is not fixed (`tvp`, a worktree, CI's), so take it from where this manifest sits
/// (two folders down: benchmarks/hot-paths/).
let rootPackage = Context.packageDirectory.split(separator: "/").dropLast(2).last.map { $0.lowercased() } ?? "tvp"

let package = Package(
    name: "tvp-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(path: "../.."),
        // MallocInterposer alone: the default traits add a runtime interposer for ARC counts on
        // Linux, a metric these benchmarks do not take.
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "HotPaths",
            dependencies: [
                .product(name: "TVPMeasure", package: rootPackage),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/HotPaths",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
