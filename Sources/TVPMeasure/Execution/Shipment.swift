import SystemPackage
import TVPSystem
import TVPWorkloads

extension ExecutionRequest {
    /// The slice of the shared input (`shared`, a `plugin`'s) that task `index`'s worker must be
    /// sent through its pipe; nil when the workload ships nothing by pipe.
    func pipedSlice(task index: Int) -> SharedSlice? { pipedInput?.slice(task: index) }

    /// Where the slices sent through workers' pipes are cut from; nil when the workload ships
    /// nothing by pipe. Asking the workload (an existential) is done once per trial by the pool's
    /// loop, not once per task.
    var pipedInput: PipedInput? {
        guard let shared = workload.sharedInput, shared.transfer == .pipe,
              case .shared(let source) = input, case .memory(let region) = source.location else { return nil }
        return PipedInput(workload: shared, region: region, slices: source.slices)
    }

    /// Bytes a trial ships to workers: the whole `shared` input when it travels by pipe, file or
    /// shared memory; 0 when tasks read in place or the workload has no input.
    var bytesShipped: Int {
        guard let shared = workload.sharedInput, shared.transfer != .inPlace else { return 0 }
        return shared.inputSize
    }
}

/// A shared input that travels by pipe: its workload, where it lies, and how many slices it is cut into.
struct PipedInput {
    let workload: SharedWorkload
    let region: MemoryRegion
    let slices: Int

    /// Task `index`'s slice.
    func slice(task index: Int) -> SharedSlice { SharedSlice(region: region, range: workload.slice(task: index, of: slices)) }
}

/// Some bytes of the `shared` input, where they lie in tvp's memory.
struct SharedSlice {
    /// Not retained: the request's input owns the region for the whole trial, which outlives every
    /// shipment. So a shipment holds no reference, and ending one (once per task of the pool's
    /// loop) frees nothing: with a counted reference each `shipment = nil` went through the
    /// runtime's generic destruction of an optional, about 180 instructions (callgrind).
    unowned(unsafe) let region: MemoryRegion
    let range: Range<Int>
}

/// Bytes on their way into a worker's non-blocking pipe: a small prefix (a frame header, or
/// nothing) and then a slice of the shared input, written straight from where it lies (no copy)
/// as fast as the pipe takes them.
struct Shipment {
    private let prefix: TaskFramePrefix?
    private let slice: SharedSlice?
    private var sent = 0

    /// A shipment of task `index`'s frame: its prefix, then `slice` when there is one.
    init(task index: Int, slice: SharedSlice?) {
        self.prefix = TaskFramePrefix(index, trailing: slice?.range.count ?? 0)
        self.slice = slice
    }

    /// A shipment of `slice` alone (a worker of its own task reads its slice from its first byte).
    init(slice: SharedSlice) {
        self.prefix = nil
        self.slice = slice
    }

    private var prefixCount: Int { prefix == nil ? 0 : TaskFramePrefix.count }

    /// Total bytes to send.
    var count: Int { prefixCount + (slice?.range.count ?? 0) }

    /// Writes what `descriptor` takes now; returns whether the shipment is complete. Throws when
    /// the write fails (`EPIPE`: the worker is gone).
    mutating func send(to descriptor: FileDescriptor) throws -> Bool {
        while let prefix, sent < TaskFramePrefix.count {
            let n = try descriptor.writeSome(prefix.bytes, from: sent)
            if n == 0 { return false }
            sent += n
        }
        if let slice {
            while sent < count {
                let offset = slice.range.lowerBound + sent - prefixCount
                let n = try slice.region.withBytes(offset..<slice.range.upperBound) { try descriptor.writeSome($0) }
                if n == 0 { return false }
                sent += n
            }
        }
        return true
    }
}
