#ifndef STRATIFY_CLIBCRYPTO_SHIM_H
#define STRATIFY_CLIBCRYPTO_SHIM_H
// libcrypto (OpenSSL 3) from Debian's libssl-dev, for the EVP SHA-256 digest; the Makefile installs it when
// /usr/include/openssl/evp.h is missing.
#include <openssl/evp.h>
#endif
