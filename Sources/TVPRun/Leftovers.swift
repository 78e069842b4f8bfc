import TVPFormatting
import TVPSystem

/// What a tvp that was killed (SIGKILL, a crash: no chance to clean up) leaves behind, found and
/// removed by the next run once it is proven orphaned: fixture folders with an owner record whose
/// lock no process holds (`DirectoryLock`), and shared-memory copies named after a pid that no
/// longer exists. A folder without an owner record (made by an older tvp) proves nothing and stays.
enum Leftovers {
    /// Prefix of the fixture folders in the scratch directory.
    static let fixturePrefix = "tvp-fixtures-"

    /// Removes the orphaned fixture folders in `scratchDirectory` and the orphaned shared-memory
    /// objects, and returns a sentence for each removal.
    static func removeOrphans(in scratchDirectory: String) -> [String] {
        var removed: [String] = []
        for name in Files.directoryEntries(scratchDirectory).sorted() {
            let path = "\(scratchDirectory)/\(name)"
            let unnamed = name.hasPrefix(DirectoryLock.unnamedPrefix)
            guard name.hasPrefix(fixturePrefix) || unnamed, let owner = DirectoryLock.recordedOwner(of: path),
                  let lock = try? DirectoryLock.lockIfUnowned(path) else { continue }
            // A folder not yet renamed is locked microseconds after it is made: only one that
            // stayed unnamed for a minute is a leftover.
            if unnamed && !Files.isOlder(path, thanSeconds: 60) { continue }
            let bytes = Files.treeSize(path)
            Files.removeTree(path)
            lock.release()
            if !Files.exists(path) {
                removed.append("removed \(path) (\(ByteSize.format(bytes, .wholeUnitsDown))), left by tvp process \(owner), which ended without removing it (killed, or ended by code it ran): no process holds its lock")
            }
        }
        for name in Files.directoryEntries("/dev/shm").sorted() where name.hasPrefix("tvp-") {
            let fields = name.split(separator: "-")
            guard fields.count == 3, let pid = Int32(fields[1]), !processExists(pid) else { continue }
            SharedMemoryObject.remove("/" + name)
            removed.append("removed /dev/shm/\(name), left by tvp process \(pid), which no longer exists")
        }
        return removed
    }
}
