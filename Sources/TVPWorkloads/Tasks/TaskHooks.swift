/// Where a task tells its mode what it is doing, so a mode that models an interpreter lock (the
/// `gil` modes) can release it around blocking calls and hand it over between compute slices.
///
/// The calls come once per 64 KiB slice or per system call, never per byte. Every call is paired:
/// `beginBlocking` with `endBlocking`, `beginReleasedCompute` with `endReleasedCompute`.
public protocol TaskHooks {
    /// The task is about to block (sleep, `open`, `read`): CPython releases the GIL here.
    func beginBlocking()
    /// The blocking call returned: the task needs the lock again.
    func endBlocking()
    /// A compute slice ended and another may follow: where an interpreter checks for a drop request.
    func checkpoint()
    /// A hash update is about to run without the lock (hashlib releases the GIL for large inputs).
    func beginReleasedCompute()
    /// The released hash update ended: the task needs the lock again.
    func endReleasedCompute()
}

/// The hooks of modes without an interpreter lock: every call does nothing and compiles away.
public struct NoTaskHooks: TaskHooks, Sendable {
    /// Creates the hooks.
    @inline(__always) public init() {}
    @inline(__always) public func beginBlocking() {}
    @inline(__always) public func endBlocking() {}
    @inline(__always) public func checkpoint() {}
    @inline(__always) public func beginReleasedCompute() {}
    @inline(__always) public func endReleasedCompute() {}
}
