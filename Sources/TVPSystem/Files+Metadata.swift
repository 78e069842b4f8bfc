import Glibc

extension Files {
    /// Bytes of the regular files under `path` (`lstat`), following no symbolic link; 0 when it
    /// cannot be read.
    public static func treeSize(_ path: String) -> Int {
        var info = stat()
        guard lstat(path, &info) == 0 else { return 0 }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            return directoryEntries(path).reduce(0) { $0 + treeSize("\(path)/\($1)") }
        }
        return (info.st_mode & S_IFMT) == S_IFREG ? Int(info.st_size) : 0
    }

    /// Whether `path` was last modified more than `seconds` ago (`lstat`); false when it cannot be read.
    public static func isOlder(_ path: String, thanSeconds seconds: Double) -> Bool {
        var info = stat()
        guard lstat(path, &info) == 0 else { return false }
        let modified = Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9
        return realtimeSeconds() - modified > seconds
    }
}

extension Files {
    /// What kind of file `path` is when it is not a regular file ("a directory", "a FIFO (named
    /// pipe)", "a character device" …), nil for a regular file or a path that does not exist
    /// (`stat`, following symbolic links). Reading or loading any other kind may block or never end.
    public static func irregularKind(_ path: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return nil
        case S_IFDIR: return "a directory"
        case S_IFIFO: return "a FIFO (named pipe)"
        case S_IFCHR: return "a character device"
        case S_IFBLK: return "a block device"
        case S_IFSOCK: return "a socket"
        default: return "not a regular file"
        }
    }
}
