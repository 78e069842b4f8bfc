import CTVPTask
import Glibc

/// Why a task plugin could not be loaded, set up or run: the message names the library and says
/// what to do.
public struct PluginError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What went wrong, and the fix.
    public let description: String
    /// Creates an error.
    public init(_ description: String) { self.description = description }
}

/// A task plugin's shared library, opened (`dlopen`, every symbol bound now) and checked: it
/// exports `tvp_task_abi_version` returning the version tvp speaks, and the task function. The
/// library stays loaded until the process ends: unloading code that may have registered itself
/// with a language runtime (Swift, C++) is not safe.
public final class PluginLibrary: @unchecked Sendable {
    // Sendable: every stored property is set once, here; the pointers are to code.
    /// The path it was opened from.
    public let path: String
    /// The task's symbol.
    public let symbol: String
    private let task: UnsafeMutableRawPointer
    private let setup: UnsafeMutableRawPointer?
    private let teardown: UnsafeMutableRawPointer?

    /// The ABI version of include/tvp_task.h that this tvp speaks.
    public static let abiVersion = UInt32(TVP_TASK_ABI_VERSION)
    /// Bytes given to a task or set-up for its error message.
    static let errorCapacity = Int(TVP_TASK_ERROR_SIZE)

    /// Opens the library at `path` and finds `symbol` (with `SYMBOL_setup` and `SYMBOL_teardown`
    /// when it has them). `name` is how messages call the library (the scenario's spelling).
    public init(path: String, symbol: String, name: String) throws(PluginError) {
        self.path = path
        self.symbol = symbol
        guard access(path, F_OK) == 0 else {
            throw PluginError("\(name): no such file (looked at \(path)); build the plugin first, or correct `library` (a path relative to the scenario file's folder)")
        }
        _ = dlerror()
        guard let handle = dlopen(path, RTLD_NOW | RTLD_LOCAL) else {
            throw PluginError("\(name): cannot be loaded as a shared library: \(Self.lastError()); build it with `-shared -fPIC` for this machine (`file \(path)` shows what it is), and install the libraries it needs (`ldd \(path)`)")
        }
        guard let version = dlsym(handle, "tvp_task_abi_version") else {
            throw PluginError("\(name): exports no `tvp_task_abi_version`, so it is not a tvp task plugin or was built without the ABI marker; add `TVP_TASK_ABI` (include/tvp_task.h) to one of its C files, or `@_cdecl(\"tvp_task_abi_version\") public func abiVersion() -> UInt32 { \(Self.abiVersion) }` in Swift")
        }
        let declared = tvp_plugin_call_abi_version(version)
        guard declared == Self.abiVersion else {
            throw PluginError("\(name): built for tvp task ABI version \(declared), but this tvp speaks version \(Self.abiVersion); rebuild the plugin against this tvp's include/tvp_task.h (TVP_TASK_ABI_VERSION \(Self.abiVersion)) and adapt its task to the signature there")
        }
        guard let task = dlsym(handle, symbol) else {
            throw PluginError("\(name): exports no function `\(symbol)`; check the scenario's `symbol` (`nm -D --defined-only \(path)` lists what the library exports; a C++ task needs `extern \"C\"`, a Swift one `@_cdecl(\"\(symbol)\")`)")
        }
        self.task = task
        setup = dlsym(handle, symbol + "_setup")
        teardown = dlsym(handle, symbol + "_teardown")
    }

    /// Runs the task's set-up (if it has one) with `parameter`, for this process.
    public func setUp(parameter: String, name: String) throws(PluginError) -> PluginInstance {
        let instance = PluginInstance(library: self, parameter: parameter, name: name)
        guard let setup else { return instance }
        var message = [CChar](repeating: 0, count: Self.errorCapacity)
        var state: UnsafeMutableRawPointer?
        let status = instance.parameter.withUnsafeBufferPointer { parameter in
            message.withUnsafeMutableBufferPointer { buffer in
                tvp_plugin_call_setup(setup, parameter.baseAddress, &state, buffer.baseAddress, buffer.count)
            }
        }
        guard status == 0 else {
            throw PluginError("\(name): \(symbol)_setup failed (returned \(status)): \(Self.text(message, or: "it gave no message"))")
        }
        instance.state = state
        return instance
    }

    /// Calls the task function.
    fileprivate func callTask(
        index: Int, count: Int, input: UnsafeRawBufferPointer?, parameter: UnsafePointer<CChar>?,
        state: UnsafeMutableRawPointer?, digest: UnsafeMutableRawPointer, error: UnsafeMutableBufferPointer<CChar>
    ) -> Int32 {
        tvp_plugin_call_task(task, UInt64(index), UInt64(count), input?.baseAddress?.assumingMemoryBound(to: UInt8.self),
                             input?.count ?? 0, parameter, state, digest.assumingMemoryBound(to: UInt8.self),
                             error.baseAddress, error.count)
    }

    /// Calls the tear-down, if there is one.
    fileprivate func callTeardown(state: UnsafeMutableRawPointer?) {
        if let teardown { tvp_plugin_call_teardown(teardown, state) }
    }

    /// A NUL-terminated message from a buffer, or `fallback` when it is empty.
    static func text(_ buffer: [CChar], or fallback: String) -> String {
        let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        let text = String(decoding: bytes, as: UTF8.self)
        return text.isEmpty ? fallback : text
    }

    private static func lastError() -> String {
        guard let message = dlerror() else { return "unknown dlopen error" }
        return String(cString: message)
    }
}

/// A task plugin set up in this process: its library, the parameter string, and the state its
/// set-up returned. Its task may be called from several threads at once.
public final class PluginInstance: @unchecked Sendable {
    // Sendable: `state` is set once before the instance is shared and only passed to the plugin.
    /// The library.
    public let library: PluginLibrary
    /// The parameter string, NUL-terminated.
    fileprivate let parameter: [CChar]
    /// How messages call the library.
    public let name: String
    fileprivate var state: UnsafeMutableRawPointer?
    private var tornDown = false

    fileprivate init(library: PluginLibrary, parameter: String, name: String) {
        self.library = library
        self.parameter = Array(parameter.utf8CString)
        self.name = name
    }

    /// Runs task `index` of `count` on `input` (the task's slice of the shared input; empty when
    /// there is none) and returns its digest as four words in memory order. A task that returns
    /// non-zero is thrown with its message.
    public func run(task index: Int, of count: Int, input: RawSpan) throws(PluginError) -> (UInt64, UInt64, UInt64, UInt64) {
        var digest: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        // The message buffer lives on the stack: a task that succeeds costs no allocation.
        let failure: String? = withUnsafeTemporaryAllocation(of: CChar.self, capacity: PluginLibrary.errorCapacity) { error in
            error[0] = 0
            let status = input.withUnsafeBytes { bytes in
                parameter.withUnsafeBufferPointer { parameter in
                    withUnsafeMutableBytes(of: &digest) { out in
                        library.callTask(index: index, count: count, input: bytes.count > 0 ? bytes : nil,
                                         parameter: parameter.baseAddress, state: state, digest: out.baseAddress!, error: error)
                    }
                }
            }
            guard status != 0 else { return nil }
            error[error.count - 1] = 0
            let message = PluginLibrary.text(Array(error), or: "it gave no message")
            return "\(library.symbol) returned \(status): \(message)"
        }
        if let failure { throw PluginError("\(name): \(failure)") }
        return digest
    }

    /// Runs the tear-down once (later calls do nothing).
    public func tearDown() {
        guard !tornDown else { return }
        tornDown = true
        library.callTeardown(state: state)
    }
}
