#ifndef TVP_COPENSSL_SHIM_H
#define TVP_COPENSSL_SHIM_H
// SHA-256 through OpenSSL's libcrypto: the implementation CPython's hashlib uses.
//
// tvp calls the low-level SHA256_Init/Update/Final, not EVP: they run the same assembly (SHA-NI
// where the CPU has it, selected by OPENSSL_ia32cap at load time) but need no provider, no
// algorithm fetch and no library initialisation, which cost a fresh worker process ~0.8 ms before
// its first byte (OpenSSL 3's EVP set-up). OpenSSL 3 marks them deprecated but ships them; the
// wrappers below keep the deprecation inside this header.
#include <openssl/sha.h>

/// The state of one SHA-256 digest.
typedef SHA256_CTX tvp_sha256_state;

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
/// Starts a digest (SHA256_Init).
static inline void tvp_sha256_init(tvp_sha256_state *state) { SHA256_Init(state); }
/// Adds `count` bytes at `bytes` (SHA256_Update).
static inline void tvp_sha256_update(tvp_sha256_state *state, const void *bytes, size_t count) {
    SHA256_Update(state, bytes, count);
}
/// Ends the digest, writing its 32 bytes to `digest` (SHA256_Final).
static inline void tvp_sha256_final(tvp_sha256_state *state, unsigned char *digest) { SHA256_Final(digest, state); }
#pragma GCC diagnostic pop
#endif
