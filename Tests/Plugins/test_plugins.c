// Plugins that misbehave on purpose, for tvp's tests (built by the tests with cc).
//   -DTVP_TEST_ABI=N     report ABI version N instead of the header's
//   -DTVP_TEST_NO_ABI    export no tvp_task_abi_version at all
#define _GNU_SOURCE  // sched_getcpu, CPU_ISSET
#include "tvp_task.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#if defined(TVP_TEST_ABI)
TVP_TASK_EXPORT uint32_t tvp_task_abi_version(void) { return TVP_TEST_ABI; }
#elif !defined(TVP_TEST_NO_ABI)
TVP_TASK_ABI
#endif

static atomic_ulong calls_in_process;

static void digest_of(uint64_t index, uint64_t count, const unsigned char *input, size_t size, const char *parameter,
                      uint64_t extra, unsigned char digest[TVP_TASK_DIGEST_SIZE]) {
    tvp_digest d;
    tvp_digest_init(&d);
    tvp_digest_update_u64(&d, index);
    tvp_digest_update_u64(&d, count);
    tvp_digest_update_u64(&d, extra);
    tvp_digest_update(&d, parameter, strlen(parameter));
    if (input) tvp_digest_update(&d, input, size);
    tvp_digest_final(&d, digest);
}

// A real bad memory access (SIGSEGV): the address comes from a volatile, so the compiler cannot
// see that it is NULL and drop the store.
static volatile uintptr_t nowhere = 0;
static void crash(void) { *(volatile int *)nowhere = 1; }

/// Behaves: a digest of everything it was given.
TVP_TASK_EXPORT int good(uint64_t i, uint64_t n, const unsigned char *in, size_t size, const char *p, void *s,
                         unsigned char *digest, char *error, size_t error_size) {
    (void)s; (void)error; (void)error_size;
    digest_of(i, n, in, size, p, 0, digest);
    return 0;
}

/// Task 1 returns an error with a message; the others succeed.
TVP_TASK_EXPORT int fails(uint64_t i, uint64_t n, const unsigned char *in, size_t size, const char *p, void *s,
                          unsigned char *digest, char *error, size_t error_size) {
    (void)s;
    if (i == 1) return tvp_task_fail(error, error_size, "the input file widgets.dat is missing (on purpose)");
    digest_of(i, n, in, size, p, 0, digest);
    return 0;
}

/// Task 1 dereferences NULL.
TVP_TASK_EXPORT int crashes(uint64_t i, uint64_t n, const unsigned char *in, size_t size, const char *p, void *s,
                            unsigned char *digest, char *error, size_t error_size) {
    (void)s; (void)error; (void)error_size;
    if (i == 1) crash();
    digest_of(i, n, in, size, p, 0, digest);
    return 0;
}

/// The digest depends on how many calls this process made before: nondeterministic.
TVP_TASK_EXPORT int flaky(uint64_t i, uint64_t n, const unsigned char *in, size_t size, const char *p, void *s,
                          unsigned char *digest, char *error, size_t error_size) {
    (void)s; (void)error; (void)error_size;
    digest_of(i, n, in, size, p, atomic_fetch_add(&calls_in_process, 1), digest);
    return 0;
}

/// Crashes on its second call in one process (a process per task never sees it; a pool worker does).
TVP_TASK_EXPORT int crashes_when_reused(uint64_t i, uint64_t n, const unsigned char *in, size_t size, const char *p,
                                        void *s, unsigned char *digest, char *error, size_t error_size) {
    (void)s; (void)error; (void)error_size;
    if (atomic_fetch_add(&calls_in_process, 1) == 1) crash();
    digest_of(i, n, in, size, p, 0, digest);
    return 0;
}

/// Crashes on call number `parameter` (counted from 1) in one process.
TVP_TASK_EXPORT int crashes_at_call(uint64_t i, uint64_t n, const unsigned char *in, size_t size, const char *p,
                                    void *s, unsigned char *digest, char *error, size_t error_size) {
    (void)s; (void)error; (void)error_size;
    if (atomic_fetch_add(&calls_in_process, 1) + 1 == strtoul(p, NULL, 10)) crash();
    digest_of(i, n, in, size, p, 0, digest);
    return 0;
}

/// Its set-up fails with a message.
TVP_TASK_EXPORT int setup_fails_setup(const char *p, void **state, char *error, size_t error_size) {
    (void)p; (void)state;
    return tvp_task_fail(error, error_size, "cannot reach the license server (on purpose)");
}

TVP_TASK_EXPORT int setup_fails(uint64_t i, uint64_t n, const unsigned char *in, size_t size, const char *p, void *s,
                                unsigned char *digest, char *error, size_t error_size) {
    return good(i, n, in, size, p, s, digest, error, error_size);
}

/// Set-up and tear-down append "setup PID" and "teardown PID" to the file the parameter names.
static void mark(const char *path, const char *what) {
    FILE *f = fopen(path, "a");
    if (f) { fprintf(f, "%s %d\n", what, (int)getpid()); fclose(f); }
}

TVP_TASK_EXPORT int counted_setup(const char *p, void **state, char *error, size_t error_size) {
    char *path = strdup(p);
    if (path == NULL) return tvp_task_fail(error, error_size, "out of memory");
    mark(path, "setup");
    *state = path;
    return 0;
}

TVP_TASK_EXPORT void counted_teardown(void *state) {
    mark((const char *)state, "teardown");
    free(state);
}

TVP_TASK_EXPORT int counted(uint64_t i, uint64_t n, const unsigned char *in, size_t size, const char *p, void *s,
                            unsigned char *digest, char *error, size_t error_size) {
    if (s == NULL) return tvp_task_fail(error, error_size, "called without the state its set-up made");
    return good(i, n, in, size, p, s, digest, error, error_size);
}

/// Sleeps 20 ms inside the call, counting the calls in flight at once; its tear-down appends
/// "inflight MAX PID" to the file the parameter names.
static atomic_int in_flight, most_in_flight;

TVP_TASK_EXPORT int inflight_setup(const char *p, void **state, char *error, size_t error_size) {
    return counted_setup(p, state, error, error_size);
}

TVP_TASK_EXPORT void inflight_teardown(void *state) {
    FILE *f = fopen((const char *)state, "a");
    if (f) { fprintf(f, "inflight %d %d\n", atomic_load(&most_in_flight), (int)getpid()); fclose(f); }
    free(state);
}

TVP_TASK_EXPORT int inflight(uint64_t i, uint64_t n, const unsigned char *in, size_t size, const char *p, void *s,
                             unsigned char *digest, char *error, size_t error_size) {
    int now = atomic_fetch_add(&in_flight, 1) + 1;
    int most = atomic_load(&most_in_flight);
    while (now > most && !atomic_compare_exchange_weak(&most_in_flight, &most, now)) {}
    usleep(20000);
    atomic_fetch_sub(&in_flight, 1);
    return good(i, n, in, size, p, s, digest, error, error_size);
}

/// Ends the process that calls it, on call number `parameter` in one process: "exit:N" calls
/// exit(0), "_exit:N" _exit(0), "abort:N" abort().
TVP_TASK_EXPORT int ends_process(uint64_t i, uint64_t n, const unsigned char *in, size_t size, const char *p, void *s,
                                 unsigned char *digest, char *error, size_t error_size) {
    const char *colon = strchr(p, ':');
    unsigned long at = colon ? strtoul(colon + 1, NULL, 10) : 1;
    if (atomic_fetch_add(&calls_in_process, 1) + 1 == at) {
        if (strncmp(p, "exit:", 5) == 0) exit(0);
        if (strncmp(p, "_exit:", 6) == 0) _exit(0);
        if (strncmp(p, "abort:", 6) == 0) abort();
    }
    return good(i, n, in, size, p, s, digest, error, error_size);
}

/// Its set-up changes the working directory to the folder the parameter names.
TVP_TASK_EXPORT int changes_directory_setup(const char *p, void **state, char *error, size_t error_size) {
    (void)state;
    if (chdir(p) != 0) return tvp_task_fail(error, error_size, "chdir failed");
    return 0;
}

TVP_TASK_EXPORT int changes_directory(uint64_t i, uint64_t n, const unsigned char *in, size_t size, const char *p, void *s,
                                      unsigned char *digest, char *error, size_t error_size) {
    return good(i, n, in, size, p, s, digest, error, error_size);
}

/// Loops forever from call number `parameter` in one process (earlier calls behave).
TVP_TASK_EXPORT int loops_at_call(uint64_t i, uint64_t n, const unsigned char *in, size_t size, const char *p, void *s,
                                  unsigned char *digest, char *error, size_t error_size) {
    if (atomic_fetch_add(&calls_in_process, 1) + 1 >= strtoul(p, NULL, 10)) {
        for (volatile unsigned long spin = 0;; spin++) {}
    }
    return good(i, n, in, size, p, s, digest, error, error_size);
}

/// Sleeps `parameter` milliseconds, then behaves.
TVP_TASK_EXPORT int sleeps(uint64_t i, uint64_t n, const unsigned char *in, size_t size, const char *p, void *s,
                           unsigned char *digest, char *error, size_t error_size) {
    usleep((useconds_t)strtoul(p, NULL, 10) * 1000);
    return good(i, n, in, size, p, s, digest, error, error_size);
}

/// Prints a line to standard output, then behaves.
TVP_TASK_EXPORT int prints(uint64_t i, uint64_t n, const unsigned char *in, size_t size, const char *p, void *s,
                           unsigned char *digest, char *error, size_t error_size) {
    printf("hello from task %llu\n", (unsigned long long)i);
    fflush(stdout);
    return good(i, n, in, size, p, s, digest, error, error_size);
}

/// Sleeps 2 ms (so that every thread of a pool gets tasks), then appends where it ran to the file
/// the parameter names, one line per call: "pid tid cpu allowed", the CPU from sched_getcpu and the
/// allowed CPUs (sched_getaffinity) as a comma-separated list. Then behaves.
TVP_TASK_EXPORT int where_ran(uint64_t i, uint64_t n, const unsigned char *in, size_t size, const char *p, void *s,
                              unsigned char *digest, char *error, size_t error_size) {
    usleep(2000);
    cpu_set_t mask;
    CPU_ZERO(&mask);
    if (sched_getaffinity(0, sizeof mask, &mask) != 0) return tvp_task_fail(error, error_size, "sched_getaffinity failed");
    char line[4096];
    int length = snprintf(line, sizeof line, "%d %d %d ", (int)getpid(), (int)gettid(), sched_getcpu());
    const char *separator = "";
    for (int cpu = 0; cpu < CPU_SETSIZE && length < (int)sizeof line - 16; cpu++) {
        if (!CPU_ISSET(cpu, &mask)) continue;
        length += snprintf(line + length, sizeof line - length, "%s%d", separator, cpu);
        separator = ",";
    }
    line[length++] = '\n';
    int fd = open(p, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) return tvp_task_fail(error, error_size, "cannot open the log file");
    // One write of one line: O_APPEND keeps lines of concurrent callers whole.
    ssize_t written = write(fd, line, (size_t)length);
    close(fd);
    if (written != length) return tvp_task_fail(error, error_size, "short write to the log file");
    return good(i, n, in, size, p, s, digest, error, error_size);
}
