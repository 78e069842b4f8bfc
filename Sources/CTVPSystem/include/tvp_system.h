#ifndef TVP_SYSTEM_SHIM_H
#define TVP_SYSTEM_SHIM_H
// The few Linux calls TVPSystem needs that Swift's Glibc module does not export (GNU extensions,
// variadic functions) and the signal handler, which must be async-signal-safe C.
#include <stdint.h>
#include <stddef.h>
#include <pthread.h>
#include <spawn.h>
#include <sys/types.h>

/// Adds "close every descriptor from `from` up" to `actions`
/// (`posix_spawn_file_actions_addclosefrom_np`, glibc 2.34). Returns 0 or an error number.
int tvp_spawn_file_actions_addclosefrom(posix_spawn_file_actions_t *actions, int from);

/// Asks the kernel to send `signal` to the calling process when its parent (the thread that
/// spawned it) ends (`prctl(PR_SET_PDEATHSIG)`). Returns 0, or -1 with errno set.
int tvp_set_parent_death_signal(int signal);

/// A descriptor that becomes readable when process `pid` ends (`pidfd_open`, Linux 5.3).
/// Returns it, or -1 with errno set.
int tvp_pidfd_open(pid_t pid);

/// Starts a timer that interrupts the calling thread every `interval_ns` nanoseconds: a real-time
/// signal with a handler that does nothing, installed without SA_RESTART, sent to this thread
/// alone (`timer_create` with SIGEV_THREAD_ID, CLOCK_MONOTONIC). A blocking `read` of that thread
/// then returns EINTR at least that often, so it can wait on one pipe without `poll` and still
/// look at deadlines and signals. Returns an identifier for `tvp_thread_tick_stop`, or -1 with
/// errno set.
long long tvp_thread_tick_start(long long interval_ns);

/// Deletes a timer started by `tvp_thread_tick_start` (a tick already sent may still arrive and
/// is ignored). Returns 0, or -1 with errno set.
int tvp_thread_tick_stop(long long timer);

/// Allocates `length` bytes of the file from `offset` without changing its size
/// (`fallocate(FALLOC_FL_KEEP_SIZE)`). Returns 0, or -1 with errno set.
int tvp_reserve_file_space(int fd, off_t offset, off_t length);

/// The file-system type (`statfs` f_type, e.g. 0x01021994 for tmpfs) of `path`, or -1 with errno set.
long long tvp_filesystem_type(const char *path);

/// Bytes available to an unprivileged user on the file system holding `path` (`statvfs`
/// f_bavail × f_frsize), or -1 with errno set.
long long tvp_filesystem_free_bytes(const char *path);

/// Locks the open file `fd` exclusively without waiting (`flock(LOCK_EX | LOCK_NB)`). Returns 0,
/// or -1 with errno set (EWOULDBLOCK: another open file holds the lock).
int tvp_lock_exclusive_nowait(int fd);

/// Whether the calling process has a child that ended and was not reaped (`waitid(P_ALL,
/// WEXITED | WNOHANG | WNOWAIT)`, which reaps nothing): 1 or 0, or -1 with errno set.
int tvp_has_unreaped_child(void);

/// Whether the child `pid` has ended, without reaping it (`waitid(P_PID, WEXITED | WNOHANG |
/// WNOWAIT)`): 1 or 0, or -1 with errno set.
int tvp_child_has_ended(pid_t pid);

/// Installs the SIGINT and SIGTERM handlers (`sigaction`, no SA_RESTART) and unblocks both. The
/// first signal is recorded and wakes `tvp_interrupt_wake_descriptor()`; a second one removes the
/// registered clean-up paths and ends the process at once with 128 + its number, unless `escalate`
/// is 0 (a supervising tvp forwards signals and decides). Returns 0, or -1 with errno set.
int tvp_interrupt_install(int escalate);

/// How many SIGINT and SIGTERM signals were received.
int tvp_interrupt_count(void);

/// The first SIGINT or SIGTERM received, 0 when none.
int tvp_interrupt_received(void);

/// The read end of a pipe that becomes readable when the first signal arrives; -1 before
/// `tvp_interrupt_install`.
int tvp_interrupt_wake_descriptor(void);

/// What a forced exit removes.
enum tvp_cleanup_kind {
    /// A POSIX shared-memory object, by name (`shm_unlink`).
    TVP_CLEANUP_SHARED_MEMORY = 1,
    /// A directory holding only files: its files, then itself.
    TVP_CLEANUP_FLAT_DIRECTORY = 2,
};

/// Registers `path` for removal if a second signal forces the process to end. Returns a slot for
/// `tvp_cleanup_unregister`, or -1 when the table is full or the path too long.
int tvp_cleanup_register(int kind, const char *path);

/// Forgets the registration in `slot` (the caller removed the path itself).
void tvp_cleanup_unregister(int slot);

/// Runs the forced exit's clean-up of one registration now, without exiting (for tests), and
/// forgets it.
void tvp_cleanup_run_now(int slot);
/// Returns the free memory of every malloc arena to the kernel (`malloc_trim(0)`, a glibc
/// extension Swift's Glibc module does not export). Returns 1 when memory was released, else 0.
int tvp_release_free_memory(void);

/// The largest CPU id the affinity calls below take, plus one.
#define TVP_MAX_CPUS 8192

/// Lets thread `tid` (0: the calling thread) run only on the `count` CPU ids of `cpus`
/// (`sched_setaffinity` with a mask of those CPUs). Returns 0, or -1 with errno set (EINVAL: no
/// CPU of the mask is online and allowed to this process, or an id is beyond TVP_MAX_CPUS).
int tvp_set_thread_cpus(pid_t tid, const int *cpus, int count);

/// Writes the ids of the CPUs thread `tid` (0: the calling thread) may run on, ascending, into
/// `cpus` (at most `capacity`) (`sched_getaffinity`). Returns how many there are, or -1 with errno set.
int tvp_thread_cpus(pid_t tid, int *cpus, int capacity);

/// Sets in `attributes` the `count` CPU ids of `cpus` a thread created with them may run on
/// (`pthread_attr_setaffinity_np`): `pthread_create` then fails rather than start it elsewhere.
/// Returns 0 or an error number.
int tvp_thread_attr_set_cpus(pthread_attr_t *attributes, const int *cpus, int count);

/// The calling thread's kernel id (`gettid`).
pid_t tvp_thread_id(void);

/// The CPU the calling thread is running on now (`sched_getcpu`), or -1 with errno set.
int tvp_current_cpu(void);

/// Bytes a message ring of `slots` messages of `message_size` bytes takes (header included), a
/// multiple of 64 so that rings placed one after another keep their cache lines apart.
size_t tvp_ring_size(uint32_t slots, uint32_t message_size);

/// Makes an empty ring at `memory` (zeroed, `tvp_ring_size` bytes, 64-byte aligned): one producer,
/// one consumer, which may be threads of one process or processes sharing the mapping.
void tvp_ring_init(void *memory, uint32_t slots, uint32_t message_size);

/// Copies `message` (the ring's message size) into the ring, waiting on a futex while it is full.
/// Returns 0, or -1 when the ring was closed (errno EPIPE).
int tvp_ring_send(void *ring, const void *message);

/// Copies the next message into `buffer`, waiting on a futex while the ring is empty. Returns 0,
/// or -1 when the ring was closed and is empty (errno EPIPE).
int tvp_ring_receive(void *ring, void *buffer);

/// Closes the ring and wakes every waiter of both sides (idempotent).
void tvp_ring_close(void *ring);

/// The most descriptors one `tvp_send_descriptors` message carries (the kernel's SCM_MAX_FD is 253).
#define TVP_DESCRIPTORS_PER_MESSAGE 250

/// Sends `length` bytes of `data` (at least 1) and the `count` descriptors of `descriptors` (at
/// most TVP_DESCRIPTORS_PER_MESSAGE) as one message on the Unix domain socket `socket` (`sendmsg`
/// with `SCM_RIGHTS`, `MSG_NOSIGNAL | MSG_DONTWAIT`): the receiver gets copies of the descriptors.
/// Returns the bytes sent, or -1 with errno set (EAGAIN: the socket is full; EPIPE: the other end
/// is closed).
long tvp_send_descriptors(int socket, const int *descriptors, int count, const void *data, size_t length);

/// Receives one message from the Unix domain socket `socket` (`recvmsg`, `MSG_CMSG_CLOEXEC`): at
/// most `length` bytes into `data`, and the descriptors it carries (at most
/// TVP_DESCRIPTORS_PER_MESSAGE) into `descriptors`, their count into `*received`. Returns the bytes
/// received (0: the other end closed), or -1 with errno set; when the kernel could not install
/// every descriptor (`MSG_CTRUNC`, e.g. this process's descriptor limit), those it did are closed
/// and errno is EMFILE.
long tvp_receive_descriptors(int socket, int *descriptors, int *received, void *data, size_t length);

#endif
