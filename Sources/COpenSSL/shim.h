#ifndef TVP_COPENSSL_SHIM_H
#define TVP_COPENSSL_SHIM_H
// SHA-256 through OpenSSL's EVP interface: the implementation CPython's hashlib uses.
#include <openssl/crypto.h>
#include <openssl/evp.h>
#endif
