import TVPSystem

/// Executables put in the page cache as a run keeps its workers before the trials of a process mode
/// (`ProgramPages`): for `tvp program-pages`, with which benchmarks/limits.sh times other programs
/// in the same state as the worker.
public enum KeptPrograms {
    /// Puts `path` in the page cache as tvp keeps its workers, and returns how many KiB of it the
    /// cache then holds in 2 MiB folios; nil when the file cannot be read or mapped.
    public static func keep(_ path: String) -> Int? {
        guard ProgramPages.reread(path), let bytes = ProgramPages.hugeMappedBytes(path) else { return nil }
        return bytes / 1024
    }

    /// The largest file `keep` reads, in MiB.
    public static var largestFileMiB: Int { ProgramPages.largestFile >> 20 }
}
