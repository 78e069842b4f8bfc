import CTVPSystem
import Glibc
import SystemPackage

/// Starts child processes with `posix_spawn`: never a shell, never `fork`. Every call's error is
/// checked; the error is `posix_spawn*`'s own return code, not `errno`.
///
/// `ChildSupervisor` is the one user in tvp: it also reaps, enforces deadlines and makes children
/// die with tvp. A caller that spawns here must reap the child itself (`waitForChild`).
public enum ProcessSpawner {
    /// Spawns `path` with `arguments` (argv[0] included) and the parent's environment; the child
    /// gets `stdin` (or `/dev/null`) as standard input, `stdout` as standard output and keeps the
    /// parent's standard error. Returns the child's pid.
    public static func spawn(
        path: String, arguments: [String], stdin: FileDescriptor? = nil, stdout: FileDescriptor
    ) throws -> pid_t {
        try spawn(ChildLaunch(path: path, arguments: arguments, stdin: stdin.map(ChildDescriptor.descriptor) ?? .nullDevice,
                              stdout: .descriptor(stdout), diesWithParent: false))
    }

    /// Spawns `launch` with exactly its descriptors: `0..<launch.descriptors.count` are set up by
    /// the file actions, every higher one is closed in the child (`addclosefrom_np`), so a
    /// descriptor some library opened without `O_CLOEXEC` (Foundation's `Pipe()`) never leaks.
    /// Signals start at their default dispositions with an empty mask. `environment` stands in for
    /// `launch.environment` when that is nil (tvp's own environment when both are).
    public static func spawn(_ launch: ChildLaunch, environment: ChildEnvironment? = nil) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        try attempt("posix_spawn_file_actions_init") { () throws in
            try checkReturnCode(posix_spawn_file_actions_init(&actions))
        }
        defer { posix_spawn_file_actions_destroy(&actions) }
        // A source numbered below the child's range (other than its own target) would be overwritten
        // by an earlier dup2 in the child: such sources are first copied above the range.
        var copies: [CInt] = []
        defer { copies.forEach { _ = close($0) } }
        let count = CInt(launch.descriptors.count)
        for (target, descriptor) in zip(CInt(0)..., launch.descriptors) {
            var source: CInt
            switch descriptor {
            case .nullDevice:
                try attempt("posix_spawn_file_actions_addopen /dev/null as fd \(target)") { () throws in
                    try checkReturnCode(posix_spawn_file_actions_addopen(&actions, target, "/dev/null", O_RDWR, 0))
                }
                continue
            case .inherited:
                guard fcntl(target, F_GETFD) >= 0 else {
                    try attempt("posix_spawn_file_actions_addopen /dev/null as fd \(target)") { () throws in
                        try checkReturnCode(posix_spawn_file_actions_addopen(&actions, target, "/dev/null", O_RDWR, 0))
                    }
                    continue
                }
                source = target
            case .descriptor(let fd):
                source = fd.rawValue
            }
            if source < count && source != target {
                source = try attempt("fcntl(F_DUPFD_CLOEXEC) fd \(source)") { () throws in
                    try valueOrErrno { fcntl(source, F_DUPFD_CLOEXEC, count) }
                }
                copies.append(source)
            }
            // dup2 onto itself clears FD_CLOEXEC in the child (glibc 2.29 and later).
            try attempt("posix_spawn_file_actions_adddup2 \(source) to \(target)") { () throws in
                try checkReturnCode(posix_spawn_file_actions_adddup2(&actions, source, target))
            }
        }
        try attempt("posix_spawn_file_actions_addclosefrom_np \(count)") { () throws in
            try checkReturnCode(tvp_spawn_file_actions_addclosefrom(&actions, count))
        }

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
        try attempt("posix_spawnattr_setsigdefault") { () throws in
            try checkReturnCode(posix_spawnattr_setsigdefault(&attributes, &defaultSignals))
        }
        try attempt("posix_spawnattr_setsigmask") { () throws in
            try checkReturnCode(posix_spawnattr_setsigmask(&attributes, &emptyMask))
        }
        try attempt("posix_spawnattr_setflags") { () throws in
            try checkReturnCode(posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK)))
        }

        let argv = launch.arguments.map { strdup($0) }
        defer { argv.forEach { free($0) } }
        var argvNullTerminated = argv + [nil]

        var pid: pid_t = 0
        let spawnWith = { (envp: UnsafePointer<UnsafeMutablePointer<CChar>?>) throws in
            try attempt("posix_spawn \(launch.path)") { () throws in
                try checkReturnCode(posix_spawn(&pid, launch.path, &actions, &attributes, &argvNullTerminated, envp))
            }
        }
        if let chosen = launch.environment ?? environment {
            try chosen.withArray(spawnWith)
        } else {
            try spawnWith(environ)
        }
        return pid
    }
}
