import Glibc

/// The calling process's pid (`getpid`).
public func currentProcessID() -> Int32 { getpid() }

/// An identity of the calling thread, distinct among live threads (`pthread_self`).
public func currentThreadID() -> UInt { UInt(pthread_self()) }

/// Ends the calling process at once with `code` (`_exit`: no atexit handlers, no buffered output).
public func exitImmediately(_ code: Int32) -> Never { _exit(code) }

/// The pid of the process that started this one (`getppid`).
public func parentProcessID() -> Int32 { getppid() }
