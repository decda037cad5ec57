/* Device cookies (OWASP "Slow Down Online Guessing Attacks with Device Cookies"): after a
 * successful login the browser gets a cookie that names the account, a random device id and
 * the time it was issued, signed with HMAC-SHA256 under a key derived from SECRET_KEY. A login
 * that presents a valid cookie for the account it names is judged against that device's own
 * failure budget, so that strangers guessing passwords cannot lock its owner out.
 *
 * The value is "v1.<user id>.<device id>.<issued, Unix seconds>.<MAC, base64url>"; the MAC
 * covers everything before its dot. */
#ifndef IA_AUTH_DEVICE_H
#define IA_AUTH_DEVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DEVICE_COOKIE_NAME "ia_device"
#define DEVICE_COOKIE_MAX  256 /* longest value accepted or produced */
#define DEVICE_ID_LEN      33  /* 32 lowercase hex digits and the NUL */
#define DEVICE_USER_MAX    64  /* longest user id, NUL included */

typedef struct {
    char user_id[DEVICE_USER_MAX];
    char device_id[DEVICE_ID_LEN];
    int64_t issued; /* Unix seconds */
} device_claims;

/* Writes a fresh random device id (128 bits, hex) into out. */
void device_new_id(char out[DEVICE_ID_LEN]);

/* Signs claims into out (NUL-terminated, at most DEVICE_COOKIE_MAX bytes). IA_OK, or
 * IA_ERR_INVALID when a claim has the wrong shape or IA_ERR_TOO_LARGE when out is too small. */
int device_cookie_sign(const char *secret, const device_claims *c, char *out, size_t outlen);

/* True when the len bytes at value are a well-formed cookie value signed under secret, issued
 * no later than now (plus a small clock skew) and less than max_age_s seconds before now; fills
 * *out then. Anything else (malformed, forged, expired) is false. */
bool device_cookie_verify(const char *secret, const char *value, size_t len, int64_t now,
                          int64_t max_age_s, device_claims *out);

/* Scans a Cookie request header (NULL allowed) for DEVICE_COOKIE_NAME values and returns true
 * with *out for the first one that verifies and names user_id; false when none does. */
bool device_cookie_find(const char *secret, const char *cookie_header, const char *user_id,
                        int64_t now, int64_t max_age_s, device_claims *out);

#endif
