/*
 * How the worker executables learn their argv, in place of the Swift runtime's way.
 *
 * A statically linked Swift runtime (libswiftCore.a, CommandLine.cpp) finds argv in a global
 * constructor that opens /proc/self/maps and parses it with sscanf to locate the stack: ~49,000
 * instructions, an open/read/close of a file the kernel generates, and the page faults of stdio's
 * scanf in every process, whether or not it reads its arguments. A worker pays it before every
 * task of the `processes` mode (docs/overhead.md). glibc hands argc and argv to every .init_array
 * function, static or dynamic executable alike, so they are kept from there.
 *
 * Defining the runtime's two entry points here means the linker never pulls CommandLine.cpp.o out
 * of libswiftCore.a (an archive member is linked only to resolve an undefined symbol). Should a
 * later runtime define them elsewhere too, the link fails with a duplicate symbol, never silently;
 * should it rename them, these go unused and the runtime's own constructor runs again.
 * Only tvp-worker and tvp-plugin-worker link this target.
 */
#include "tvp_worker_start.h"

#include <stddef.h>

static char **captured_argv;
static int captured_argc;

static void capture_arguments(int argc, char **argv, char **envp)
{
    (void)envp;
    captured_argc = argc;
    captured_argv = argv;
}

__attribute__((section(".init_array"), used))
static void (*const capture_arguments_entry)(int, char **, char **) = capture_arguments;

char **_swift_stdlib_getUnsafeArgvArgc(int *outArgLen)
{
    static char *empty[] = {NULL};
    if (captured_argv == NULL) {
        *outArgLen = 0;
        return empty;
    }
    *outArgLen = captured_argc;
    return captured_argv;
}

void _swift_stdlib_overrideUnsafeArgvArgc(char **argv, int argc)
{
    captured_argv = argv;
    captured_argc = argc;
}
