// The built-in `cpu` task as a plugin: SHA-256 (OpenSSL libcrypto, as tvp's) over `parameter`
// bytes of task_index's stream, which is its 64 KiB pattern block (SplitMix64 seeded with the task
// index, little-endian words) hashed over and over in 64 KiB updates: exactly what
// InProcessTasks.hashPattern hashes, so the digests equal the built-in task's and the timings can be
// compared side by side (side-by-side.yaml).
#include "tvp_task.h"

#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>

TVP_TASK_ABI

enum { BLOCK = 64 * 1024 };

// The stream's next 64 bits (SplitMix64, as tvp's PatternStream).
static uint64_t next_word(uint64_t *state) {
    *state += 0x9E3779B97F4A7C15ull;
    uint64_t z = *state;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

// Checks the parameter (bytes per task) once per process, before any clock.
TVP_TASK_EXPORT int tvp_cpu_setup(const char *parameter, void **state, char *error, size_t error_size) {
    char *end = NULL;
    unsigned long long bytes = strtoull(parameter, &end, 10);
    if (*parameter == '\0' || *end != '\0') {
        char message[256];
        snprintf(message, sizeof message, "parameter must be the bytes per task as a whole number, e.g. \"8388608\", got \"%s\"", parameter);
        return tvp_task_fail(error, error_size, message);
    }
    uint64_t *stored = malloc(sizeof *stored);
    if (stored == NULL) return tvp_task_fail(error, error_size, "out of memory");
    *stored = bytes;
    *state = stored;
    return 0;
}

TVP_TASK_EXPORT void tvp_cpu_teardown(void *state) { free(state); }

TVP_TASK_EXPORT int tvp_cpu(uint64_t task_index, uint64_t task_count, const unsigned char *input, size_t input_size,
                            const char *parameter, void *state, unsigned char digest[TVP_TASK_DIGEST_SIZE],
                            char *error, size_t error_size) {
    (void)task_count; (void)input; (void)input_size; (void)parameter;
    uint64_t bytes = *(const uint64_t *)state;
    // The block, made per task on the heap as the built-in task makes it (inside the task's clock);
    // a task shorter than the block needs only the block's first bytes.
    size_t block_bytes = bytes < BLOCK ? (size_t)bytes : BLOCK;
    size_t words = (block_bytes + 7) / 8;
    uint64_t *block = malloc(words ? words * 8 : 8);
    if (block == NULL) return tvp_task_fail(error, error_size, "out of memory");
    uint64_t seed = task_index;
    for (size_t i = 0; i < words; i++) block[i] = next_word(&seed);  // little-endian, as tvp's
    SHA256_CTX context;
    SHA256_Init(&context);
    for (uint64_t left = bytes; left > 0;) {
        size_t n = left < block_bytes ? (size_t)left : block_bytes;
        SHA256_Update(&context, block, n);
        left -= n;
    }
    SHA256_Final(digest, &context);
    free(block);
    return 0;
}
