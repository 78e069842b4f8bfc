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
