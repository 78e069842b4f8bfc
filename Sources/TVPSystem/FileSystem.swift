import CTVPSystem
import Glibc

/// Facts about the file system holding a path (`statfs`, `statvfs`).
public enum FileSystem {
    /// The file system's type by name ("tmpfs", "ext4", …), its magic number in hex when unknown;
    /// nil when `path` cannot be examined.
    public static func typeName(of path: String) -> String? {
        let type = tvp_filesystem_type(path)
        guard type >= 0 else { return nil }
        return names[type] ?? "0x" + String(type, radix: 16)
    }

    /// Whether the file system keeps its files in memory (tmpfs, ramfs): its reads never reach a
    /// disk, so a page cache cannot be dropped to make them cold.
    public static func isInMemory(_ path: String) -> Bool {
        let type = tvp_filesystem_type(path)
        return type == tmpfsMagic || type == ramfsMagic
    }

    /// Bytes an unprivileged user may still write on the file system holding `path`; nil when it
    /// cannot be examined.
    public static func freeBytes(_ path: String) -> Int? {
        let bytes = tvp_filesystem_free_bytes(path)
        return bytes < 0 ? nil : Int(bytes)
    }

    private static let tmpfsMagic: Int64 = 0x0102_1994
    private static let ramfsMagic: Int64 = 0x8584_58F6
    // linux/magic.h
    private static let names: [Int64: String] = [
        tmpfsMagic: "tmpfs", ramfsMagic: "ramfs", 0xEF53: "ext4", 0x5846_5342: "xfs", 0x9123_683E: "btrfs",
        0x794C_7630: "overlayfs", 0x6969: "nfs", 0x2FC1_2FC1: "zfs", 0x6573_5546: "fuse", 0x0000_4D44: "vfat",
        0xF2F5_2010: "f2fs", 0x0027_e0eb: "cgroup", 0x0102_1997: "9p",
    ]
}
