import Glibc
import Synchronization
import TVPSystem
import TVPWorkloads

/// The data a run's tasks read, made before any clock starts: the `io` fixture files in one private
/// temporary directory (mode 0700), and each `shared` workload's input in tvp's memory. A `shared`
/// trial under a file or shared-memory transfer gets its own copy, made before its clock starts and
/// removed when it ends (`stage`). Everything is removed when the run ends (`remove`).
final class InputSet {
    /// The private directory.
    let directory: String
    private var fixtures: [Workload: IOFixture] = [:]
    /// `shared` inputs by input size (the transfer does not change the bytes).
    private var sharedInputs: [Int: MemoryRegion] = [:]
    /// Copies staged by every input set of this process, for unique names.
    private static let stagedCount = Atomic<Int>(0)

    /// Creates the directory (in `scratchDirectory`), the files every `io` workload needs and the
    /// input every `shared` workload hashes; `tasks` gives each workload's task count.
    init(workloads: [Workload], tasks: (Workload) -> Int, scratchDirectory: String = Files.temporaryDirectory) throws {
        directory = try Files.makePrivateDirectory(in: scratchDirectory, prefix: "tvp-fixtures-")
        Self.removeOrphanedCopies()
        do {
            for workload in workloads {
                switch workload {
                case .io(let io):
                    fixtures[workload] = try IOFixture.create(for: io, tasks: tasks(workload), in: directory)
                default:
                    if let shared = workload.sharedInput, sharedInputs[shared.inputSize] == nil {
                        sharedInputs[shared.inputSize] = try shared.makeInput()
                    }
                }
            }
        } catch {
            remove()
            throw error
        }
    }

    /// The input a trial of `cell` reads in place (and the pipe transfer ships from): the `io`
    /// fixture, the shared input in memory (`shared`, a `plugin`'s), the task count alone (a
    /// `plugin` without input), or nothing.
    func input(for cell: Cell) -> TaskInput {
        if let shared = cell.workload.sharedInput {
            return sharedInputs[shared.inputSize].map { .shared(SharedSource(slices: cell.tasks, location: .memory($0))) } ?? .none
        }
        switch cell.workload {
        case .io: return fixtures[cell.workload].map(TaskInput.files) ?? .none
        case .plugin: return .taskCount(cell.tasks)
        default: return .none
        }
    }

    /// A trial's input, staged: for a `shared` cell under a file or shm transfer, a fresh copy of the
    /// input made now (outside the clock) that `StagedInput.remove()` deletes after the trial.
    func stage(_ cell: Cell) throws -> StagedInput {
        let input = input(for: cell)
        guard let shared = cell.workload.sharedInput, case .shared(let source) = input,
              case .memory(let region) = source.location else { return StagedInput(input: input, remove: {}) }
        let number = Self.stagedCount.add(1, ordering: .relaxed).newValue
        switch shared.transfer {
        case .inPlace, .pipe:
            return StagedInput(input: input, remove: {})
        case .file:
            let path = "\(directory)/shared-\(number).dat"
            try region.withBytes(0..<region.count) { try Files.write($0, to: path) }
            return StagedInput(input: .shared(SharedSource(slices: source.slices, location: .file(path))),
                               remove: { Files.removeTree(path) })
        case .shm:
            let object = try SharedMemoryObject.create("/tvp-\(getpid())-\(number)", copying: region)
            return StagedInput(input: .shared(SharedSource(slices: source.slices, location: .sharedMemory(object.name))),
                               remove: { object.remove() })
        }
    }

    /// Removes shared-memory copies left by tvp processes that were killed mid-trial (SIGKILL gives
    /// no chance to clean up): `/dev/shm/tvp-PID-N` whose PID no longer exists.
    static func removeOrphanedCopies() {
        for name in Files.directoryEntries("/dev/shm") where name.hasPrefix("tvp-") {
            let fields = name.split(separator: "-")
            guard fields.count == 3, let pid = Int32(fields[1]), !processExists(pid) else { continue }
            SharedMemoryObject.remove("/" + name)
        }
    }

    /// Puts the page cache in the state the cell asks for, just before its clock starts: a warm
    /// trial reads its files (the machine evicts idle pages within ~30 s), a cold one drops them.
    func prepareCache(for workload: Workload) throws {
        guard case .io(let io) = workload, let fixture = fixtures[workload] else { return }
        switch io.cache {
        case .warm:
            var buffer = [UInt8](repeating: 0, count: TaskRunner.readChunkBytes)
            for path in fixture.allPaths { try Files.streamRead(path, buffer: &buffer) { _ in } }
        case .cold:
            for path in fixture.allPaths { try Files.dropFromPageCache(path) }
        }
    }

    /// Removes the directory and every file in it, and frees the `shared` inputs.
    func remove() {
        Files.removeTree(directory)
        for region in sharedInputs.values { region.release() }
        sharedInputs.removeAll()
    }
}

/// One trial's input, and how to remove the copy made for it.
struct StagedInput {
    /// What the trial's tasks read.
    let input: TaskInput
    /// Deletes the trial's copy (a file, a shared-memory object); nothing for inputs shared by trials.
    let remove: () -> Void
}
