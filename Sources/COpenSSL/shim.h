#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/core_names.h>
#include <openssl/params.h>
#include <openssl/param_build.h>
#include <openssl/bn.h>
#include <openssl/hmac.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

/* Functions for what OpenSSL defines as macros, which Swift cannot call. */
static inline long writ_ssl_set_server_name(SSL *ssl, const char *name) {
    return SSL_set_tlsext_host_name(ssl, name);
}

static inline long writ_ssl_ctx_set_min_tls12(SSL_CTX *ctx) {
    return SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
}

/* EVP_PKEY_PUBLIC_KEY, the selection that imports a public key with its parameters. */
static inline int writ_evp_pkey_public_key_selection(void) {
    return EVP_PKEY_PUBLIC_KEY;
}
