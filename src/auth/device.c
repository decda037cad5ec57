#include "auth/device.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "core/errors.h"

#define DEVICE_VERSION     "v1"
#define DEVICE_KEY_LABEL   "interviewace device cookie v1"
#define DEVICE_MAC_B64_LEN 43 /* 32 bytes, base64url without padding */
#define DEVICE_ISSUED_MAX  19 /* decimal digits of an int64 */
#define DEVICE_CLOCK_SKEW  30

void device_new_id(char out[DEVICE_ID_LEN])
{
    unsigned char raw[16];
    randombytes_buf(raw, sizeof(raw));
    sodium_bin2hex(out, DEVICE_ID_LEN, raw, sizeof(raw));
}

/* The signing key: HMAC-SHA256 of a fixed label under SECRET_KEY, so that device cookies and
 * JWTs (which HMAC under SECRET_KEY itself) never share a key. */
static void derive_key(const char *secret, unsigned char key[crypto_auth_hmacsha256_KEYBYTES])
{
    crypto_auth_hmacsha256_state st;
    crypto_auth_hmacsha256_init(&st, (const unsigned char *)secret, strlen(secret));
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)DEVICE_KEY_LABEL,
                                  strlen(DEVICE_KEY_LABEL));
    crypto_auth_hmacsha256_final(&st, key);
    sodium_memzero(&st, sizeof(st));
}

/* The base64url MAC of the len bytes at payload, NUL-terminated, into out. */
static void mac_b64(const char *secret, const char *payload, size_t len,
                    char out[DEVICE_MAC_B64_LEN + 1])
{
    unsigned char key[crypto_auth_hmacsha256_KEYBYTES];
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    derive_key(secret, key);
    crypto_auth_hmacsha256_state st;
    crypto_auth_hmacsha256_init(&st, key, sizeof(key));
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)payload, len);
    crypto_auth_hmacsha256_final(&st, mac);
    sodium_bin2base64(out, DEVICE_MAC_B64_LEN + 1, mac, sizeof(mac),
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(key, sizeof(key));
    sodium_memzero(&st, sizeof(st));
}

/* True when the len bytes at s are 1..max characters, each a lowercase hex digit or (with
 * dash) a '-': the shapes of user ids (UUIDs) and device ids. */
static bool id_shape(const char *s, size_t len, size_t max, bool dash)
{
    if (len == 0 || len > max)
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (dash && c == '-')))
            return false;
    }
    return true;
}

int device_cookie_sign(const char *secret, const device_claims *c, char *out, size_t outlen)
{
    if (!id_shape(c->user_id, strlen(c->user_id), DEVICE_USER_MAX - 1, true) ||
        strlen(c->device_id) != DEVICE_ID_LEN - 1 ||
        !id_shape(c->device_id, DEVICE_ID_LEN - 1, DEVICE_ID_LEN - 1, false) || c->issued < 0)
        return IA_ERR_INVALID;
    char payload[DEVICE_COOKIE_MAX];
    int n = snprintf(payload, sizeof(payload), DEVICE_VERSION ".%s.%s.%lld", c->user_id,
                     c->device_id, (long long)c->issued);
    if (n < 0 || (size_t)n >= sizeof(payload))
        return IA_ERR_TOO_LARGE;
    char mac[DEVICE_MAC_B64_LEN + 1];
    mac_b64(secret, payload, (size_t)n, mac);
    int m = snprintf(out, outlen, "%s.%s", payload, mac);
    if (m < 0 || (size_t)m >= outlen || m > DEVICE_COOKIE_MAX)
        return IA_ERR_TOO_LARGE;
    return IA_OK;
}

bool device_cookie_verify(const char *secret, const char *value, size_t len, int64_t now,
                          int64_t max_age_s, device_claims *out)
{
    if (value == NULL || len > DEVICE_COOKIE_MAX || len < DEVICE_MAC_B64_LEN + 2)
        return false;
    /* Split at the four dots: version, user id, device id, issued, MAC. */
    const char *part[5] = { NULL, NULL, NULL, NULL, NULL };
    size_t plen[5] = { 0, 0, 0, 0, 0 };
    size_t p = 0, start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i == len || value[i] == '.') {
            if (p == 5)
                return false;
            part[p] = value + start;
            plen[p] = i - start;
            p++;
            start = i + 1;
        }
    }
    if (p != 5 || plen[0] != strlen(DEVICE_VERSION) ||
        memcmp(part[0], DEVICE_VERSION, plen[0]) != 0 ||
        !id_shape(part[1], plen[1], DEVICE_USER_MAX - 1, true) || plen[2] != DEVICE_ID_LEN - 1 ||
        !id_shape(part[2], plen[2], plen[2], false) || plen[3] == 0 ||
        plen[3] > DEVICE_ISSUED_MAX || plen[4] != DEVICE_MAC_B64_LEN)
        return false;
    int64_t issued = 0;
    for (size_t i = 0; i < plen[3]; i++) {
        char c = part[3][i];
        if (c < '0' || c > '9' || (plen[3] > 1 && i == 0 && c == '0'))
            return false;
        if (issued > (INT64_MAX - (c - '0')) / 10)
            return false;
        issued = issued * 10 + (c - '0');
    }
    char mac[DEVICE_MAC_B64_LEN + 1];
    mac_b64(secret, value, (size_t)(part[4] - value) - 1, mac);
    if (sodium_memcmp(mac, part[4], DEVICE_MAC_B64_LEN) != 0)
        return false;
    if (issued > now + DEVICE_CLOCK_SKEW || now - issued >= max_age_s)
        return false;
    memcpy(out->user_id, part[1], plen[1]);
    out->user_id[plen[1]] = '\0';
    memcpy(out->device_id, part[2], plen[2]);
    out->device_id[plen[2]] = '\0';
    out->issued = issued;
    return true;
}

bool device_cookie_find(const char *secret, const char *cookie_header, const char *user_id,
                        int64_t now, int64_t max_age_s, device_claims *out)
{
    static const char name[] = DEVICE_COOKIE_NAME "=";
    const size_t nlen = sizeof(name) - 1;
    const char *c = cookie_header;
    while (c != NULL && *c) {
        while (*c == ' ' || *c == '\t' || *c == ';')
            c++;
        size_t n = strcspn(c, ";");
        if (n > nlen && strncmp(c, name, nlen) == 0) {
            const char *v = c + nlen;
            size_t vlen = n - nlen;
            while (vlen > 0 && (v[vlen - 1] == ' ' || v[vlen - 1] == '\t'))
                vlen--;
            if (vlen >= 2 && v[0] == '"' && v[vlen - 1] == '"') {
                v++;
                vlen -= 2;
            }
            device_claims got;
            if (device_cookie_verify(secret, v, vlen, now, max_age_s, &got) &&
                strcmp(got.user_id, user_id) == 0) {
                *out = got;
                return true;
            }
        }
        c += n;
    }
    return false;
}
