import Foundation
import TVPFormatting
import TVPWorkloads

/// The workload parameters as they appear in scenario files and CSV columns.
extension Workload {
    /// Parameter name and value pairs as written in CSV files (the same keys a scenario uses).
    public var parameters: [(name: String, value: String)] {
        switch self {
        case .null: []
        case .cpu(let cpu): [("bytes_per_task", String(cpu.bytesPerTask))]
        case .io(let io):
            [("sleep_ms", formatMilliseconds(io.sleepNanoseconds)), ("files_per_task", String(io.filesPerTask)),
             ("file_size", String(io.fileSize)), ("cache", io.cache.rawValue)]
        case .shared(let shared): [("input_size", String(shared.inputSize)), ("transfer", shared.transfer.rawValue)]
        case .mixed(let mixed):
            [("task_ms", formatMilliseconds(mixed.taskNanoseconds)), ("cpu_share", formatShare(mixed.cpuShare)),
             ("hash_bytes", String(mixed.hashBytes))]
        case .tally(let tally):
            [("updates", String(tally.updates)), ("bins", String(tally.bins)), ("sync", tally.sync.rawValue)]
                + (tally.sync == .local ? [("layout", tally.layout.rawValue)] : [])
        case .alloc(let alloc):
            [("updates", String(alloc.updates)), ("objects", String(alloc.objects)), ("object_size", String(alloc.objectSize))]
        case .refs(let refs): [("updates", String(refs.updates)), ("nodes", String(refs.nodes)), ("graph", refs.graph.rawValue)]
        case .plugin(let plugin): plugin.parameters
        case .download(let download):
            [("files", String(download.files)), ("file_size", String(download.fileSize)),
             ("latency_ms", formatMilliseconds(download.latencyNanoseconds)), ("keep_alive", String(download.keepAlive))]
        }
    }

    /// A short readable name with the parameters that matter, e.g. "cpu[8MiB]", "io[20ms 4×256KiB warm]",
    /// "download[50ms 100x16KiB close]".
    public var label: String {
        switch self {
        case .null: "null"
        case .cpu(let cpu): "cpu[\(ByteSize.format(cpu.bytesPerTask))]"
        case .io(let io):
            "io[\(formatMilliseconds(io.sleepNanoseconds))ms \(io.filesPerTask)x\(ByteSize.format(io.fileSize)) \(io.cache.rawValue)]"
        case .shared(let shared) where shared.transfer == .inPlace: "shared[\(ByteSize.format(shared.inputSize))]"
        case .shared(let shared): "shared[\(ByteSize.format(shared.inputSize)) \(shared.transfer.rawValue)]"
        case .mixed(let mixed): "mixed[\(formatMilliseconds(mixed.taskNanoseconds))ms \(formatShare(mixed.cpuShare))cpu]"
        case .tally, .alloc, .refs: sharingLabel
        case .plugin(let plugin): plugin.label
        case .download(let download):
            "download[\(formatMilliseconds(download.latencyNanoseconds))ms \(download.files)x\(ByteSize.format(download.fileSize)) \(download.keepAlive ? "keep-alive" : "close")]"
        }
    }
}

private func formatShare(_ share: Double) -> String {
    share == share.rounded() ? String(Int(share)) : String(share)
}

private func formatMilliseconds(_ nanoseconds: UInt64) -> String {
    let ms = Double(nanoseconds) / 1e6
    return ms == ms.rounded() ? String(Int(ms)) : String(ms)
}

/// Byte sizes as people write them: `8MiB`, `256KiB`, `1GiB`, `64MB`, `4096` (written back by
/// `ByteSize.format`, TVPFormatting).
extension ByteSize {
    private static let units: [(suffix: String, factor: Int)] = [
        ("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10),
        ("GB", 1_000_000_000), ("MB", 1_000_000), ("KB", 1_000), ("kB", 1_000), ("B", 1),
    ]

    /// Parses a size; nil when `text` is not a whole number of bytes with an optional unit.
    public static func parse(_ text: String) -> Int? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        for (suffix, factor) in units where trimmed.hasSuffix(suffix) {
            let number = trimmed.dropLast(suffix.count).trimmingCharacters(in: .whitespaces)
            if number.hasPrefix("-") || number.hasPrefix("+") { return nil }
            if let whole = Int(number) {
                let (product, overflow) = whole.multipliedReportingOverflow(by: factor)
                return overflow ? nil : product
            }
            if let fraction = Double(number), fraction >= 0, fraction * Double(factor) < 9e18,
               (fraction * Double(factor)).rounded() == fraction * Double(factor) {
                return Int(fraction * Double(factor))
            }
            return nil
        }
        return trimmed.hasPrefix("-") ? nil : Int(trimmed)
    }
}
