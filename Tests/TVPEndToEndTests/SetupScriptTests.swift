import Foundation
import Testing
import TVPSystem

/// script/setup, the set-up step of the README's two commands, with a stand-in for apt-get that
/// records its arguments (`TVP_SETUP_APT`) and packages taken as missing (`TVP_SETUP_ASSUME_MISSING`).
@Suite("script/setup: installs only what is missing, or says how")
struct SetupScriptTests {
    let setup = packageRootForEndToEnd + "/script/setup"

    /// A fake apt-get in `directory` that appends its arguments to `directory/apt.log`.
    func fakeApt(in directory: String, exitStatus: Int = 0) throws -> String {
        let path = "\(directory)/fake-apt-get"
        try Files.writeDurably(Array("#!/bin/sh\necho \"$*\" >> \(directory)/apt.log\nexit \(exitStatus)\n".utf8), to: path)
        try Files.setMode(path, 0o755)
        return path
    }

    func log(_ directory: String) -> [String] {
        ((try? Files.readAll("\(directory)/apt.log")).map { String(decoding: $0, as: UTF8.self) } ?? "").split(separator: "\n").map(String.init)
    }

    @Test("everything present (as the test suite needs): nothing is installed and nothing is said")
    func nothingMissing() throws {
        let directory = try scratchDirectory()
        defer { Files.removeTree(directory) }
        let apt = try fakeApt(in: directory)
        let result = try runProgram(setup, ["run"], in: directory, environment: ["TVP_SETUP_APT": apt, "TVP_SETUP_ASSUME_MISSING": ""])
        #expect(result.status == 0 && result.stdout.isEmpty && result.stderr.isEmpty, "\(result)")
        #expect(log(directory).isEmpty)
    }

    @Test("as root with packages missing: says once what it installs, then updates and installs exactly those",
          .enabled(if: getuid() == 0, "installing needs root"))
    func installs() throws {
        let directory = try scratchDirectory()
        defer { Files.removeTree(directory) }
        let apt = try fakeApt(in: directory)
        let result = try runProgram(setup, ["test"], in: directory,
                                    environment: ["TVP_SETUP_APT": apt, "TVP_SETUP_ASSUME_MISSING": "gnuplot-nox wrk"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "script/test: installing gnuplot-nox (assumed missing) wrk (assumed missing)\n", "\(result.stdout)")
        #expect(log(directory) == ["update -q", "install -y -q gnuplot-nox wrk"])
    }

    @Test("apt-get failing: its last lines and the command to run by hand, exit 1", .enabled(if: getuid() == 0))
    func aptFails() throws {
        let directory = try scratchDirectory()
        defer { Files.removeTree(directory) }
        let apt = try fakeApt(in: directory, exitStatus: 100)
        let result = try runProgram(setup, ["run"], in: directory, environment: ["TVP_SETUP_APT": apt, "TVP_SETUP_ASSUME_MISSING": "gnuplot-nox"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("apt-get failed") && result.stderr.contains("sudo apt-get install -y gnuplot-nox"), "\(result.stderr)")
    }

    @Test("without apt-get: stops at once, naming what is missing and what to install")
    func noPackageManager() throws {
        let directory = try scratchDirectory()
        defer { Files.removeTree(directory) }
        let result = try runProgram(setup, ["run"], in: directory,
                                    environment: ["TVP_SETUP_APT": "\(directory)/no-such-apt-get", "TVP_SETUP_ASSUME_MISSING": "gnuplot-nox libssl-dev"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("missing: gnuplot-nox (assumed missing) libssl-dev (assumed missing)"), "\(result.stderr)")
        #expect(result.stderr.contains("apt-get is not available here") && result.stderr.contains("apt-get install -y gnuplot-nox libssl-dev"))
    }

    @Test("not root and no password-less sudo: stops at once with the one sudo command, installs nothing",
          .enabled(if: getuid() == 0 && Files.exists("/usr/bin/setpriv"), "needs root to become another user"))
    func notRoot() throws {
        let directory = try scratchDirectory()
        defer { Files.removeTree(directory) }
        try Files.setMode(directory, 0o777)
        let apt = try fakeApt(in: directory)
        // A copy the other user can read wherever the checkout lies (a clone under /root is not).
        let copy = "\(directory)/setup"
        try Files.writeDurably(try Files.readAll(setup), to: copy)
        try Files.setMode(copy, 0o755)
        let result = try runProgram("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", copy, "test"], in: directory,
                                    environment: ["TVP_SETUP_APT": apt, "TVP_SETUP_ASSUME_MISSING": "valgrind"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("installing needs root; install them with\n    sudo apt-get install -y valgrind\n"), "\(result.stderr)")
        #expect(log(directory).isEmpty, "nothing may be installed")
    }
}
