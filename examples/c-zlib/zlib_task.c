// A tvp task in C: compress text with zlib. Each task turns its slice of the shared input (random
// bytes) into text (each byte picks one of 64 words) and deflates it at the level the scenario's
// `parameter` names; the digest folds the compressed bytes, so every mode must produce the same
// stream. Build: make; run: tvp run compress.yaml.
#include "tvp_task.h"

#include <stdio.h>
#include <stdlib.h>
#include <zlib.h>

TVP_TASK_ABI

static const char *const words[64] = {
    "the", "of", "and", "to", "in", "is", "that", "for", "it", "as", "was", "with", "be", "by", "on", "not",
    "he", "this", "are", "or", "his", "from", "at", "which", "but", "have", "an", "had", "they", "you", "were",
    "their", "one", "all", "we", "can", "her", "has", "there", "been", "if", "more", "when", "will", "would",
    "who", "so", "no", "thread", "process", "pool", "queue", "lock", "pipe", "memory", "cache", "core",
    "task", "worker", "spawn", "signal", "digest", "trial", "mode",
};

// Set-up, once per process: the compression level (0-9) from the parameter, kept as the state.
TVP_TASK_EXPORT int compress_words_setup(const char *parameter, void **state, char *error, size_t error_size) {
    char *end = NULL;
    long level = *parameter ? strtol(parameter, &end, 10) : 6;
    if ((*parameter && *end != '\0') || level < 0 || level > 9) {
        char message[200];
        snprintf(message, sizeof message, "parameter must be a zlib level from 0 to 9, got \"%s\"", parameter);
        return tvp_task_fail(error, error_size, message);
    }
    *state = (void *)(intptr_t)level;
    return 0;
}

TVP_TASK_EXPORT int compress_words(uint64_t task_index, uint64_t task_count, const unsigned char *input,
                                   size_t input_size, const char *parameter, void *state,
                                   unsigned char digest[TVP_TASK_DIGEST_SIZE], char *error, size_t error_size) {
    (void)task_index; (void)task_count; (void)parameter;
    if (input == NULL) return tvp_task_fail(error, error_size, "no input: set `input_size` in the scenario");
    // Text: one word and a space per input byte (at most 8 bytes each).
    char *text = malloc(input_size * 8 + 1);
    if (text == NULL) return tvp_task_fail(error, error_size, "out of memory for the text");
    size_t length = 0;
    for (size_t i = 0; i < input_size; i++) {
        const char *word = words[input[i] & 63];
        while (*word) text[length++] = *word++;
        text[length++] = (input[i] & 0xC0) == 0xC0 ? '\n' : ' ';
    }
    uLongf compressed_size = compressBound(length);
    unsigned char *compressed = malloc(compressed_size);
    if (compressed == NULL) {
        free(text);
        return tvp_task_fail(error, error_size, "out of memory for the compressed text");
    }
    int status = compress2(compressed, &compressed_size, (const Bytef *)text, length, (int)(intptr_t)state);
    free(text);
    if (status != Z_OK) {
        free(compressed);
        char message[100];
        snprintf(message, sizeof message, "compress2 failed with zlib status %d", status);
        return tvp_task_fail(error, error_size, message);
    }
    tvp_digest d;
    tvp_digest_init(&d);
    tvp_digest_update_u64(&d, length);
    tvp_digest_update(&d, compressed, compressed_size);
    tvp_digest_final(&d, digest);
    free(compressed);
    return 0;
}
