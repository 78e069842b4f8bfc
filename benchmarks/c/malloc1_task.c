/*
 * malloc1_task.c — will-it-scale's malloc1 as a tvp task plugin (include/tvp_task.h), so that the
 * same code can be hosted by tvp-plugin-worker and by malloc1_host.c, a minimal C program that
 * dlopens it.
 *
 *   parameter: ITERATIONS (default 20000)
 *
 * One iteration: malloc 128 MiB (glibc maps it: mmap), write one byte (one page fault), free it
 * (munmap). The task times its iterations (CLOCK_MONOTONIC, and the thread's CPU time) and
 * prints `malloc1_ns_per_iter=N malloc1_cpu_ns_per_iter=N` on stderr; its digest depends only on the iteration count, so it is the same in every host.
 */
#define _GNU_SOURCE
#include "tvp_task.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>

TVP_TASK_ABI

#define MALLOC1_SIZE (128UL * 1024 * 1024)

static uint64_t clock_ns(clockid_t clock)
{
    struct timespec t;
    clock_gettime(clock, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

/* With MALLOC1_FACTS set: what of the host could change the cost of mapping memory, on stderr
 * before the timed loop (mappings, threads, THP, where the block lands). */
static void print_facts(void)
{
    FILE *maps = fopen("/proc/self/maps", "r");
    int lines = 0, ch;
    while (maps && (ch = fgetc(maps)) != EOF)
        lines += ch == '\n';
    if (maps)
        fclose(maps);
    char status[8192] = "";
    FILE *file = fopen("/proc/self/status", "r");
    size_t n = file ? fread(status, 1, sizeof status - 1, file) : 0;
    status[n] = '\0';
    if (file)
        fclose(file);
    const char *threads = strstr(status, "Threads:"), *seccomp = strstr(status, "Seccomp:");
    void *block = malloc(MALLOC1_SIZE);
    if (getenv("MALLOC1_MAPS")) {
        char line[512];
        FILE *again = fopen("/proc/self/maps", "r");
        while (again && fgets(line, sizeof line, again))
            fprintf(stderr, "  %s", line);
        if (again)
            fclose(again);
    }
    fprintf(stderr, "malloc1_facts: mappings=%d threads=%.*s seccomp=%.*s thp_disable=%d block=%p\n", lines,
            threads ? (int)strcspn(threads + 8, "\n") : 0, threads ? threads + 8 : "",
            seccomp ? (int)strcspn(seccomp + 8, "\n") : 0, seccomp ? seccomp + 8 : "",
            prctl(PR_GET_THP_DISABLE, 0, 0, 0, 0), block);
    free(block);
}

TVP_TASK_EXPORT int malloc1(uint64_t index, uint64_t count, const unsigned char *input, size_t input_size,
                            const char *parameter, void *state, unsigned char digest[TVP_TASK_DIGEST_SIZE],
                            char *error, size_t error_size)
{
    (void)count; (void)input; (void)input_size; (void)state;
    long iterations = parameter && *parameter ? strtol(parameter, NULL, 10) : 20000;
    if (iterations <= 0)
        return tvp_task_fail(error, error_size, "malloc1: the parameter must be a positive iteration count");
    if (getenv("MALLOC1_FACTS"))
        print_facts();
    uint64_t start = clock_ns(CLOCK_MONOTONIC), cpu_start = clock_ns(CLOCK_THREAD_CPUTIME_ID);
    for (long i = 0; i < iterations; i++) {
        char *block = malloc(MALLOC1_SIZE);
        if (!block)
            return tvp_task_fail(error, error_size, "malloc1: malloc failed");
        *(volatile char *)block = 1;
        free(block);
    }
    uint64_t cpu = clock_ns(CLOCK_THREAD_CPUTIME_ID) - cpu_start, elapsed = clock_ns(CLOCK_MONOTONIC) - start;
    /* CPU time (the thread's, kernel included) is what a busy machine disturbs least. */
    fprintf(stderr, "malloc1_ns_per_iter=%.1f malloc1_cpu_ns_per_iter=%.1f\n", (double)elapsed / (double)iterations,
            (double)cpu / (double)iterations);
    tvp_digest d;
    tvp_digest_init(&d);
    tvp_digest_update_u64(&d, index);
    tvp_digest_update_u64(&d, (uint64_t)iterations);
    tvp_digest_final(&d, digest);
    return 0;
}
