import Foundation
import TVPSystem

/// What tvp adds to its environment for the `tvp-worker` processes it starts, and why.
///
/// The worker links libcrypto statically, and libcrypto's x86_64 code asks the CPU what it can do
/// (`OPENSSL_cpuid_setup`, from the `.init` section) in every process before `main`: several CPUID
/// instructions, each a trap to the hypervisor in a virtual machine, 32 µs of every worker's
/// start-up on the project's EPYC VM (docs/overhead.md). That is tvp's own cost, not a process's:
/// it would be charged to every task of `processes`. OpenSSL takes the vector from the
/// `OPENSSL_ia32cap` variable instead when it holds a full one, so tvp asks one worker for the
/// vector its libcrypto found (`tvp-worker openssl-ia32cap`) and hands exactly that to the others:
/// each runs the code paths it would have chosen itself (the digests prove the work unchanged).
///
/// A variable the user set is theirs: with `OPENSSL_ia32cap` in tvp's environment nothing is added
/// (the workers inherit it). Plugin workers get nothing: a plugin may bring another OpenSSL.
public enum WorkerEnvironment {
    /// The variable OpenSSL reads its capability vector from.
    public static let cryptoCapabilitiesKey = "OPENSSL_ia32cap"

    /// The variables for the workers of `workerPath`, given tvp's `environment`: libcrypto's
    /// capability vector as the worker reports it, or nothing when the user set one, the worker
    /// cannot report it (another CPU architecture, an older worker) or it does not answer within
    /// `timeoutSeconds`.
    public static func additions(forWorker workerPath: String, environment: [String: String],
                                 timeoutSeconds: Double = 5) -> [String: String] {
        guard environment[cryptoCapabilitiesKey] == nil, Files.isExecutable(workerPath) else { return [:] }
        let deadline = MonotonicInstant.now().nanoseconds + UInt64(timeoutSeconds * 1e9)
        // Its own group, killed after: a `TVP_WORKER` script may leave children behind.
        let program = ExternalProgram(path: workerPath, arguments: ["openssl-ia32cap"], diesWithParent: true, ownProcessGroup: true)
        guard let output = try? program.run(limit: 256, stopRequested: {
                  InterruptSignal.received ?? (MonotonicInstant.now().nanoseconds > deadline ? SIGTERM : nil)
              }),
              output.status.isSuccess, let vector = capabilityVector(output.outputText) else { return [:] }
        return [cryptoCapabilitiesKey: vector]
    }

    /// `text` (one line) when it is a full capability vector, two 64-bit hexadecimal words
    /// ("0x" and 16 digits, a colon, "0x" and 16 digits): the only form with which OpenSSL skips
    /// asking the CPU. Anything else is nil, so no partial or hostile value reaches a worker.
    public static func capabilityVector(_ text: String) -> String? {
        let line = text.hasSuffix("\n") ? String(text.dropLast()) : text
        let words = line.split(separator: ":", omittingEmptySubsequences: false)
        guard words.count == 2, words.allSatisfy({ word in
            word.hasPrefix("0x") && word.count == 18 && word.dropFirst(2).allSatisfy(\.isHexDigit)
        }) else { return nil }
        return line
    }
}
