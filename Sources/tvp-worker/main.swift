import CTVPWorkerStart
import TVPSystem
import TVPWorker

// tvp-worker runs tasks of the built-in workloads for tvp's process modes (see WorkerProgram). Its
// start-up is part of what they measure, so it links no Foundation, is one static executable, and
// does nothing else; it cannot load plugins (tvp-plugin-worker does).
let processStart = MonotonicInstant.now()
// Die with tvp, even a SIGKILLed one: no worker may run on for nobody.
ParentDeath.arm()
WorkerProgram(processStart: processStart, allowsPlugins: false, cryptoCapabilities: {
    var buffer = [CChar](repeating: 0, count: 64)
    let length = Int(tvp_worker_openssl_ia32cap(&buffer, buffer.count))
    guard length > 0 && length < buffer.count else { return nil }
    return String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
}).main()
