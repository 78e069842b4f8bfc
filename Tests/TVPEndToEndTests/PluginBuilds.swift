import Foundation
import Testing
import TVPSystem

/// Builds the plugins the tests use, with the tools a user has: `make` for the C examples, `swift
/// build` for the Swift one, a C compiler for the misbehaving test plugins (Tests/Plugins).
enum PluginBuilds {
    /// The repository's include/ folder, where tvp_task.h is.
    static let include = packageRootForEndToEnd + "/include"

    /// The first C compiler on PATH: `cc`, `gcc` or `clang` (the Swift toolchain brings clang).
    static func compiler() throws -> String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for name in ["cc", "gcc", "clang"] {
            for directory in path.split(separator: ":") where Files.isExecutable("\(directory)/\(name)") {
                return "\(directory)/\(name)"
            }
        }
        throw BuildFailure(output: "no C compiler (cc, gcc or clang) on PATH")
    }

    /// Runs `make` in examples/`name` (the README's command) and returns the folder.
    static func makeExample(_ name: String) throws -> String {
        let folder = "\(packageRootForEndToEnd)/examples/\(name)"
        try run("/usr/bin/env", ["make", "-C", folder, "CC=\(try compiler())"])
        return folder
    }

    /// Builds the Swift example (`swift build -c release`, the README's command) and returns its folder.
    static func buildSwiftExample() throws -> String {
        let folder = "\(packageRootForEndToEnd)/examples/swift-sort"
        try run("/usr/bin/env", ["swift", "build", "-c", "release", "--package-path", folder])
        return folder
    }

    /// Compiles Tests/Plugins/test_plugins.c into `directory`/`name` with `defines` (-D…).
    @discardableResult
    static func testPlugin(_ name: String, in directory: String, defines: [String] = []) throws -> String {
        let output = "\(directory)/\(name)"
        try run(try compiler(), ["-O1", "-shared", "-fPIC", "-I", include] + defines.map { "-D\($0)" }
                + ["-o", output, "\(packageRootForEndToEnd)/Tests/Plugins/test_plugins.c"])
        return output
    }

    private static func run(_ executable: String, _ arguments: [String]) throws {
        let result = try runProgram(executable, arguments, in: packageRootForEndToEnd)
        guard result.status == 0, !result.signaled else {
            throw BuildFailure(output: "\(executable) \(arguments.joined(separator: " ")) failed (\(result.status)):\n\(result.stdout)\(result.stderr)")
        }
    }

    /// A build that failed, with its output.
    struct BuildFailure: Error, CustomStringConvertible {
        let output: String
        var description: String { output }
    }
}

/// The run folder `tvp run --out out` made in `directory`.
func onlyRun(in directory: String) throws -> String {
    let runs = Files.directoryEntries("\(directory)/out")
    try #require(runs.count == 1, "expected one run folder, got \(runs)")
    return "\(directory)/out/\(runs[0])"
}
