#ifndef TVP_PLUGIN_CALL_H
#define TVP_PLUGIN_CALL_H
// How tvp calls a task plugin (the ABI of include/tvp_task.h, the header shipped to plugin
// authors, which this one includes so that tvp compiles against exactly what it documents), and
// the crash guard: a handler that, when a plugin call crashes tvp's own process, writes a fixed
// message naming the task and the fix before the process dies of its signal.
#include "../../../include/tvp_task.h"

/// Calls the task function at `task` (a tvp_task_fn found with dlsym), marking the calling thread
/// as inside task `task_index` for the crash guard. Returns what the task returned.
int tvp_plugin_call_task(void *task, uint64_t task_index, uint64_t task_count,
                         const unsigned char *input, size_t input_size, const char *parameter, void *state,
                         unsigned char *digest, char *error, size_t error_size);

/// Calls the set-up function at `setup` (a tvp_task_setup_fn), marked as a set-up for the guard.
int tvp_plugin_call_setup(void *setup, const char *parameter, void **state, char *error, size_t error_size);

/// Calls the tear-down function at `teardown` (a tvp_task_teardown_fn), marked as a tear-down.
void tvp_plugin_call_teardown(void *teardown, void *state);

/// The version `abi_version` (a tvp_task_abi_version_fn) reports.
uint32_t tvp_plugin_call_abi_version(void *abi_version);

/// Installs the crash guard's handler for SIGSEGV, SIGBUS, SIGILL, SIGFPE and SIGABRT (once; later
/// calls do nothing). The handler writes its message only when the signal arrives on a thread that
/// is inside a plugin call; it then hands the signal to the handler that was there before (or the
/// default action), so the process still dies of it. Returns 0, or -1 with errno set.
int tvp_crash_guard_install(void);

/// Sets the message: "tvp: task N <subject> (SIGNAL).\n<advice>\n" (subject and advice copied, each
/// truncated to 2 KiB). Call it between trials, never while a plugin call may run.
void tvp_crash_guard_set_message(const char *subject, const char *advice);
#endif
