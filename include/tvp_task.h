/*
 * tvp_task.h: the C ABI of a tvp task plugin, version 1.
 *
 * A plugin is a shared library (.so) that tvp runs under every mode: `serial`, `threads`, `gil`,
 * `gil-release` and `async` call it inside tvp's own process (dlopen); `processes` and
 * `process-pool` call it inside tvp-plugin-worker processes. A scenario names it:
 *
 *     workloads:
 *       plugin: { library: libmytask.so, symbol: my_task, parameter: "level=6", input_size: 8MiB }
 *
 * The library exports, as plain C symbols (C: TVP_TASK_EXPORT; C++: extern "C"; Swift: @_cdecl;
 * Rust: #[no_mangle] extern "C"):
 *
 *   uint32_t tvp_task_abi_version(void);          required, once per library: TVP_TASK_ABI does it
 *   int  SYMBOL(...);                             required: the task, a tvp_task_fn (below)
 *   int  SYMBOL_setup(...);                       optional: a tvp_task_setup_fn
 *   void SYMBOL_teardown(void *state);            optional: a tvp_task_teardown_fn
 *
 * When each is called:
 *   - SYMBOL_setup once per process that runs the task (tvp itself, each worker process) and
 *     parameter string (a scenario that sweeps `parameter` sets each one up), before that
 *     process's first task and outside every clock; what it stores in *state is passed to every
 *     call of the task with that parameter in that process. Under `processes` each task has a process of its own,
 *     so set-up runs once per task there (outside the task's own duration, inside the trial's wall
 *     time: that is what a process per task costs).
 *   - SYMBOL once per task. Task `task_index` (0 ... task_count-1) of a trial of `task_count` tasks.
 *   - SYMBOL_teardown once, when the process is done with the task (end of the run, or of the
 *     worker process).
 *
 * Rules a task must follow:
 *   - Deterministic: the same (task_index, task_count, input, parameter) gives the same digest, in
 *     every mode and process. tvp calls every task twice before the trials (once in a worker
 *     process, once more) and stops with a message when the digests differ; declare
 *     `deterministic: false` in the scenario for a task that cannot be (trials.csv then says
 *     digest_check=skipped).
 *   - Thread-safe: under `threads`, `gil-release` and `async` several threads call the task at
 *     once, sharing one `state`. Under `gil` tvp holds its model of CPython's global lock for the
 *     whole call (a C extension that does not release the GIL); under `gil-release` the call runs
 *     without it (one that does: Py_BEGIN_ALLOW_THREADS).
 *   - Return 0 and write TVP_TASK_DIGEST_SIZE bytes to `digest`, or return non-zero and write a
 *     NUL-terminated message (at most error_size bytes, terminator included) to `error`: tvp shows
 *     it in the trial's error column. A task that crashes under a process mode fails its trial and
 *     the run goes on; one that crashes (or calls exit or abort) under a thread mode ends the
 *     process that measures, and the run fails (every finished trial is already in trials.csv):
 *     run a new task under `processes` first.
 *   - Standard output belongs to tvp: a worker process sends its results there, so a task (or its
 *     set-up) that prints to stdout breaks the worker's protocol and fails its trial. Print to
 *     standard error, which tvp passes through.
 *   - `input` is the task's slice of the shared input (`input_size` bytes of deterministic
 *     pseudo-random data, cut into task_count nearly equal consecutive slices), valid only during
 *     the call and read-only; NULL with input_size 0 when the scenario sets no `input_size`.
 *   - `parameter` is the scenario's `parameter` string ("" when none), NUL-terminated.
 *
 * Build (C):  cc -O2 -shared -fPIC -I PATH/TO/tvp/include -o libmytask.so mytask.c
 */
#ifndef TVP_TASK_H
#define TVP_TASK_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

/** The ABI this header describes; tvp refuses a library whose tvp_task_abi_version() differs. */
#define TVP_TASK_ABI_VERSION 1u
/** Bytes of a task's digest. */
#define TVP_TASK_DIGEST_SIZE 32
/** Bytes tvp gives a task or set-up for its error message, terminator included. */
#define TVP_TASK_ERROR_SIZE 1024

/** Marks a function for export from the library, whatever -fvisibility says. */
#define TVP_TASK_EXPORT __attribute__((visibility("default")))

/** The task: computes task `task_index` of `task_count`; 0 and a digest, or non-zero and a message. */
typedef int tvp_task_fn(uint64_t task_index, uint64_t task_count,
                        const unsigned char *input, size_t input_size,
                        const char *parameter, void *state,
                        unsigned char digest[TVP_TASK_DIGEST_SIZE],
                        char *error, size_t error_size);

/** Optional set-up, once per process before its first task: 0, or non-zero and a message. */
typedef int tvp_task_setup_fn(const char *parameter, void **state, char *error, size_t error_size);

/** Optional tear-down, once per process after its last task. */
typedef void tvp_task_teardown_fn(void *state);

/** The version function every plugin exports; TVP_TASK_ABI defines it. */
typedef uint32_t tvp_task_abi_version_fn(void);

/** Put this at file scope in exactly one source file of the library. */
#define TVP_TASK_ABI \
    TVP_TASK_EXPORT uint32_t tvp_task_abi_version(void) { return TVP_TASK_ABI_VERSION; }

/** Writes a message to a task's `error` buffer, truncated to fit; returns 1 (use: return tvp_task_fail(...)). */
static inline int tvp_task_fail(char *error, size_t error_size, const char *message) {
    if (error_size == 0) return 1;
    size_t n = strlen(message);
    if (n >= error_size) n = error_size - 1;
    memcpy(error, message, n);
    error[n] = '\0';
    return 1;
}

/*
 * A small digest for tasks that have no hash of their own at hand: 256 bits folded from the bytes
 * given, in order. Not cryptographic; it only has to change when the task's output changes. The
 * same sequence of updates gives the same digest. (A task may use any 32 bytes that identify what
 * it computed, e.g. SHA-256 of its output.)
 */
typedef struct tvp_digest {
    uint64_t lane[4];
    uint64_t count;
} tvp_digest;

/** Starts a digest. */
static inline void tvp_digest_init(tvp_digest *d) {
    d->lane[0] = 0x6a09e667f3bcc908ull;
    d->lane[1] = 0xbb67ae8584caa73bull;
    d->lane[2] = 0x3c6ef372fe94f82bull;
    d->lane[3] = 0xa54ff53a5f1d36f1ull;
    d->count = 0;
}

static inline uint64_t tvp_digest_mix_(uint64_t lane, uint64_t word) {
    lane ^= word * 0x9e3779b97f4a7c15ull;
    lane = (lane << 31) | (lane >> 33);
    return lane * 0xbf58476d1ce4e5b9ull;
}

/** Adds `size` bytes at `bytes`. */
static inline void tvp_digest_update(tvp_digest *d, const void *bytes, size_t size) {
    const unsigned char *p = (const unsigned char *)bytes;
    size_t i = 0;
    for (; i + 8 <= size; i += 8) {
        uint64_t word;
        memcpy(&word, p + i, 8);
        d->lane[(d->count >> 3) & 3] = tvp_digest_mix_(d->lane[(d->count >> 3) & 3], word);
        d->count += 8;
    }
    for (; i < size; i++) {
        d->lane[d->count & 3] = tvp_digest_mix_(d->lane[d->count & 3], 0x100u | p[i]);
        d->count += 1;
    }
}

/** Adds one 64-bit number. */
static inline void tvp_digest_update_u64(tvp_digest *d, uint64_t value) {
    tvp_digest_update(d, &value, sizeof value);
}

/** Ends the digest, writing its 32 bytes to `digest`. */
static inline void tvp_digest_final(tvp_digest *d, unsigned char digest[TVP_TASK_DIGEST_SIZE]) {
    uint64_t out[4];
    for (int i = 0; i < 4; i++) {
        uint64_t z = d->lane[i] ^ d->lane[(i + 1) & 3] ^ (d->count + (uint64_t)i);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        out[i] = z ^ (z >> 31);
    }
    memcpy(digest, out, sizeof out);
}

#ifdef __cplusplus
}
#endif
#endif
