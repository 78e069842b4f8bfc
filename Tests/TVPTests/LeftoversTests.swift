import Testing
import TVPSystem
import TVPWorkloads
@testable import TVPRun

@Suite("Leftovers of killed runs")
struct LeftoversTests {
    /// The pid of a process that has ended and been reaped.
    func deadProcessID() throws -> Int32 {
        let supervisor = ChildSupervisor()
        let child = try supervisor.start(ChildLaunch(path: "/bin/true", arguments: ["true"]))
        let ended = try supervisor.finish(withinSeconds: 10)
        #expect(ended.map(\.child.pid) == [child.pid])
        return child.pid
    }

    @Test("a shared-memory copy whose tvp is gone is removed, and said so; a live one is kept")
    func orphanedCopies() throws {
        let scratch = try Files.makePrivateDirectory(in: Files.temporaryDirectory, prefix: "tvp-test-")
        defer { Files.removeTree(scratch) }
        let deadPID = try deadProcessID()
        let source = try MemoryRegion.anonymous(count: 10)
        defer { source.release() }
        let orphan = try SharedMemoryObject.create("/tvp-\(deadPID)-1", copying: source)
        let live = try SharedMemoryObject.create("/tvp-\(currentProcessID())-999999", copying: source)
        defer { orphan.remove(); live.remove() }
        let notices = Leftovers.removeOrphans(in: scratch)
        #expect(!SharedMemoryObject.exists(orphan.name))
        #expect(SharedMemoryObject.exists(live.name))
        #expect(notices.contains { $0.contains("/dev/shm/tvp-\(deadPID)-1") && $0.contains("no longer exists") }, "\(notices)")
    }

    @Test("a fixture folder whose lock no process holds is removed; a live run's and one without an owner record stay")
    func orphanedFolders() throws {
        let scratch = try Files.makePrivateDirectory(in: Files.temporaryDirectory, prefix: "tvp-test-")
        defer { Files.removeTree(scratch) }
        // A live run's folder: its InputSet holds the lock.
        let live = try InputSet(workloads: [.io(IOWorkload(sleepNanoseconds: 0, filesPerTask: 1, fileSize: 100, cache: .warm))],
                                tasks: { _ in 2 }, scratchDirectory: scratch)
        defer { live.remove() }
        // A killed run's folder: made and locked the same way, then the lock dropped as a dying
        // process's is.
        let dead = try DirectoryLock.makeLockedDirectory(in: scratch, prefix: Leftovers.fixturePrefix)
        try Files.write(Array(repeating: 7, count: 3000).span.bytes, to: "\(dead.path)/io-1.dat")
        dead.release()
        // A folder an older tvp (or someone else) made: no owner record, nothing proven.
        let foreign = "\(scratch)/\(Leftovers.fixturePrefix)older"
        try Files.makeDirectories(foreign)

        let notices = Leftovers.removeOrphans(in: scratch)
        #expect(!Files.exists(dead.path))
        #expect(Files.exists(live.directory))
        #expect(Files.exists("\(live.directory)/io-100-0.dat"))
        #expect(Files.exists(foreign))
        #expect(notices.contains { $0.contains(dead.path) && $0.contains("tvp process \(currentProcessID())") }, "\(notices)")
        #expect(!notices.contains { $0.contains(live.directory) || $0.contains(foreign) })
    }

    @Test("a second signal's clean-up removes the registered fixture folder and shared-memory object")
    func forcedExitCleanup() throws {
        let scratch = try Files.makePrivateDirectory(in: Files.temporaryDirectory, prefix: "tvp-test-")
        defer { Files.removeTree(scratch) }
        let folder = try DirectoryLock.makeLockedDirectory(in: scratch, prefix: Leftovers.fixturePrefix)
        defer { folder.release() }
        try Files.write(Array(repeating: 1, count: 100).span.bytes, to: "\(folder.path)/a.dat")
        let source = try MemoryRegion.anonymous(count: 4096)
        defer { source.release() }
        let object = try SharedMemoryObject.create("/tvp-\(currentProcessID())-forced", copying: source)
        defer { object.remove() }
        let registrations = [InterruptSignal.registerForForcedExit(.flatDirectory, folder.path),
                             InterruptSignal.registerForForcedExit(.sharedMemory, object.name)]
        #expect(registrations.allSatisfy { $0 != nil })
        registrations.forEach(InterruptSignal.runForcedExitCleanupNow)
        #expect(!Files.exists(folder.path))
        #expect(!SharedMemoryObject.exists(object.name))
    }
}
