#ifndef TVP_WORKER_START_H
#define TVP_WORKER_START_H

/* The worker executables' own copy of the Swift runtime's argv entry points (worker_start.c). */
char **_swift_stdlib_getUnsafeArgvArgc(int *outArgLen);
void _swift_stdlib_overrideUnsafeArgvArgc(char **argv, int argc);

#include <stddef.h>

/* Writes libcrypto's CPU capability vector as OPENSSL_ia32cap takes it ("0x…:0x…") into `buffer`;
   returns its length as snprintf does, or -1 on a CPU that has no such vector or with a libcrypto
   whose vector that form cannot carry whole (crypto_capabilities.c). */
int tvp_worker_openssl_ia32cap(char *buffer, size_t size);

#endif
