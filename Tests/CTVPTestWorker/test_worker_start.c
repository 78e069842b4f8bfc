/*
 * Lets the test binary serve as a tvp worker, so that a workload declared in a test file runs
 * under the process modes too (Tests/TVPTests/ThrowawayWorkloadTests.swift).
 *
 * When the binary is started through a link named `tvp-test-worker` (the path execve was given,
 * AT_EXECFN, not argv[0], which the executors set to "tvp-worker"), this runs the worker program
 * (tvp_test_worker_main, defined in Swift by the test target) before the test runner's main, and
 * never returns. Started any other way, it does nothing.
 */
#include "ctvp_test_worker.h"

#include <string.h>
#include <sys/auxv.h>

void tvp_test_worker_main(int argc, char **argv) __attribute__((weak));

static void start_as_worker(int argc, char **argv, char **envp)
{
    (void)envp;
    const char *path = (const char *)getauxval(AT_EXECFN);
    if (path == NULL || tvp_test_worker_main == NULL) return;
    const char *slash = strrchr(path, '/');
    if (strcmp(slash ? slash + 1 : path, "tvp-test-worker") == 0) tvp_test_worker_main(argc, argv);
}

__attribute__((section(".init_array"), used))
static void (*const start_as_worker_entry)(int, char **, char **) = start_as_worker;
