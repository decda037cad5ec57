/* Access and refresh tokens: HS256 JWTs with the claims of docs/api.md §1.4 (sub, exp, iat, jti,
 * iss "Interview Ace", aud "interview_ace_api", type, sid). The algorithm is pinned: a token
 * whose header names anything but HS256 (none included) is invalid before any signature
 * check. */
#ifndef IA_AUTH_TOKEN_H
#define IA_AUTH_TOKEN_H

#include <stdint.h>

#define TOKEN_ISSUER   "Interview Ace"
#define TOKEN_AUDIENCE "interview_ace_api"
#define TOKEN_ID_MAX   64

typedef enum { TOKEN_ACCESS, TOKEN_REFRESH } token_type;
typedef enum { TOKEN_OK = 0, TOKEN_INVALID, TOKEN_EXPIRED } token_status;

typedef struct {
    char sub[TOKEN_ID_MAX]; /* user id */
    char jti[TOKEN_ID_MAX];
    char sid[TOKEN_ID_MAX]; /* login session id */
    int64_t iat;            /* seconds */
    int64_t exp;            /* seconds */
    token_type type;
} token_claims;

/* Signs claims with secret; *out is malloc'ed (free it). IA_OK or an error. */
int token_issue(const char *secret, const token_claims *c, char **out);

/* Verifies token against secret at now (seconds): signature, alg, iss, aud, type, iat, exp.
 * Fills *out when TOKEN_OK. */
token_status token_verify(const char *secret, const char *token, token_type expected, int64_t now,
                          token_claims *out);

#endif
