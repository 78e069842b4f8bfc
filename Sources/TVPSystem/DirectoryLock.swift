import CTVPSystem
import Glibc
import SystemPackage

/// A directory owned by a live process: an exclusive `flock` on the directory itself, held from
/// before the directory gets its final name until the owner releases it or dies (the kernel drops
/// the lock with the process). A later process that can take the lock has proof that the owner is
/// gone, so what the directory holds is left over.
public final class DirectoryLock: @unchecked Sendable {
    // Sendable: the descriptor is only closed, once.
    private var descriptor: CInt
    /// The directory.
    public let path: String

    private init(descriptor: CInt, path: String) {
        self.descriptor = descriptor
        self.path = path
    }

    deinit { release() }

    /// The prefix of a directory not yet renamed to its final name.
    public static let unnamedPrefix = ".tvp-new-"
    /// The file in a locked directory naming its owner ("pid N"): only a directory holding it was
    /// made by `makeLockedDirectory`, so only such a directory proves orphaned by an untaken lock.
    public static let ownerFile = ".owner"

    /// The pid recorded in `path`'s owner file, nil when it has none.
    public static func recordedOwner(of path: String) -> Int32? {
        guard let bytes = try? Files.readAll("\(path)/\(ownerFile)", limit: 64) else { return nil }
        return Int32(String(decoding: bytes, as: UTF8.self).dropFirst(4).prefix { $0 != "\n" })
    }

    /// Creates a private directory (mode 0700) under `parent` named `prefix` plus random
    /// characters, locked before it has that name: it is made as `.tvp-new-XXXXXX` (`mkdtemp`),
    /// locked, then renamed, so no directory named `prefix…` is ever unlocked while its owner lives.
    /// On a file system without `flock` (some network ones) the directory gets no lock and no owner
    /// record: nothing will take it for a leftover, and nothing will remove it if its owner is killed.
    public static func makeLockedDirectory(in parent: String, prefix: String) throws -> DirectoryLock {
        let temporary = try Files.makePrivateDirectory(in: parent, prefix: unnamedPrefix)
        let lock: DirectoryLock?
        do {
            lock = try lockIfUnowned(temporary)
        } catch {
            lock = DirectoryLock(descriptor: -1, path: temporary)
        }
        guard let lock else {
            rmdir(temporary)
            throw SystemCallError("flock \(temporary): locked by another process", .wouldBlock)
        }
        let suffix = temporary.dropFirst(parent.count + 1 + unnamedPrefix.count)
        let final = "\(parent)/\(prefix)\(suffix)"
        do {
            if lock.descriptor >= 0 {
                try Files.write(Array("pid \(getpid())\n".utf8).span.bytes, to: "\(temporary)/\(ownerFile)")
            }
            try Files.rename(temporary, to: final)
        } catch {
            lock.release()
            Files.removeTree(temporary)
            throw error
        }
        return DirectoryLock(descriptor: lock.takeDescriptor(), path: final)
    }

    /// Locks the existing directory `path` when no live process holds it; nil when one does.
    public static func lockIfUnowned(_ path: String) throws -> DirectoryLock? {
        let fd = try attempt("open \(path)") { () throws in
            try valueOrErrno { open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
        }
        if tvp_lock_exclusive_nowait(fd) == 0 { return DirectoryLock(descriptor: fd, path: path) }
        let code = errno
        close(fd)
        if code == EWOULDBLOCK { return nil }
        throw SystemCallError("flock \(path)", Errno(rawValue: code))
    }

    /// Drops the lock (`close`).
    public func release() {
        if descriptor >= 0 { close(descriptor) }
        descriptor = -1
    }

    private func takeDescriptor() -> CInt {
        defer { descriptor = -1 }
        return descriptor
    }
}
