/*
 * bench.h — the few helpers every reference program shares: failing with the name of the call
 * and errno, a monotonic clock, argument parsing, order statistics, pipes and child processes.
 *
 * Everything is `static inline`, so each program is still one translation unit (`cc prog.c`) and
 * a program that uses only some helpers gets no unused-function warnings.
 */
#ifndef TVP_BENCH_H
#define TVP_BENCH_H

#define _GNU_SOURCE /* F_SETPIPE_SZ, F_GETPIPE_SZ */

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Prints "PROGRAM: CALL failed: strerror(code) (errno N)" and exits 1.
 * `code` is passed in because posix_spawn and pthread_* return their error instead of setting errno. */
static inline _Noreturn void die_code(const char *call, int code)
{
    fprintf(stderr, "%s: %s failed: %s (errno %d)\n", program_invocation_short_name, call, strerror(code), code);
    exit(1);
}

/* Like die_code with the current errno, for calls that set it. */
static inline _Noreturn void die(const char *call)
{
    die_code(call, errno);
}

/* Prints "PROGRAM: message" on stderr. */
static inline void print_message(const char *format, va_list args)
{
    fprintf(stderr, "%s: ", program_invocation_short_name);
    vfprintf(stderr, format, args);
    fputc('\n', stderr);
}

/* A failure of the measurement itself (a child that misbehaved): prints it and exits 1. */
static inline _Noreturn void fail(const char *format, ...)
{
    va_list args;
    va_start(args, format);
    print_message(format, args);
    va_end(args);
    exit(1);
}

/* A bad command line: prints it and exits 2. */
static inline _Noreturn void usage_error(const char *format, ...)
{
    va_list args;
    va_start(args, format);
    print_message(format, args);
    va_end(args);
    exit(2);
}

/* Nanoseconds on CLOCK_MONOTONIC (never jumps with the wall clock). */
static inline uint64_t now_ns(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
        die("clock_gettime(CLOCK_MONOTONIC)");
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Parses a whole number between minimum and maximum, with an optional binary suffix (K, M, G for
 * KiB, MiB, GiB), or exits with a message naming `what`. */
static inline long long parse_count(const char *text, const char *what, long long minimum, long long maximum)
{
    char *end = NULL;
    errno = 0;
    long long value = strtoll(text, &end, 10);
    int shift = 0;
    if (errno == 0 && end != text) {
        switch (*end) {
        case 'K': shift = 10; end++; break;
        case 'M': shift = 20; end++; break;
        case 'G': shift = 30; end++; break;
        default: break;
        }
    }
    if (errno != 0 || end == text || *end != '\0' || value < 0 || value > (maximum >> shift)
        || (value << shift) < minimum)
        usage_error("%s must be a whole number from %lld to %lld (K, M, G suffixes allowed), got '%s'",
                    what, minimum, maximum, text);
    return value << shift;
}

static inline int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Sorts `values` in place. */
static inline void sort_doubles(double *values, size_t count)
{
    qsort(values, count, sizeof values[0], compare_doubles);
}

/* The median of sorted values (mean of the two middle ones for an even count). */
static inline double median_sorted(const double *sorted, size_t count)
{
    if (count == 0)
        return 0;
    return count % 2 ? sorted[count / 2] : (sorted[count / 2 - 1] + sorted[count / 2]) / 2;
}

/* The `percent`-th percentile (0..100) of sorted values, by the nearest-rank rule:
 * the smallest value with at least `percent` % of the values at or below it. */
static inline double percentile_sorted(const double *sorted, size_t count, unsigned percent)
{
    if (count == 0)
        return 0;
    size_t rank = (percent * count + 99) / 100; /* ceil(percent * count / 100) */
    if (rank < 1)
        rank = 1;
    return sorted[rank - 1];
}

/* Opens a close-on-exec pipe in `ends`, enlarged to `bytes` (F_SETPIPE_SZ) unless `bytes` is 0 (the
 * kernel's default), and returns the size the kernel granted (F_GETPIPE_SZ). */
static inline int make_pipe(int ends[2], int bytes)
{
    if (pipe2(ends, O_CLOEXEC) != 0)
        die("pipe2");
    if (bytes > 0 && fcntl(ends[1], F_SETPIPE_SZ, bytes) < 0)
        die("fcntl(F_SETPIPE_SZ)");
    int granted = fcntl(ends[1], F_GETPIPE_SZ);
    if (granted < 0)
        die("fcntl(F_GETPIPE_SZ)");
    return granted;
}

/* Writes all `length` bytes, retrying short writes and EINTR; exits on any other failure. */
static inline void write_all(int fd, const void *buffer, size_t length, const char *call)
{
    const char *bytes = buffer;
    while (length > 0) {
        ssize_t written = write(fd, bytes, length);
        if (written < 0) {
            if (errno == EINTR)
                continue;
            die(call);
        }
        bytes += written;
        length -= (size_t)written;
    }
}

/* Reads exactly `length` bytes, retrying short reads and EINTR. Returns 0 on success and -1 when
 * the other end closed first (EOF); exits on a read error. */
static inline int read_exactly(int fd, void *buffer, size_t length, const char *call)
{
    char *bytes = buffer;
    while (length > 0) {
        ssize_t got = read(fd, bytes, length);
        if (got < 0) {
            if (errno == EINTR)
                continue;
            die(call);
        }
        if (got == 0)
            return -1;
        bytes += got;
        length -= (size_t)got;
    }
    return 0;
}

/* Forks a child that talks to this process over two pipes the caller made: it runs
 * `serve(to_child[0], to_parent[1])` and exits 0 when that returns; this process keeps
 * `to_child[1]` and `to_parent[0]` and closes the child's ends. Returns the child's pid. */
static inline pid_t fork_child(const int to_child[2], const int to_parent[2], void (*serve)(int requests, int replies))
{
    fflush(NULL); /* or the child would print this process's buffered output again */
    pid_t child = fork();
    if (child < 0)
        die("fork");
    if (child == 0) {
        close(to_child[1]);
        close(to_parent[0]);
        serve(to_child[0], to_parent[1]);
        _exit(0);
    }
    if (close(to_child[0]) != 0 || close(to_parent[1]) != 0)
        die("close");
    return child;
}

/* Waits for `child` (retrying EINTR) and fails, naming it `who`, unless it exited with status 0. */
static inline void reap(pid_t child, const char *who)
{
    int status;
    while (waitpid(child, &status, 0) < 0) {
        if (errno != EINTR)
            die("waitpid");
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        fail("%s ended abnormally (wait status %d)", who, status);
}

#endif
