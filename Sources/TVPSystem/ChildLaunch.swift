import Glibc
import SystemPackage

/// What a child process's descriptor number is connected to.
public enum ChildDescriptor: Sendable {
    /// `/dev/null`, opened for reading and writing.
    case nullDevice
    /// The parent's descriptor of the same number (standard error, typically), or `/dev/null`
    /// when the parent has none open there.
    case inherited
    /// This descriptor of the parent.
    case descriptor(FileDescriptor)
}

/// A program to start and exactly what it gets: its argv, its environment, and its descriptors
/// `0..<descriptors.count` (every other descriptor is closed in the child, whatever its flags).
public struct ChildLaunch: Sendable {
    /// The executable's path (no `PATH` search).
    public var path: String
    /// argv, argv[0] included.
    public var arguments: [String]
    /// The child's descriptors by number: element 0 becomes its standard input, 1 its standard
    /// output, 2 its standard error, 3… anything else it is handed.
    public var descriptors: [ChildDescriptor]
    /// The child's environment; nil for tvp's own (with `TVP_PARENT_PID` added when the child
    /// `diesWithParent`).
    public var environment: ChildEnvironment?
    /// Whether the child is told tvp's pid (`TVP_PARENT_PID`) so that it can end itself when tvp
    /// dies (`ParentDeath.arm()`: tvp's own programs call it first thing).
    public var diesWithParent: Bool
    /// Whether the child leads a process group of its own, so that `ChildSupervisor` stops (and
    /// at its end kills) whatever the child started too; the terminal's Ctrl-C then reaches tvp
    /// alone, which stops the child itself.
    public var ownProcessGroup: Bool
    /// The CPUs the child may run on from its first instruction; nil: those of the thread that
    /// starts it. `posix_spawn` has no affinity attribute, so `ChildSupervisor` pins the spawning
    /// thread to them around the call and the child inherits the mask through the exec.
    public var cpus: [Int]?

    /// A launch of `path` with standard input `stdin`, output `stdout` and error `stderr`, and
    /// `extra` descriptors numbered from 3.
    public init(path: String, arguments: [String], stdin: ChildDescriptor = .nullDevice,
                stdout: ChildDescriptor = .nullDevice, stderr: ChildDescriptor = .inherited,
                extra: [ChildDescriptor] = [], environment: ChildEnvironment? = nil, diesWithParent: Bool = true,
                ownProcessGroup: Bool = true, cpus: [Int]? = nil) {
        self.path = path
        self.arguments = arguments
        self.descriptors = [stdin, stdout, stderr] + extra
        self.environment = environment
        self.diesWithParent = diesWithParent
        self.ownProcessGroup = ownProcessGroup
        self.cpus = cpus
    }
}

/// A child's environment as the C array `posix_spawn` takes, built once and reused by every spawn.
public final class ChildEnvironment: @unchecked Sendable {
    // Sendable: the strings are written once, here, and only read afterwards.
    private let entries: [UnsafeMutablePointer<CChar>?]

    /// An environment of exactly `entries` ("KEY=value").
    public init(_ entries: [String]) {
        self.entries = entries.map { strdup($0) } + [nil]
    }

    deinit { entries.forEach { free($0) } }

    /// tvp's environment (`environ`) with `overrides` set (replacing entries of the same key).
    public static func current(setting overrides: [String: String] = [:]) -> ChildEnvironment {
        var result: [String] = []
        var index = 0
        while let entry = environ[index] {
            let text = String(cString: entry)
            let key = text.split(separator: "=", maxSplits: 1).first.map(String.init) ?? text
            if overrides[key] == nil { result.append(text) }
            index += 1
        }
        result += overrides.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        return ChildEnvironment(result)
    }

    /// Calls `body` with the null-terminated array.
    func withArray<R>(_ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) throws -> R) rethrows -> R {
        try entries.withUnsafeBufferPointer { try body($0.baseAddress!) }
    }
}
