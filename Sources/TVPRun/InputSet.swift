import Synchronization
import TVPSystem
import TVPWorkloads
import TVPPlan

/// The data a run's tasks read, made before any clock starts: the `io` fixture files in one private
/// temporary directory (mode 0700, locked for as long as the run lives, so a later run can tell a
/// leftover from a live run's), and each `shared` workload's input in tvp's memory. A `shared`
/// trial under a file or shared-memory transfer gets its own copy, made before its clock starts and
/// removed when it ends (`stage`). Everything is removed when the run ends (`remove`), and by a
/// second Ctrl-C that ends tvp at once.
final class InputSet {
    /// The private directory.
    let directory: String
    /// Problems with the inputs a user should hear of (a `cold` cache that cannot be cold).
    private(set) var warnings: [String] = []
    private let lock: DirectoryLock
    private let forcedExitRegistration: Int32?
    private var fixtures: [Workload: IOFixture] = [:]
    /// `shared` inputs by input size (the transfer does not change the bytes).
    private var sharedInputs: [Int: MemoryRegion] = [:]
    /// Copies staged by every input set of this process, for unique names.
    static let stagedCount = Atomic<Int>(0)

    /// Creates the directory (in `scratchDirectory`), the files every `io` workload needs and the
    /// input every `shared` workload hashes; `tasks` gives each workload's task count. A signal
    /// stops it within one file or one MiB of input (`RunInterrupted`), leaving nothing behind.
    init(workloads: [Workload], tasks: (Workload) -> Int, scratchDirectory: String = Files.temporaryDirectory) throws {
        do {
            lock = try DirectoryLock.makeLockedDirectory(in: scratchDirectory, prefix: Leftovers.fixturePrefix)
        } catch {
            throw InputError(description: "cannot create the fixture folder in \(scratchDirectory) (TMPDIR): \(error); set TMPDIR to a writable folder")
        }
        directory = lock.path
        forcedExitRegistration = InterruptSignal.registerForForcedExit(.flatDirectory, directory)
        do {
            for workload in workloads {
                switch workload.needs {
                case .files(let filesPerTask, let fileSize, let cold):
                    fixtures[workload] = try IOFixture.create(filesPerTask: filesPerTask, fileSize: fileSize, tasks: tasks(workload),
                                                              in: directory, checkpoint: Interruption.checkpoint)
                    if cold && FileSystem.isInMemory(directory) {
                        warnings.append(Self.memoryFileSystemWarning(scratch: scratchDirectory))
                    }
                case .sharedInput:
                    if let shared = workload.sharedInput, sharedInputs[shared.inputSize] == nil {
                        sharedInputs[shared.inputSize] = try shared.makeInput(checkpoint: Interruption.checkpoint)
                    }
                case .nothing, .taskCount, .server:
                    break
                }
            }
        } catch let error as SystemCallError where error.errno == .noSpace {
            remove()
            let free = FileSystem.freeBytes(scratchDirectory).map { " (\($0 >> 10) KiB free)" } ?? ""
            throw InputError(description: "cannot write the fixture files in \(scratchDirectory) (TMPDIR)\(free): \(error.summary); free space there, or set TMPDIR to a folder with room for them")
        } catch {
            remove()
            throw error
        }
    }

    private static func memoryFileSystemWarning(scratch: String) -> String {
        let type = FileSystem.typeName(of: scratch) ?? "a file system in memory"
        return "`cache: cold` cannot be cold here: TMPDIR (\(scratch)) is on \(type), which keeps files in memory, so every read of the fixture files comes from memory (io_disk_read_bytes stays 0) and the `cold` rows measure warm reads; set TMPDIR to a folder on a disk"
    }

    /// The input a trial of `cell` reads in place (and the pipe transfer ships from): the `io`
    /// fixture, the shared input in memory (`shared`, a `plugin`'s), the task count alone (a
    /// `plugin` without input), or nothing.
    func input(for cell: Cell) -> TaskInput {
        switch cell.workload.needs {
        case .sharedInput:
            guard let shared = cell.workload.sharedInput, let region = sharedInputs[shared.inputSize] else { return .none }
            return .shared(SharedSource(slices: cell.tasks, location: .memory(region)))
        case .files: return fixtures[cell.workload].map(TaskInput.files) ?? .none
        case .taskCount: return .taskCount(cell.tasks)
        case .nothing, .server: return .none
        }
    }

    /// A trial's input, staged: for a `shared` cell under a file or shm transfer, a fresh copy of the
    /// input made now (outside the clock) that `StagedInput.remove()` deletes after the trial; for
    /// `tally` and `refs`, the state the trial's tasks share (`stageSharedState`).
    func stage(_ cell: Cell) throws -> StagedInput {
        if let staged = try Self.stageSharedState(cell, number: { Self.stagedCount.add(1, ordering: .relaxed).newValue }) {
            return staged
        }
        let input = input(for: cell)
        guard let shared = cell.workload.sharedInput, case .shared(let source) = input,
              case .memory(let region) = source.location else { return StagedInput(input: input, remove: {}) }
        let number = Self.stagedCount.add(1, ordering: .relaxed).newValue
        switch shared.transfer {
        case .inPlace, .pipe:
            return StagedInput(input: input, remove: {})
        case .file:
            let path = "\(directory)/shared-\(number).dat"
            do {
                try region.withBytes(0..<region.count) { try Files.write($0, to: path) }
            } catch {
                Files.removeTree(path)
                throw InputError(description: "cannot stage the shared input for `transfer: file`: \(error)")
            }
            return StagedInput(input: .shared(SharedSource(slices: source.slices, location: .file(path))),
                               remove: { Files.removeTree(path) })
        case .shm:
            let name = "/tvp-\(currentProcessID())-\(number)"
            let registration = InterruptSignal.registerForForcedExit(.sharedMemory, name)
            let object: SharedMemoryObject
            do {
                object = try SharedMemoryObject.create(name, copying: region)
            } catch let error as SystemCallError where error.errno == .noSpace {
                InterruptSignal.unregister(registration)
                let free = FileSystem.freeBytes("/dev/shm").map { "\($0 >> 20) MiB" } ?? "less"
                throw InputError(description: "cannot stage the shared input for `transfer: shm`: /dev/shm has \(free) free, the copy needs \(region.count >> 20) MiB (\(error.summary)); enlarge /dev/shm (`mount -o remount,size=2G /dev/shm`), lower `input_size`, or use `transfer: file` or `pipe`")
            } catch {
                InterruptSignal.unregister(registration)
                throw InputError(description: "cannot stage the shared input for `transfer: shm`: \(error)")
            }
            return StagedInput(input: .shared(SharedSource(slices: source.slices, location: .sharedMemory(object.name))),
                               remove: { object.remove(); InterruptSignal.unregister(registration) })
        }
    }

    /// Puts the page cache in the state the cell asks for, just before its clock starts: a warm
    /// trial reads its files (the machine evicts idle pages within ~30 s), a cold one drops them.
    func prepareCache(for workload: Workload) throws {
        guard case .files(_, _, let cold) = workload.needs, let fixture = fixtures[workload] else { return }
        if cold {
            for path in fixture.allPaths { try Files.dropFromPageCache(path) }
        } else {
            var buffer = [UInt8](repeating: 0, count: IOWorkload.readChunkBytes)
            for path in fixture.allPaths { try Files.streamRead(path, buffer: &buffer) { _ in } }
        }
    }

    /// Removes the directory and every file in it, frees the `shared` inputs and drops the lock.
    func remove() {
        Files.removeTree(directory)
        InterruptSignal.unregister(forcedExitRegistration)
        lock.release()
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

/// An input that could not be made, with what to do.
struct InputError: Error, CustomStringConvertible {
    /// What went wrong and the fix.
    let description: String
}
