/// Bytes received and not yet consumed, in storage the queue keeps and reuses: adding bytes is one
/// copy into it, and consuming them moves an index. A process pool's frame decoder takes one
/// result frame per task through it; an `Array` appended to and trimmed with `replaceSubrange`
/// cost about 170 instructions more per task (callgrind, docs/overhead.md).
public struct ByteQueue: Sendable {
    /// The queued bytes are `storage[start..<end]`; the array's count is the queue's capacity.
    private var storage: [UInt8] = []
    private var start = 0
    private var end = 0

    /// An empty queue.
    public init() {}

    /// How many bytes are queued.
    public var count: Int { end - start }

    /// Queues `bytes` after those already queued.
    public mutating func append(_ bytes: ArraySlice<UInt8>) {
        if start == end {
            start = 0
            end = 0
        }
        let needed = end + bytes.count
        if needed > storage.count {
            let (from, count) = (start, end - start)
            if from > 0 && count + bytes.count <= storage.count {
                // The queued bytes move to the front (the two ranges may overlap: a memmove).
                storage.withUnsafeMutableBytes { raw in
                    if count > 0 { raw.baseAddress!.copyMemory(from: raw.baseAddress! + from, byteCount: count) }
                }
            } else {
                var larger = [UInt8](repeating: 0, count: max(count + bytes.count, storage.count * 2, 256))
                larger.withUnsafeMutableBytes { target in
                    storage.withUnsafeBytes { source in
                        if count > 0 { target.baseAddress!.copyMemory(from: source.baseAddress! + from, byteCount: count) }
                    }
                }
                storage = larger
            }
            start = 0
            end = count
        }
        let at = end
        bytes.withUnsafeBytes { source in
            guard let from = source.baseAddress, !source.isEmpty else { return }
            storage.withUnsafeMutableBytes { raw in (raw.baseAddress! + at).copyMemory(from: from, byteCount: source.count) }
        }
        end += bytes.count
    }

    /// The queued bytes at `range` (counted from the first queued byte), where they lie.
    public subscript(range: Range<Int>) -> ArraySlice<UInt8> {
        precondition(range.lowerBound >= 0 && range.upperBound <= count, "bytes \(range) of the \(count) queued")
        return storage[(start + range.lowerBound)..<(start + range.upperBound)]
    }

    /// Consumes the first `count` queued bytes.
    public mutating func removeFirst(_ count: Int) {
        precondition(count >= 0 && count <= self.count, "removing \(count) of the \(self.count) queued bytes")
        start += count
    }
}
