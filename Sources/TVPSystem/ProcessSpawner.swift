import Glibc
import SystemPackage

/// Starts child processes with `posix_spawn`: never a shell, never `fork`.
public enum ProcessSpawner {
    /// Spawns `path` with `arguments` (argv[0] included) and `environment` ("NAME=value" entries;
    /// nil: the parent's environment).
    ///
    /// The child gets `stdin` (or `/dev/null`) as standard input, `stdout` as standard output and
    /// `stderr` as standard error (or the parent's); every other descriptor is closed in the child
    /// (tvp opens its own with `O_CLOEXEC`, and those it inherited are marked close-on-exec before
    /// the first spawn). Returns the child's pid. The error is `posix_spawn`'s own return code, not `errno`.
    public static func spawn(
        path: String, arguments: [String], stdin: FileDescriptor? = nil, stdout: FileDescriptor,
        stderr: FileDescriptor? = nil, environment: [String]? = nil
    ) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        try attempt("posix_spawn_file_actions_init") { () throws in
            try checkReturnCode(posix_spawn_file_actions_init(&actions))
        }
        defer { posix_spawn_file_actions_destroy(&actions) }
        if let stdin {
            try attempt("posix_spawn_file_actions_adddup2 stdin") { () throws in
                try checkReturnCode(posix_spawn_file_actions_adddup2(&actions, stdin.rawValue, 0))
            }
        } else {
            try attempt("posix_spawn_file_actions_addopen /dev/null") { () throws in
                try checkReturnCode(posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0))
            }
        }
        try attempt("posix_spawn_file_actions_adddup2") { () throws in
            try checkReturnCode(posix_spawn_file_actions_adddup2(&actions, stdout.rawValue, 1))
        }
        if let stderr {
            try attempt("posix_spawn_file_actions_adddup2 stderr") { () throws in
                try checkReturnCode(posix_spawn_file_actions_adddup2(&actions, stderr.rawValue, 2))
            }
        }
        _ = inheritedDescriptorsMarkedCloseOnExec

        var attributes = posix_spawnattr_t()
        try attempt("posix_spawnattr_init") { () throws in
            try checkReturnCode(posix_spawnattr_init(&attributes))
        }
        defer { posix_spawnattr_destroy(&attributes) }
        // The child starts with default signal dispositions and an empty mask, whatever the parent set.
        var defaultSignals = sigset_t()
        sigfillset(&defaultSignals)
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        posix_spawnattr_setsigdefault(&attributes, &defaultSignals)
        posix_spawnattr_setsigmask(&attributes, &emptyMask)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        let argv = arguments.map { strdup($0) }
        defer { argv.forEach { free($0) } }
        var argvNullTerminated = argv + [nil]

        let envp = environment?.map { strdup($0) }
        defer { envp?.forEach { free($0) } }
        let envpNullTerminated = envp.map { $0 + [nil] }

        var pid: pid_t = 0
        try attempt("posix_spawn \(path)") { () throws in
            if var list = envpNullTerminated {
                try checkReturnCode(posix_spawn(&pid, path, &actions, &attributes, &argvNullTerminated, &list))
            } else {
                try checkReturnCode(posix_spawn(&pid, path, &actions, &attributes, &argvNullTerminated, environ))
            }
        }
        return pid
    }
}

/// Marks every descriptor above 2 that this process inherited without `FD_CLOEXEC` as close-on-exec
/// (`fcntl(F_SETFD)`), once, so children never see them. (glibc's `addclosefrom_np` would do it per
/// spawn, but Swift's Glibc module does not export it.)
private let inheritedDescriptorsMarkedCloseOnExec: Void = {
    for name in Files.directoryEntries("/proc/self/fd") {
        guard let fd = CInt(name), fd > 2 else { continue }
        let flags = fcntl(fd, F_GETFD)
        if flags >= 0 && flags & FD_CLOEXEC == 0 { _ = fcntl(fd, F_SETFD, flags | FD_CLOEXEC) }
    }
}()
