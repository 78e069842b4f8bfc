// swift-tools-version: 6.1
import PackageDescription

/// libcrypto is linked dynamically everywhere but in the worker (COpenSSL's module map names no
/// library, so each product chooses).
let dynamicCrypto: [LinkerSetting] = [.linkedLibrary("crypto")]

/// The worker is what `processes` modes spawn, so its start-up time is measured: it links no
/// Foundation, links the Swift runtime and libcrypto statically, and drops dead code.
let leanWorkerLinking: [LinkerSetting] = [
    .unsafeFlags(["-static-stdlib", "-Xlinker", "--gc-sections", "-Xlinker", "-l:libcrypto.a"]),
]

let package = Package(
    name: "tvp",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "tvp", targets: ["tvp"]),
        .executable(name: "tvp-worker", targets: ["tvp-worker"]),
        // Only for the micro-benchmarks in Benchmarks/, a package of their own that can reach this
        // one's modules through a product alone; not an API promise.
        .library(name: "TVPCore", targets: ["TVPCore", "TVPWorkloads", "TVPSystem"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/yaslab/CSV.swift", from: "2.5.2"),
    ],
    targets: [
        .systemLibrary(name: "COpenSSL", providers: [.apt(["libssl-dev"])]),
        .target(
            name: "TVPSystem",
            dependencies: [.product(name: "SystemPackage", package: "swift-system")]
        ),
        .target(name: "TVPWorkloads", dependencies: ["TVPSystem", "COpenSSL"]),
        .target(
            name: "TVPCore",
            dependencies: [
                "TVPWorkloads", "TVPSystem",
                .product(name: "Yams", package: "Yams"),
                .product(name: "CSV", package: "CSV.swift"),
            ],
            linkerSettings: dynamicCrypto
        ),
        .executableTarget(
            name: "tvp",
            dependencies: ["TVPCore", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .executableTarget(
            name: "tvp-worker",
            dependencies: ["TVPWorkloads", "TVPSystem"],
            linkerSettings: leanWorkerLinking
        ),
        .testTarget(name: "TVPSystemTests", dependencies: ["TVPSystem"]),
        .testTarget(name: "TVPWorkloadsTests", dependencies: ["TVPWorkloads"], linkerSettings: dynamicCrypto),
        .testTarget(name: "TVPCoreTests", dependencies: ["TVPCore"], resources: [.copy("Fixtures")]),
        .testTarget(name: "TVPEndToEndTests", dependencies: ["TVPSystem"]),
    ]
)
