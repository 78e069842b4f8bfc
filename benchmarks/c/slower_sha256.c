// slower_sha256.c: libcrypto's SHA256_Update doing 10 % more hashing work per byte, preloaded into
// tvp (LD_PRELOAD) by benchmarks/history_gate.sh to stand for "a build whose hashing is 10 % slower".
//
// Every call hashes its bytes as libcrypto does, then hashes the first tenth of them again into a
// scratch context that is thrown away: the digests tvp computes are unchanged (the run's digest
// check still passes), only the work per byte grows by 10 %. tvp links libcrypto dynamically, so
// the in-process modes (serial, threads, gil, async) pay it; tvp-worker is static and does not, so
// process cells are the control.
#define _GNU_SOURCE
#define OPENSSL_SUPPRESS_DEPRECATED
#include <dlfcn.h>
#include <openssl/sha.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

typedef int (*update_fn)(SHA256_CTX *, const void *, size_t);

static update_fn real_update(void) {
    static update_fn real;
    if (!real) {
        real = (update_fn)dlsym(RTLD_NEXT, "SHA256_Update");
        if (!real) {
            fprintf(stderr, "slower_sha256: SHA256_Update not found after this library: %s\n", dlerror());
            abort();
        }
    }
    return real;
}

int SHA256_Update(SHA256_CTX *context, const void *data, size_t length) {
    update_fn update = real_update();
    int result = update(context, data, length);
    SHA256_CTX scratch;
    SHA256_Init(&scratch);
    update(&scratch, data, length / 10);
    return result;
}
