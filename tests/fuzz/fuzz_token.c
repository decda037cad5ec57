/* Fuzzes access and refresh token verification (src/auth/token.c token_verify, over libjwt):
 * the input is the token as it arrives in an Authorization header or a cookie, checked as an
 * access and as a refresh token against a fixed secret. Checked: a token accepted as one type
 * is refused as the other, carries non-empty claims, and verifies under its own secret only.
 * A fuzzer cannot forge the HMAC, so an input that starts with '!' is "header.payload" signed
 * here with the secret: that reaches the header, algorithm and claim checks behind the
 * signature (alg none or HS512 with a valid HS256 signature, odd claim types, huge times). */
#include <sodium.h>
#include <string.h>

#include "auth/token.h"
#include "fuzz.h"

#define SECRET "fuzz-secret-0123456789abcdefghijklmnopqrstuvwxyz"
#define NOW    1700000000LL

/* "header.payload" with its HS256 signature under SECRET appended; malloc'ed. */
static char *signed_token(const uint8_t *data, size_t size)
{
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_state st;
    crypto_auth_hmacsha256_init(&st, (const unsigned char *)SECRET, strlen(SECRET));
    crypto_auth_hmacsha256_update(&st, data, size);
    crypto_auth_hmacsha256_final(&st, mac);
    size_t b64 = sodium_base64_ENCODED_LEN(sizeof(mac), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    char *t = malloc(size + 1 + b64);
    if (t == NULL)
        return NULL;
    memcpy(t, data, size);
    t[size] = '.';
    sodium_bin2base64(t + size + 1, b64, mac, sizeof(mac),
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    /* a NUL inside the input ends the token there, as it would arrive in a header */
    return t;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *token =
        size > 0 && data[0] == '!' ? signed_token(data + 1, size - 1) : fuzz_strndup(data, size);
    if (token == NULL)
        return 0;
    token_claims c;
    token_status access = token_verify(SECRET, token, TOKEN_ACCESS, NOW, &c);
    if (access != TOKEN_INVALID) {
        fuzz_check(c.sub[0] && c.jti[0] && c.sid[0], "an accepted token has its claims");
        fuzz_check(c.type == TOKEN_ACCESS, "an access token is an access token");
    }
    token_status refresh = token_verify(SECRET, token, TOKEN_REFRESH, NOW, &c);
    fuzz_check(access == TOKEN_INVALID || refresh == TOKEN_INVALID, "one type per token");
    /* The same token under another secret never passes. */
    fuzz_check(token_verify("another-secret-0123456789abcdefghijklmnop", token, TOKEN_ACCESS, NOW,
                            &c) == TOKEN_INVALID ||
                   access == TOKEN_INVALID,
               "a token verifies under one secret only");
    free(token);
    return 0;
}
