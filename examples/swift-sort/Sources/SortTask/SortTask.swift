// A tvp task in Swift: sort an array of pseudo-random 64-bit numbers generated from the task index,
// the array's length given by the scenario's `parameter`. The digest folds the sorted array, so a
// mode that sorted differently (or not at all) would not match.
//
// The ABI (include/tvp_task.h) is plain C: every function below is exported under its C name with
// @_cdecl and takes only integers and pointers, so no header needs importing.

/// The ABI version this library was written against (TVP_TASK_ABI_VERSION).
@_cdecl("tvp_task_abi_version")
public func tvpTaskABIVersion() -> UInt32 { 1 }

/// What set-up keeps for the tasks of one process: the array length.
final class SortSettings {
    let count: Int
    init(count: Int) { self.count = count }
}

/// Set-up, once per process: reads the parameter (elements per task).
@_cdecl("sort_task_setup")
public func sortTaskSetup(parameter: UnsafePointer<CChar>?, state: UnsafeMutablePointer<UnsafeMutableRawPointer?>?,
                          error: UnsafeMutablePointer<CChar>?, errorSize: Int) -> Int32 {
    let text = parameter.map { String(cString: $0) } ?? ""
    guard let count = Int(text), count > 0, count <= 1 << 28 else {
        return fail("parameter must be the number of elements to sort per task (1 to 268435456), got \"\(text)\"", error, errorSize)
    }
    state?.pointee = Unmanaged.passRetained(SortSettings(count: count)).toOpaque()
    return 0
}

/// Tear-down, once per process.
@_cdecl("sort_task_teardown")
public func sortTaskTeardown(state: UnsafeMutableRawPointer?) {
    if let state { Unmanaged<SortSettings>.fromOpaque(state).release() }
}

/// The task: generate, sort, check, digest.
@_cdecl("sort_task")
public func sortTask(taskIndex: UInt64, taskCount: UInt64, input: UnsafePointer<UInt8>?, inputSize: Int,
                     parameter: UnsafePointer<CChar>?, state: UnsafeMutableRawPointer?,
                     digest: UnsafeMutablePointer<UInt8>?, error: UnsafeMutablePointer<CChar>?, errorSize: Int) -> Int32 {
    guard let state, let digest else { return fail("called without its set-up state", error, errorSize) }
    let settings = Unmanaged<SortSettings>.fromOpaque(state).takeUnretainedValue()
    var generator = SplitMix64(seed: taskIndex)
    var numbers = (0..<settings.count).map { _ in generator.next() }
    numbers.sort()
    var fold = Fold()
    for (offset, value) in numbers.enumerated() {
        if offset > 0 && numbers[offset - 1] > value { return fail("the array came out unsorted at \(offset)", error, errorSize) }
        fold.add(value)
    }
    fold.write(to: digest)
    return 0
}

/// SplitMix64: cheap, deterministic pseudo-random numbers.
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A 256-bit fold of a sequence of numbers (not cryptographic: it only has to change when they do).
struct Fold {
    var lanes: (UInt64, UInt64, UInt64, UInt64) = (0x6a09e667f3bcc908, 0xbb67ae8584caa73b, 0x3c6ef372fe94f82b, 0xa54ff53a5f1d36f1)
    var count: UInt64 = 0

    mutating func add(_ value: UInt64) {
        func mix(_ lane: UInt64) -> UInt64 {
            let x = lane ^ (value &* 0x9E37_79B9_7F4A_7C15)
            return ((x << 31) | (x >> 33)) &* 0xBF58_476D_1CE4_E5B9
        }
        switch count & 3 {
        case 0: lanes.0 = mix(lanes.0)
        case 1: lanes.1 = mix(lanes.1)
        case 2: lanes.2 = mix(lanes.2)
        default: lanes.3 = mix(lanes.3)
        }
        count &+= 1
    }

    func write(to digest: UnsafeMutablePointer<UInt8>) {
        let words = [lanes.0 ^ count, lanes.1, lanes.2, lanes.3]
        for (w, word) in words.enumerated() {
            var z = word
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            z ^= z >> 31
            for b in 0..<8 { digest[w * 8 + b] = UInt8(truncatingIfNeeded: z >> (8 * b)) }
        }
    }
}

/// Writes `message` into the error buffer (truncated, NUL-terminated) and returns 1.
func fail(_ message: String, _ error: UnsafeMutablePointer<CChar>?, _ errorSize: Int) -> Int32 {
    guard let error, errorSize > 0 else { return 1 }
    let bytes = Array(message.utf8.prefix(errorSize - 1))
    for (i, byte) in bytes.enumerated() { error[i] = CChar(bitPattern: byte) }
    error[bytes.count] = 0
    return 1
}
