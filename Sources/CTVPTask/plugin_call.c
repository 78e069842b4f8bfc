#include "tvp_plugin_call.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

// What the calling thread is inside: 0 nothing, else a plugin call. Initial-exec TLS in the
// executable, so the handler reads it without any allocation.
enum { NOT_IN_PLUGIN = 0, IN_TASK = 1, IN_SETUP = 2, IN_TEARDOWN = 3 };
static _Thread_local volatile sig_atomic_t current_call = NOT_IN_PLUGIN;
static _Thread_local volatile uint64_t current_task = 0;

int tvp_plugin_call_task(void *task, uint64_t task_index, uint64_t task_count,
                         const unsigned char *input, size_t input_size, const char *parameter, void *state,
                         unsigned char *digest, char *error, size_t error_size) {
    current_task = task_index;
    current_call = IN_TASK;
    int status = ((tvp_task_fn *)task)(task_index, task_count, input, input_size, parameter, state,
                                       digest, error, error_size);
    current_call = NOT_IN_PLUGIN;
    return status;
}

int tvp_plugin_call_setup(void *setup, const char *parameter, void **state, char *error, size_t error_size) {
    current_call = IN_SETUP;
    int status = ((tvp_task_setup_fn *)setup)(parameter, state, error, error_size);
    current_call = NOT_IN_PLUGIN;
    return status;
}

void tvp_plugin_call_teardown(void *teardown, void *state) {
    current_call = IN_TEARDOWN;
    ((tvp_task_teardown_fn *)teardown)(state);
    current_call = NOT_IN_PLUGIN;
}

uint32_t tvp_plugin_call_abi_version(void *abi_version) {
    return ((tvp_task_abi_version_fn *)abi_version)();
}

// The message, set between trials and only read by the handler.
enum { PART_SIZE = 2048 };
static char subject_text[PART_SIZE] = "of a plugin crashed tvp's own process";
static char advice_text[PART_SIZE] = "Run the scenario under `modes: [processes]` first.";

static const int guarded_signals[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT };
enum { GUARDED = sizeof guarded_signals / sizeof guarded_signals[0] };
static struct sigaction previous[GUARDED];
static volatile sig_atomic_t installed = 0;

static void copy_part(char *to, const char *from) {
    size_t n = strlen(from);
    if (n >= PART_SIZE) n = PART_SIZE - 1;
    memcpy(to, from, n);
    to[n] = '\0';
}

void tvp_crash_guard_set_message(const char *subject, const char *advice) {
    copy_part(subject_text, subject);
    copy_part(advice_text, advice);
}

// Only write(2), sigaction(2) and raise(3) below: all async-signal-safe.
static void put(const char *text) {
    size_t left = strlen(text);
    while (left > 0) {
        ssize_t n = write(STDERR_FILENO, text, left);
        if (n <= 0) {
            if (n < 0 && errno == EINTR) continue;
            return;
        }
        text += n;
        left -= (size_t)n;
    }
}

static void put_number(uint64_t value) {
    char digits[24];
    int i = (int)sizeof digits - 1;
    digits[i] = '\0';
    do {
        digits[--i] = (char)('0' + value % 10);
        value /= 10;
    } while (value > 0 && i > 0);
    put(digits + i);
}

static const char *signal_name(int signal) {
    switch (signal) {
    case SIGSEGV: return "SIGSEGV, a bad memory access";
    case SIGBUS: return "SIGBUS, a bad memory access";
    case SIGILL: return "SIGILL, an illegal instruction";
    case SIGFPE: return "SIGFPE, an arithmetic fault such as a division by zero";
    case SIGABRT: return "SIGABRT, abort() or a failed assertion";
    default: return "a fatal signal";
    }
}

static void crash_handler(int signal, siginfo_t *info, void *context) {
    (void)info;
    (void)context;
    int saved_errno = errno;
    sig_atomic_t call = current_call;
    if (call != NOT_IN_PLUGIN) {
        put("\ntvp: ");
        if (call == IN_TASK) {
            put("task ");
            put_number(current_task);
        } else {
            put(call == IN_SETUP ? "the set-up" : "the tear-down");
        }
        put(" ");
        put(subject_text);
        put(" (");
        put(signal_name(signal));
        put(").\n");
        put(advice_text);
        put("\n");
    }
    // Hand the signal on: the previous handler (Swift's backtracer, say) or the default action.
    // The signal stays blocked until this handler returns, so it is delivered again then.
    for (int i = 0; i < GUARDED; i++) {
        if (guarded_signals[i] != signal) continue;
        struct sigaction next = previous[i];
        if (!(next.sa_flags & SA_SIGINFO) && next.sa_handler == SIG_IGN) next.sa_handler = SIG_DFL;
        sigaction(signal, &next, NULL);
    }
    errno = saved_errno;
    raise(signal);
}

int tvp_crash_guard_install(void) {
    if (installed) return 0;
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_sigaction = crash_handler;
    action.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset(&action.sa_mask);
    for (int i = 0; i < GUARDED; i++) {
        if (sigaction(guarded_signals[i], &action, &previous[i]) != 0) return -1;
    }
    installed = 1;
    return 0;
}
