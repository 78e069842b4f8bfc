#define _GNU_SOURCE
#include "tvp_system.h"

#include <dirent.h>
#include <linux/futex.h>
#include <time.h>
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/file.h>
#include <sys/statfs.h>
#include <sys/socket.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

int tvp_spawn_file_actions_addclosefrom(posix_spawn_file_actions_t *actions, int from) {
    return posix_spawn_file_actions_addclosefrom_np(actions, from);
}

int tvp_set_parent_death_signal(int signal) { return prctl(PR_SET_PDEATHSIG, (unsigned long)signal, 0, 0, 0); }

int tvp_pidfd_open(pid_t pid) { return (int)syscall(SYS_pidfd_open, pid, 0); }

int tvp_reserve_file_space(int fd, off_t offset, off_t length) {
    return fallocate(fd, FALLOC_FL_KEEP_SIZE, offset, length);
}

long long tvp_filesystem_type(const char *path) {
    struct statfs info;
    if (statfs(path, &info) != 0) return -1;
    return (long long)info.f_type;
}

long long tvp_filesystem_free_bytes(const char *path) {
    struct statvfs info;
    if (statvfs(path, &info) != 0) return -1;
    return (long long)info.f_bavail * (long long)info.f_frsize;
}

int tvp_lock_exclusive_nowait(int fd) { return flock(fd, LOCK_EX | LOCK_NB); }

int tvp_has_unreaped_child(void) {
    siginfo_t info;
    memset(&info, 0, sizeof info);
    if (waitid(P_ALL, 0, &info, WEXITED | WNOHANG | WNOWAIT) != 0) return errno == ECHILD ? 0 : -1;
    return info.si_pid != 0;
}

int tvp_child_has_ended(pid_t pid) {
    siginfo_t info;
    memset(&info, 0, sizeof info);
    if (waitid(P_PID, (id_t)pid, &info, WEXITED | WNOHANG | WNOWAIT) != 0) return -1;
    return info.si_pid != 0;
}

// ---- Signals -------------------------------------------------------------------------------
// Everything the handler touches is a lock-free atomic or a static buffer written before its
// slot is published; it calls only async-signal-safe functions (write, open, getdents64, unlinkat,
// rmdir, close, _exit). shm_unlink is glibc's unlink of /dev/shm/NAME, done here by hand.

static atomic_int received_signal = 0;
static atomic_int signal_count = 0;
static atomic_int escalates = 1;  // 0: a supervising tvp decides what a second signal does
static int wake_pipe[2] = {-1, -1};

enum { cleanup_slots = 64, cleanup_path_bytes = 4096 };
static atomic_int cleanup_kind[cleanup_slots];  // 0 free, -1 being written, else a tvp_cleanup_kind
static char cleanup_path[cleanup_slots][cleanup_path_bytes];

static void write_text(const char *text) {
    ssize_t ignored = write(2, text, strlen(text));
    (void)ignored;
}

static void remove_flat_directory(const char *path) {
    int dir = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir < 0) return;
    char buffer[4096];
    for (;;) {
        long n = syscall(SYS_getdents64, dir, buffer, sizeof buffer);
        if (n <= 0) break;
        for (long offset = 0; offset < n;) {
            struct dirent64 *entry = (struct dirent64 *)(buffer + offset);
            offset += entry->d_reclen;
            const char *name = entry->d_name;
            if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0) continue;
            if (unlinkat(dir, name, 0) != 0 && errno == EISDIR) unlinkat(dir, name, AT_REMOVEDIR);
        }
    }
    close(dir);
    rmdir(path);
}

static void remove_shared_memory(const char *name) {
    char path[cleanup_path_bytes + 16] = "/dev/shm";
    size_t length = strlen(name);
    if (length + 9 > sizeof path) return;
    memcpy(path + 8, name, length + 1);
    unlink(path);
}

static void run_cleanup_slot(int slot) {
    int kind = atomic_load(&cleanup_kind[slot]);
    if (kind == TVP_CLEANUP_SHARED_MEMORY) remove_shared_memory(cleanup_path[slot]);
    if (kind == TVP_CLEANUP_FLAT_DIRECTORY) remove_flat_directory(cleanup_path[slot]);
}

static void run_cleanup(void) {
    for (int slot = 0; slot < cleanup_slots; slot++) run_cleanup_slot(slot);
}

static void handle_signal(int signal) {
    int saved = errno;
    if (atomic_fetch_add(&signal_count, 1) == 0) {
        atomic_store(&received_signal, signal);
        if (wake_pipe[1] >= 0) {
            char byte = 1;
            ssize_t ignored = write(wake_pipe[1], &byte, 1);
            (void)ignored;
        }
        errno = saved;
        return;
    }
    if (!atomic_load(&escalates)) {
        errno = saved;
        return;
    }
    // A second signal: the user insists. Remove what would be left, say so, and end now; worker
    // processes die with tvp (they asked for PR_SET_PDEATHSIG).
    run_cleanup();
    write_text(signal == SIGINT ? "\ntvp: second SIGINT: stopped at once; temporary files removed, "
                                  "summary.csv and meta.json not written\n"
                                : "\ntvp: second SIGTERM: stopped at once; temporary files removed, "
                                  "summary.csv and meta.json not written\n");
    _exit(128 + signal);
}

int tvp_interrupt_install(int escalate) {
    atomic_store(&escalates, escalate ? 1 : 0);
    if (wake_pipe[0] < 0 && pipe2(wake_pipe, O_CLOEXEC | O_NONBLOCK) != 0) return -1;
    sigset_t unblock;
    sigemptyset(&unblock);
    sigaddset(&unblock, SIGINT);
    sigaddset(&unblock, SIGTERM);
    if (pthread_sigmask(SIG_UNBLOCK, &unblock, NULL) != 0) return -1;
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = handle_signal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = 0;  // no SA_RESTART: blocking calls return EINTR, so waits end early
    if (sigaction(SIGINT, &action, NULL) != 0 || sigaction(SIGTERM, &action, NULL) != 0) return -1;
    return 0;
}

int tvp_interrupt_count(void) { return atomic_load(&signal_count); }

int tvp_interrupt_received(void) { return atomic_load_explicit(&received_signal, memory_order_relaxed); }

int tvp_interrupt_wake_descriptor(void) { return wake_pipe[0]; }

int tvp_cleanup_register(int kind, const char *path) {
    size_t length = strlen(path);
    if (length >= cleanup_path_bytes) return -1;
    for (int slot = 0; slot < cleanup_slots; slot++) {
        int expected = 0;
        if (atomic_compare_exchange_strong(&cleanup_kind[slot], &expected, -1)) {
            memcpy(cleanup_path[slot], path, length + 1);
            atomic_store(&cleanup_kind[slot], kind);
            return slot;
        }
    }
    return -1;
}

void tvp_cleanup_unregister(int slot) {
    if (slot >= 0 && slot < cleanup_slots) atomic_store(&cleanup_kind[slot], 0);
}

void tvp_cleanup_run_now(int slot) {
    if (slot < 0 || slot >= cleanup_slots) return;
    run_cleanup_slot(slot);
    tvp_cleanup_unregister(slot);
}

int tvp_release_free_memory(void) { return malloc_trim(0); }

// A mask of `count` CPU ids, allocated for TVP_MAX_CPUS; NULL with errno set when an id is out of range.
static cpu_set_t *tvp_cpu_mask(const int *cpus, int count, size_t *size) {
    *size = CPU_ALLOC_SIZE(TVP_MAX_CPUS);
    cpu_set_t *mask = CPU_ALLOC(TVP_MAX_CPUS);
    if (!mask) return NULL;
    CPU_ZERO_S(*size, mask);
    for (int i = 0; i < count; i++) {
        if (cpus[i] < 0 || cpus[i] >= TVP_MAX_CPUS) {
            CPU_FREE(mask);
            errno = EINVAL;
            return NULL;
        }
        CPU_SET_S(cpus[i], *size, mask);
    }
    return mask;
}

int tvp_set_thread_cpus(pid_t tid, const int *cpus, int count) {
    size_t size;
    cpu_set_t *mask = tvp_cpu_mask(cpus, count, &size);
    if (!mask) return -1;
    int result = sched_setaffinity(tid, size, mask);
    int saved = errno;
    CPU_FREE(mask);
    errno = saved;
    return result;
}

int tvp_thread_cpus(pid_t tid, int *cpus, int capacity) {
    size_t size = CPU_ALLOC_SIZE(TVP_MAX_CPUS);
    cpu_set_t *mask = CPU_ALLOC(TVP_MAX_CPUS);
    if (!mask) return -1;
    CPU_ZERO_S(size, mask);
    if (sched_getaffinity(tid, size, mask) != 0) {
        int saved = errno;
        CPU_FREE(mask);
        errno = saved;
        return -1;
    }
    int found = 0;
    for (int cpu = 0; cpu < TVP_MAX_CPUS; cpu++) {
        if (!CPU_ISSET_S(cpu, size, mask)) continue;
        if (found < capacity) cpus[found] = cpu;
        found++;
    }
    CPU_FREE(mask);
    return found;
}

int tvp_thread_attr_set_cpus(pthread_attr_t *attributes, const int *cpus, int count) {
    size_t size;
    cpu_set_t *mask = tvp_cpu_mask(cpus, count, &size);
    if (!mask) return errno;
    int result = pthread_attr_setaffinity_np(attributes, size, mask);
    CPU_FREE(mask);
    return result;
}

pid_t tvp_thread_id(void) { return gettid(); }

int tvp_current_cpu(void) { return sched_getcpu(); }

// A single-producer, single-consumer ring of fixed-size messages (the `message` workload's `ring`
// and `shm` channels). The producer owns `tail`, the consumer `head`; each side waits on a futex
// word of its own when it cannot go on, and the other side bumps and wakes it only when it says it
// waits (a Dekker pair of sequentially consistent stores and loads: one of the two always sees
// the other). Futexes are not private: the ring may lie in a mapping shared by processes. Waits
// are bounded (100 ms) so that a closed ring is noticed even if a wake-up was lost to a death.
struct tvp_ring {
    _Alignas(64) _Atomic uint64_t tail;
    _Atomic uint32_t data_futex;
    _Atomic uint32_t consumer_waiting;
    _Alignas(64) _Atomic uint64_t head;
    _Atomic uint32_t space_futex;
    _Atomic uint32_t producer_waiting;
    _Alignas(64) _Atomic uint32_t closed;
    uint32_t slots;
    uint32_t message_size;
    _Alignas(64) unsigned char data[];
};

size_t tvp_ring_size(uint32_t slots, uint32_t message_size) {
    size_t bytes = sizeof(struct tvp_ring) + (size_t)slots * message_size;
    return (bytes + 63) & ~(size_t)63;
}

void tvp_ring_init(void *memory, uint32_t slots, uint32_t message_size) {
    struct tvp_ring *ring = memory;
    memset(ring, 0, sizeof *ring);
    ring->slots = slots;
    ring->message_size = message_size;
}

static void ring_wait(_Atomic uint32_t *word, uint32_t seen) {
    struct timespec timeout = { 0, 100 * 1000 * 1000 };
    syscall(SYS_futex, (uint32_t *)word, FUTEX_WAIT, seen, &timeout, NULL, 0);
}

static void ring_wake(_Atomic uint32_t *word, int all) {
    atomic_fetch_add(word, 1);
    syscall(SYS_futex, (uint32_t *)word, FUTEX_WAKE, all ? INT32_MAX : 1, NULL, NULL, 0);
}

int tvp_ring_send(void *memory, const void *message) {
    struct tvp_ring *ring = memory;
    uint64_t tail = atomic_load_explicit(&ring->tail, memory_order_relaxed);
    for (int spins = 0;; spins++) {
        if (atomic_load(&ring->closed)) { errno = EPIPE; return -1; }
        if (tail - atomic_load_explicit(&ring->head, memory_order_acquire) < ring->slots) break;
        if (spins < 100) continue;
        uint32_t seen = atomic_load(&ring->space_futex);
        atomic_store(&ring->producer_waiting, 1);
        if (tail - atomic_load(&ring->head) >= ring->slots && !atomic_load(&ring->closed)) ring_wait(&ring->space_futex, seen);
        atomic_store(&ring->producer_waiting, 0);
    }
    memcpy(ring->data + (tail % ring->slots) * ring->message_size, message, ring->message_size);
    atomic_store(&ring->tail, tail + 1);
    if (atomic_load(&ring->consumer_waiting)) ring_wake(&ring->data_futex, 0);
    return 0;
}

int tvp_ring_receive(void *memory, void *buffer) {
    struct tvp_ring *ring = memory;
    uint64_t head = atomic_load_explicit(&ring->head, memory_order_relaxed);
    for (int spins = 0;; spins++) {
        if (atomic_load_explicit(&ring->tail, memory_order_acquire) != head) break;
        if (atomic_load(&ring->closed)) { errno = EPIPE; return -1; }
        if (spins < 100) continue;
        uint32_t seen = atomic_load(&ring->data_futex);
        atomic_store(&ring->consumer_waiting, 1);
        if (atomic_load(&ring->tail) == head && !atomic_load(&ring->closed)) ring_wait(&ring->data_futex, seen);
        atomic_store(&ring->consumer_waiting, 0);
    }
    memcpy(buffer, ring->data + (head % ring->slots) * ring->message_size, ring->message_size);
    atomic_store(&ring->head, head + 1);
    if (atomic_load(&ring->producer_waiting)) ring_wake(&ring->space_futex, 0);
    return 0;
}

void tvp_ring_close(void *memory) {
    struct tvp_ring *ring = memory;
    atomic_store(&ring->closed, 1);
    ring_wake(&ring->data_futex, 1);
    ring_wake(&ring->space_futex, 1);
}

long tvp_send_descriptors(int socket, const int *descriptors, int count, const void *data, size_t length) {
    if (count < 0 || count > TVP_DESCRIPTORS_PER_MESSAGE || length == 0) {
        errno = EINVAL;
        return -1;
    }
    union {
        char bytes[CMSG_SPACE(sizeof(int) * TVP_DESCRIPTORS_PER_MESSAGE)];
        struct cmsghdr align;
    } control;
    memset(&control, 0, sizeof control);
    struct iovec vector = { .iov_base = (void *)data, .iov_len = length };
    struct msghdr message = { .msg_iov = &vector, .msg_iovlen = 1 };
    if (count > 0) {
        message.msg_control = control.bytes;
        message.msg_controllen = CMSG_SPACE(sizeof(int) * (size_t)count);
        struct cmsghdr *header = CMSG_FIRSTHDR(&message);
        header->cmsg_level = SOL_SOCKET;
        header->cmsg_type = SCM_RIGHTS;
        header->cmsg_len = CMSG_LEN(sizeof(int) * (size_t)count);
        memcpy(CMSG_DATA(header), descriptors, sizeof(int) * (size_t)count);
    }
    return (long)sendmsg(socket, &message, MSG_NOSIGNAL | MSG_DONTWAIT);
}

long tvp_receive_descriptors(int socket, int *descriptors, int *received, void *data, size_t length) {
    union {
        char bytes[CMSG_SPACE(sizeof(int) * TVP_DESCRIPTORS_PER_MESSAGE)];
        struct cmsghdr align;
    } control;
    struct iovec vector = { .iov_base = data, .iov_len = length };
    struct msghdr message = { .msg_iov = &vector, .msg_iovlen = 1, .msg_control = control.bytes,
                              .msg_controllen = sizeof control.bytes };
    *received = 0;
    ssize_t bytes = recvmsg(socket, &message, MSG_CMSG_CLOEXEC);
    if (bytes < 0) return -1;
    for (struct cmsghdr *header = CMSG_FIRSTHDR(&message); header != NULL; header = CMSG_NXTHDR(&message, header)) {
        if (header->cmsg_level != SOL_SOCKET || header->cmsg_type != SCM_RIGHTS) continue;
        int count = (int)((header->cmsg_len - CMSG_LEN(0)) / sizeof(int));
        for (int index = 0; index < count; index++) {
            int descriptor;
            memcpy(&descriptor, CMSG_DATA(header) + sizeof(int) * (size_t)index, sizeof(int));
            if (*received < TVP_DESCRIPTORS_PER_MESSAGE) descriptors[(*received)++] = descriptor;
            else close(descriptor);
        }
    }
    if (message.msg_flags & MSG_CTRUNC) {
        for (int index = 0; index < *received; index++) close(descriptors[index]);
        *received = 0;
        errno = EMFILE;
        return -1;
    }
    return (long)bytes;
}

// The thread tick: a real-time signal whose handler does nothing. Its only effect is that a
// blocking system call of the thread it is sent to returns EINTR.
static void tvp_thread_tick_handler(int signal) { (void)signal; }

static int tvp_thread_tick_signal(void) { return SIGRTMIN + 4; }

long long tvp_thread_tick_start(long long interval_ns)
{
    if (interval_ns <= 0) {
        errno = EINVAL;
        return -1;
    }
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = tvp_thread_tick_handler;
    sigemptyset(&action.sa_mask);
    action.sa_flags = 0; // no SA_RESTART: the point is to end a blocking read
    if (sigaction(tvp_thread_tick_signal(), &action, NULL) != 0)
        return -1;
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, tvp_thread_tick_signal());
    pthread_sigmask(SIG_UNBLOCK, &set, NULL);
    struct sigevent event;
    memset(&event, 0, sizeof event);
    event.sigev_notify = SIGEV_THREAD_ID;
    event.sigev_signo = tvp_thread_tick_signal();
    event._sigev_un._tid = (pid_t)syscall(SYS_gettid);
    timer_t timer;
    if (timer_create(CLOCK_MONOTONIC, &event, &timer) != 0)
        return -1;
    struct itimerspec spec;
    spec.it_interval.tv_sec = interval_ns / 1000000000LL;
    spec.it_interval.tv_nsec = interval_ns % 1000000000LL;
    spec.it_value = spec.it_interval;
    if (timer_settime(timer, 0, &spec, NULL) != 0) {
        int saved = errno;
        timer_delete(timer);
        errno = saved;
        return -1;
    }
    return (long long)(intptr_t)timer;
}

int tvp_thread_tick_stop(long long timer)
{
    return timer_delete((timer_t)(intptr_t)timer);
}
