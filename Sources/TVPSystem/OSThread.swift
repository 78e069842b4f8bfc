import Glibc

/// An operating-system thread (`pthread_create`), joined explicitly: the thread pool needs an exact
/// number of real threads, which Dispatch's adaptive pool does not promise.
public final class OSThread: @unchecked Sendable {
    // Written once by `pthread_create` before `start` returns; read only by `join`.
    private var handle = pthread_t()
    private var joined = false

    private final class Body {
        let run: () -> Void
        init(_ run: @escaping () -> Void) { self.run = run }
    }

    /// Starts a thread running `body`, with a stack of `stackBytes` (`pthread_create`); with
    /// `cpus`, the thread runs only on those CPUs from its first instruction
    /// (`pthread_attr_setaffinity_np`), and an error is thrown rather than start it elsewhere.
    public init(stackBytes: Int = 512 * 1024, cpus: [Int]? = nil, _ body: @escaping @Sendable () -> Void) throws {
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        pthread_attr_setstacksize(&attributes, stackBytes)
        if let cpus { try CPUAffinity.set(cpus, in: &attributes) }
        let context = Unmanaged.passRetained(Body(body)).toOpaque()
        let code = pthread_create(&handle, &attributes, { context in
            let body = Unmanaged<Body>.fromOpaque(context!).takeRetainedValue()
            body.run()
            return nil
        }, context)
        if code != 0 {
            Unmanaged<Body>.fromOpaque(context).release()
            throw SystemCallError(cpus.map { "pthread_create on CPU \(CPUAffinity.list($0))" } ?? "pthread_create", .init(rawValue: code))
        }
    }

    /// Lets the thread run on unjoined (`pthread_detach`): for a thread that overran its time and
    /// cannot be killed. Its resources are freed when it ends.
    public func detach() {
        guard !joined else { return }
        joined = true
        pthread_detach(handle)
    }

    /// Waits for the thread to finish (`pthread_join`). Calling it twice is harmless.
    public func join() {
        guard !joined else { return }
        joined = true
        pthread_join(handle, nil)
    }

    deinit { join() }
}
