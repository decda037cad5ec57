#include "auth/token.h"

#include <jansson.h>
#include <stdbool.h>
#include <errno.h>
#include <jwt.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/errors.h"

#define TOKEN_MAX_LEN 4096
#define CLOCK_SKEW_S  30

int token_issue(const char *secret, const token_claims *c, char **out)
{
    jwt_t *jwt = NULL;
    if (jwt_new(&jwt) != 0)
        return IA_ERR_NOMEM;
    int rc = IA_ERR_INTERNAL;
    if (jwt_add_grant(jwt, "sub", c->sub) != 0 || jwt_add_grant(jwt, "jti", c->jti) != 0 ||
        jwt_add_grant(jwt, "sid", c->sid) != 0 ||
        jwt_add_grant(jwt, "type", c->type == TOKEN_ACCESS ? "access" : "refresh") != 0 ||
        jwt_add_grant(jwt, "iss", TOKEN_ISSUER) != 0 ||
        jwt_add_grant(jwt, "aud", TOKEN_AUDIENCE) != 0 ||
        jwt_add_grant_int(jwt, "iat", (long)c->iat) != 0 ||
        jwt_add_grant_int(jwt, "exp", (long)c->exp) != 0 ||
        jwt_set_alg(jwt, JWT_ALG_HS256, (const unsigned char *)secret, (int)strlen(secret)) != 0)
        goto out;
    *out = jwt_encode_str(jwt);
    rc = *out ? IA_OK : IA_ERR_NOMEM;
out:
    jwt_free(jwt);
    return rc;
}

/* Decodes the first (header) segment and checks that it names HS256 and nothing exotic. */
static bool header_is_hs256(const char *token)
{
    const char *dot = strchr(token, '.');
    if (dot == NULL || dot == token || dot - token > 512)
        return false;
    unsigned char raw[512];
    size_t len = 0;
    if (sodium_base642bin(raw, sizeof(raw) - 1, token, (size_t)(dot - token), NULL, &len, NULL,
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0)
        return false;
    raw[len] = '\0';
    json_t *h = json_loadb((const char *)raw, len, 0, NULL);
    const char *alg = json_string_value(json_object_get(h, "alg"));
    bool ok = json_is_object(h) && alg != NULL && strcmp(alg, "HS256") == 0 &&
              json_object_get(h, "crit") == NULL;
    json_decref(h);
    return ok;
}

/* Copies a string grant into out; false when it is missing or too long. */
static bool grant(jwt_t *jwt, const char *name, char *out, size_t outlen)
{
    const char *v = jwt_get_grant(jwt, name);
    if (v == NULL || strlen(v) >= outlen || *v == '\0')
        return false;
    memcpy(out, v, strlen(v) + 1);
    return true;
}

token_status token_verify(const char *secret, const char *token, token_type expected, int64_t now,
                          token_claims *out)
{
    if (token == NULL || strlen(token) > TOKEN_MAX_LEN || !header_is_hs256(token))
        return TOKEN_INVALID;
    jwt_t *jwt = NULL;
    if (jwt_decode(&jwt, token, (const unsigned char *)secret, (int)strlen(secret)) != 0 ||
        jwt == NULL)
        return TOKEN_INVALID;
    token_status st = TOKEN_INVALID;
    char type[16], iss[64], aud[64];
    memset(out, 0, sizeof(*out));
    if (jwt_get_alg(jwt) != JWT_ALG_HS256)
        goto out;
    if (!grant(jwt, "sub", out->sub, sizeof(out->sub)) ||
        !grant(jwt, "jti", out->jti, sizeof(out->jti)) ||
        !grant(jwt, "sid", out->sid, sizeof(out->sid)) || !grant(jwt, "type", type, sizeof(type)) ||
        !grant(jwt, "iss", iss, sizeof(iss)) || !grant(jwt, "aud", aud, sizeof(aud)))
        goto out;
    if (strcmp(iss, TOKEN_ISSUER) != 0 || strcmp(aud, TOKEN_AUDIENCE) != 0)
        goto out;
    const char *want = expected == TOKEN_ACCESS ? "access" : "refresh";
    if (strcmp(type, want) != 0)
        goto out;
    out->type = expected;
    errno = 0;
    out->iat = jwt_get_grant_int(jwt, "iat");
    if (errno != 0)
        goto out;
    out->exp = jwt_get_grant_int(jwt, "exp");
    if (errno != 0 || out->exp <= 0)
        goto out;
    if (out->iat > now + CLOCK_SKEW_S)
        goto out; /* issued in the future: not yet valid */
    st = now >= out->exp ? TOKEN_EXPIRED : TOKEN_OK;
out:
    jwt_free(jwt);
    return st;
}
