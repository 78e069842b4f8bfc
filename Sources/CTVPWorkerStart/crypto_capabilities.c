/*
 * The CPU capabilities the worker's static libcrypto found, in the form its OPENSSL_ia32cap
 * environment variable takes.
 *
 * libcrypto's x86_64 objects call OPENSSL_cpuid_setup from the .init section, so every process
 * that links them runs several CPUID instructions before main, whether or not it ever hashes. In a
 * virtual machine each CPUID is a trap to the hypervisor: 32 µs of every worker's start-up on the
 * project's EPYC VM (docs/overhead.md), charged to every task of `processes`. When
 * OPENSSL_ia32cap holds a full vector ("0x<words 1,0>:0x<words 3,2>", OpenSSL 3.0's documented
 * syntax, without '~' or a leading ':'), OPENSSL_cpuid_setup takes it instead of asking the CPU. tvp
 * asks one worker for its vector at the start of a run and gives it to the others, so each runs the
 * same code paths it would have chosen itself, without the traps.
 */
#include "tvp_worker_start.h"

#include <openssl/opensslv.h>
#include <stdio.h>

/* libcrypto's capability words (x86_64cpuid.o); hidden, so only a static link reaches them. */
extern unsigned int OPENSSL_ia32cap_P[];

/* OpenSSL 3.0 keeps four words, which the two-word form below carries whole. Newer sources keep
 * ten, and a two-word OPENSSL_ia32cap would leave the rest unset, so workers would choose other
 * code paths than they would themselves. Which release changed it is not established, so only 3.0
 * reports; with a later one the worker reports nothing and tvp adds nothing (its workers then ask
 * the CPU, as before). */
#if defined(__x86_64__) && OPENSSL_VERSION_MAJOR == 3 && OPENSSL_VERSION_MINOR == 0
#define TVP_FOUR_CAPABILITY_WORDS 1
#endif

int tvp_worker_openssl_ia32cap(char *buffer, size_t size)
{
#if defined(TVP_FOUR_CAPABILITY_WORDS)
    return snprintf(buffer, size, "0x%08x%08x:0x%08x%08x", OPENSSL_ia32cap_P[1], OPENSSL_ia32cap_P[0],
                    OPENSSL_ia32cap_P[3], OPENSSL_ia32cap_P[2]);
#else
    (void)buffer;
    (void)size;
    return -1;
#endif
}
