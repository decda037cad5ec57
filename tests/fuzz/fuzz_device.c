/* Fuzzes device cookies (src/auth/device.c): the input is a Cookie request header, scanned for
 * ia_device values of one account, and also a single cookie value verified on its own. A
 * fuzzer cannot forge the HMAC, so an input that starts with '!' is a cookie payload
 * ("v1.<user>.<device>.<issued>") signed here with the secret: that reaches the checks behind
 * the signature (shapes, issue time, lifetime). Checked: an accepted cookie has well-formed
 * claims of the account asked for, re-signs to the same value, and fails under another
 * secret. */
#include <sodium.h>
#include <string.h>

#include "auth/device.h"
#include "fuzz.h"

#define SECRET "fuzz-secret-0123456789abcdefghijklmnopqrstuvwxyz"
#define USER   "0190f1c2-7a3b-7c4d-8e5f-0123456789ab"
#define NOW    1800000000LL
#define YEAR   (365LL * 86400)

/* "<payload>.<MAC>" as device.c signs it: HMAC-SHA256 under HMAC(SECRET, label); malloc'ed. */
static char *signed_value(const uint8_t *data, size_t size)
{
    unsigned char key[crypto_auth_hmacsha256_BYTES], mac[crypto_auth_hmacsha256_BYTES];
    static const char label[] = "interviewace device cookie v1";
    crypto_auth_hmacsha256_state st;
    crypto_auth_hmacsha256_init(&st, (const unsigned char *)SECRET, strlen(SECRET));
    crypto_auth_hmacsha256_update(&st, (const unsigned char *)label, strlen(label));
    crypto_auth_hmacsha256_final(&st, key);
    crypto_auth_hmacsha256_init(&st, key, sizeof(key));
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
    return t;
}

/* The invariants of an accepted cookie value. */
static void check_accepted(const char *value, size_t len, const device_claims *c)
{
    fuzz_check(strlen(c->device_id) == DEVICE_ID_LEN - 1, "a device id of 32 hex digits");
    fuzz_check(c->user_id[0] != '\0', "a user id");
    fuzz_check(c->issued <= NOW + 60 && NOW - c->issued < YEAR, "within its lifetime");
    char again[DEVICE_COOKIE_MAX + 1];
    fuzz_check(device_cookie_sign(SECRET, c, again, sizeof(again)) == 0, "claims re-sign");
    fuzz_check(strlen(again) == len && memcmp(again, value, len) == 0, "one value per claims");
    device_claims other;
    fuzz_check(!device_cookie_verify("another-secret-0123456789abcdefghijklmnop", value, len, NOW,
                                     YEAR, &other),
               "a cookie verifies under one secret only");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *input =
        size > 0 && data[0] == '!' ? signed_value(data + 1, size - 1) : fuzz_strndup(data, size);
    if (input == NULL)
        return 0;
    device_claims c;
    size_t len = strlen(input);
    if (device_cookie_verify(SECRET, input, len, NOW, YEAR, &c))
        check_accepted(input, len, &c);
    if (device_cookie_find(SECRET, input, USER, NOW, YEAR, &c))
        fuzz_check(strcmp(c.user_id, USER) == 0, "the cookie found names the account asked for");
    free(input);
    return 0;
}
