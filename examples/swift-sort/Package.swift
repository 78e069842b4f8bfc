// swift-tools-version: 6.1
import PackageDescription

// A tvp task plugin in Swift: a dynamic library that exports the C ABI of include/tvp_task.h with
// @_cdecl. Build with `swift build -c release`, then `tvp run sort.yaml`.
let package = Package(
    name: "SortTask",
    products: [
        .library(name: "SortTask", type: .dynamic, targets: ["SortTask"]),
    ],
    targets: [
        .target(name: "SortTask"),
    ]
)
