import CTVPWorkerStart
import TVPSystem
import TVPWorker

// tvp-worker runs tasks of the built-in workloads for tvp's process modes (see WorkerProgram). Its
// start-up is part of what they measure, so it links no Foundation, is one static executable, and
// does nothing else; it cannot load plugins (tvp-plugin-worker does).
let processStart = MonotonicInstant.now()
// Die with tvp, even a SIGKILLed one: no worker may run on for nobody.
ParentDeath.arm()
WorkerProgram(processStart: processStart, allowsPlugins: false, cryptoCapabilities: staticCryptoCapabilities).main()

/// libcrypto's capability vector as this worker's static libcrypto found it (`tvp-worker
/// openssl-ia32cap`), or nil where it reports none. A global function, not a closure written in the
/// top-level code above: such a closure is isolated to the main actor, and calling it would check
/// the current executor, which links Swift's whole concurrency runtime and libdispatch into the
/// worker, with their constructors run at every start (measured in docs/overhead.md).
func staticCryptoCapabilities() -> String? {
    var buffer = [CChar](repeating: 0, count: 64)
    let length = Int(tvp_worker_openssl_ia32cap(&buffer, buffer.count))
    guard length > 0 && length < buffer.count else { return nil }
    return String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
}
