/* Unit tests of src/auth: tokens (HS256 pinned, claims checked), bcrypt with its 72-byte
 * limit, rehashing and the start-up dummy hash, the password policy and the lockout
 * arithmetic with its budget decisions. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/lockout.h"
#include "auth/password.h"
#include "auth/token.h"
#include "core/errors.h"
#include "core/util.h"

#define SECRET "0123456789abcdef0123456789abcdef-unit-test-secret"
#define NOW    1800000000

static token_claims claims(token_type type)
{
    token_claims c = { .iat = NOW, .exp = NOW + 900, .type = type };
    snprintf(c.sub, sizeof(c.sub), "user-1");
    snprintf(c.jti, sizeof(c.jti), "jti-1");
    snprintf(c.sid, sizeof(c.sid), "sid-1");
    return c;
}

static char *b64url(const void *data, size_t len)
{
    size_t cap = sodium_base64_ENCODED_LEN(len, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    char *out = malloc(cap);
    sodium_bin2base64(out, cap, data, len, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    return out;
}

/* Builds a token by hand: header and payload JSON, signed with HMAC-SHA256 under key (or
 * left unsigned when key is NULL). */
static char *forge(const char *header, const char *payload, const char *key)
{
    char *h = b64url(header, strlen(header)), *p = b64url(payload, strlen(payload));
    char signing[2048];
    snprintf(signing, sizeof(signing), "%s.%s", h, p);
    char *sig = strdup("");
    if (key != NULL) {
        unsigned char mac[crypto_auth_hmacsha256_BYTES];
        crypto_auth_hmacsha256_state st;
        crypto_auth_hmacsha256_init(&st, (const unsigned char *)key, strlen(key));
        crypto_auth_hmacsha256_update(&st, (const unsigned char *)signing, strlen(signing));
        crypto_auth_hmacsha256_final(&st, mac);
        free(sig);
        sig = b64url(mac, sizeof(mac));
    }
    char *out = malloc(strlen(signing) + strlen(sig) + 2);
    snprintf(out, strlen(signing) + strlen(sig) + 2, "%s.%s", signing, sig);
    free(h);
    free(p);
    free(sig);
    return out;
}

static const char *good_payload =
    "{\"sub\":\"u\",\"jti\":\"j\",\"sid\":\"s\",\"type\":\"access\",\"iss\":\"Interview Ace\","
    "\"aud\":\"interview_ace_api\",\"iat\":1800000000,\"exp\":1800000900}";

static void test_issued_token_verifies_with_its_claims(void **state)
{
    (void)state;
    token_claims c = claims(TOKEN_ACCESS), out;
    char *t = NULL;
    assert_int_equal(token_issue(SECRET, &c, &t), IA_OK);
    assert_int_equal(token_verify(SECRET, t, TOKEN_ACCESS, NOW + 10, &out), TOKEN_OK);
    assert_string_equal(out.sub, "user-1");
    assert_string_equal(out.jti, "jti-1");
    assert_string_equal(out.sid, "sid-1");
    assert_int_equal(out.exp, NOW + 900);
    free(t);
}

static void test_a_hand_made_hs256_token_verifies(void **state)
{
    (void)state;
    token_claims out;
    char *t = forge("{\"alg\":\"HS256\",\"typ\":\"JWT\"}", good_payload, SECRET);
    assert_int_equal(token_verify(SECRET, t, TOKEN_ACCESS, NOW + 1, &out), TOKEN_OK);
    free(t);
}

static void test_tampered_signature_is_invalid(void **state)
{
    (void)state;
    token_claims c = claims(TOKEN_ACCESS), out;
    char *t = NULL;
    assert_int_equal(token_issue(SECRET, &c, &t), IA_OK);
    size_t n = strlen(t);
    t[n - 2] = t[n - 2] == 'A' ? 'B' : 'A';
    assert_int_equal(token_verify(SECRET, t, TOKEN_ACCESS, NOW, &out), TOKEN_INVALID);
    free(t);
}

static void test_other_secret_is_invalid(void **state)
{
    (void)state;
    token_claims c = claims(TOKEN_ACCESS), out;
    char *t = NULL;
    assert_int_equal(token_issue(SECRET, &c, &t), IA_OK);
    assert_int_equal(token_verify(SECRET "x", t, TOKEN_ACCESS, NOW, &out), TOKEN_INVALID);
    free(t);
}

static void test_alg_none_and_other_algorithms_are_refused(void **state)
{
    (void)state;
    token_claims out;
    char *none = forge("{\"alg\":\"none\",\"typ\":\"JWT\"}", good_payload, NULL);
    char *none_signed = forge("{\"alg\":\"none\"}", good_payload, SECRET);
    char *hs512 = forge("{\"alg\":\"HS512\",\"typ\":\"JWT\"}", good_payload, SECRET);
    char *rs256 = forge("{\"alg\":\"RS256\",\"typ\":\"JWT\"}", good_payload, SECRET);
    char *noalg = forge("{\"typ\":\"JWT\"}", good_payload, SECRET);
    assert_int_equal(token_verify(SECRET, none, TOKEN_ACCESS, NOW, &out), TOKEN_INVALID);
    assert_int_equal(token_verify(SECRET, none_signed, TOKEN_ACCESS, NOW, &out), TOKEN_INVALID);
    assert_int_equal(token_verify(SECRET, hs512, TOKEN_ACCESS, NOW, &out), TOKEN_INVALID);
    assert_int_equal(token_verify(SECRET, rs256, TOKEN_ACCESS, NOW, &out), TOKEN_INVALID);
    assert_int_equal(token_verify(SECRET, noalg, TOKEN_ACCESS, NOW, &out), TOKEN_INVALID);
    free(none);
    free(none_signed);
    free(hs512);
    free(rs256);
    free(noalg);
}

static void test_expired_token_is_expired(void **state)
{
    (void)state;
    token_claims c = claims(TOKEN_ACCESS), out;
    char *t = NULL;
    assert_int_equal(token_issue(SECRET, &c, &t), IA_OK);
    assert_int_equal(token_verify(SECRET, t, TOKEN_ACCESS, NOW + 900, &out), TOKEN_EXPIRED);
    free(t);
}

static void test_token_issued_in_the_future_is_not_yet_valid(void **state)
{
    (void)state;
    token_claims c = claims(TOKEN_ACCESS), out;
    char *t = NULL;
    assert_int_equal(token_issue(SECRET, &c, &t), IA_OK);
    assert_int_equal(token_verify(SECRET, t, TOKEN_ACCESS, NOW - 120, &out), TOKEN_INVALID);
    free(t);
}

static void test_wrong_type_audience_or_issuer_is_invalid(void **state)
{
    (void)state;
    token_claims c = claims(TOKEN_REFRESH), out;
    char *t = NULL;
    assert_int_equal(token_issue(SECRET, &c, &t), IA_OK);
    assert_int_equal(token_verify(SECRET, t, TOKEN_ACCESS, NOW, &out), TOKEN_INVALID);
    assert_int_equal(token_verify(SECRET, t, TOKEN_REFRESH, NOW, &out), TOKEN_OK);
    free(t);
    static const char *const payloads[] = {
        "{\"sub\":\"u\",\"jti\":\"j\",\"sid\":\"s\",\"type\":\"access\",\"iss\":\"Other\","
        "\"aud\":\"interview_ace_api\",\"iat\":1800000000,\"exp\":1800000900}",
        "{\"sub\":\"u\",\"jti\":\"j\",\"sid\":\"s\",\"type\":\"access\",\"iss\":\"Interview Ace\","
        "\"aud\":\"other\",\"iat\":1800000000,\"exp\":1800000900}",
        "{\"jti\":\"j\",\"sid\":\"s\",\"type\":\"access\",\"iss\":\"Interview Ace\","
        "\"aud\":\"interview_ace_api\",\"iat\":1800000000,\"exp\":1800000900}",
        "{\"sub\":\"u\",\"jti\":\"j\",\"sid\":\"s\",\"type\":\"access\",\"iss\":\"Interview Ace\","
        "\"aud\":\"interview_ace_api\",\"iat\":1800000000}",
    };
    for (size_t i = 0; i < COUNT(payloads); i++) {
        char *f = forge("{\"alg\":\"HS256\",\"typ\":\"JWT\"}", payloads[i], SECRET);
        if (token_verify(SECRET, f, TOKEN_ACCESS, NOW + 1, &out) != TOKEN_INVALID)
            fail_msg("payload %zu was accepted", i);
        free(f);
    }
}

static void test_garbage_is_invalid(void **state)
{
    (void)state;
    token_claims out;
    static const char *const bad[] = { "", "abc", "a.b", "a.b.c", "....", "eyJ.eyJ.sig" };
    for (size_t i = 0; i < COUNT(bad); i++)
        assert_int_equal(token_verify(SECRET, bad[i], TOKEN_ACCESS, NOW, &out), TOKEN_INVALID);
}

static void test_bcrypt_hash_has_the_cost_and_verifies(void **state)
{
    (void)state;
    char h[PASSWORD_HASH_MAX];
    assert_int_equal(password_hash("Secret#123", 4, h), IA_OK);
    assert_memory_equal(h, "$2b$04$", 7);
    assert_int_equal(strlen(h), 60);
    assert_true(password_verify("Secret#123", h));
    assert_false(password_verify("Secret#124", h));
}

static void test_existing_bcrypt_variants_verify(void **state)
{
    (void)state;
    /* Published test vectors (OpenBSD / John the Ripper) in the three prefixes in use. */
    static const struct {
        const char *pw, *hash;
    } vectors[] = {
        { "U*U", "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW" },
        { "U*U", "$2b$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW" },
        { "U*U", "$2y$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW" },
        { "U*U*", "$2a$05$CCCCCCCCCCCCCCCCCCCCC.VGOzA784oUp/Z0DY336zx7pLYAy0lwK" },
        { "U*U*U", "$2a$05$XXXXXXXXXXXXXXXXXXXXXOAcXxm9kjPGEMsLznoKqmqw7tc8WCx4a" },
    };
    for (size_t i = 0; i < COUNT(vectors); i++) {
        if (!password_verify(vectors[i].pw, vectors[i].hash))
            fail_msg("vector %zu did not verify", i);
        if (password_verify("U*U*U*", vectors[i].hash))
            fail_msg("vector %zu verified a wrong password", i);
    }
    assert_false(password_verify("U*U", "not a hash"));
    assert_false(password_verify("U*U", NULL));
}

static void test_password_policy_table(void **state)
{
    (void)state;
    static const struct {
        const char *pw;
        unsigned broken;
    } cases[] = {
        { "Secret#123", 0 },
        { "Abcdef1 ", 0 },            /* a space counts as special */
        { "Ünïcode1x", PW_NO_UPPER }, /* uppercase means A-Z */
        { "Ünïcode1X", 0 },           /* non-ASCII counts as special */
        { "Sh0rt!", PW_TOO_SHORT },
        { "alllower#1", PW_NO_UPPER },
        { "ALLUPPER#1", PW_NO_LOWER },
        { "NoDigits#!", PW_NO_DIGIT },
        { "NoSpecial12", PW_NO_SPECIAL },
        { "Tab\there#1", PW_BAD_CHAR },
        { "", PW_TOO_SHORT | PW_NO_UPPER | PW_NO_LOWER | PW_NO_DIGIT | PW_NO_SPECIAL },
    };
    for (size_t i = 0; i < COUNT(cases); i++)
        if (password_policy(cases[i].pw) != cases[i].broken)
            fail_msg("'%s': got %#x, expected %#x", cases[i].pw, password_policy(cases[i].pw),
                     cases[i].broken);
    char longpw[140];
    memset(longpw, 'a', 129);
    memcpy(longpw, "A1#", 3);
    longpw[129] = '\0';
    assert_int_equal(password_policy(longpw), PW_TOO_LONG);
    longpw[128] = '\0';
    assert_int_equal(password_policy(longpw), PW_TOO_LONG); /* 128 bytes: over bcrypt's 72 */
    longpw[73] = '\0';
    assert_int_equal(password_policy(longpw), PW_TOO_LONG);
    longpw[72] = '\0';
    assert_int_equal(password_policy(longpw), 0);
    /* Bytes count, not characters: 34 two-byte characters and four ASCII ones are 72 bytes. */
    char wide[160] = "Ab1!";
    for (size_t i = 0; i < 35; i++)
        memcpy(wide + 4 + 2 * i, "\xc3\xa9", 2);
    wide[72] = '\0';
    assert_int_equal(strlen(wide), 72);
    assert_int_equal(password_policy(wide), 0);
    wide[72] = '\xc3';
    wide[74] = '\0';
    assert_int_equal(password_policy(wide), PW_TOO_LONG);
}

static void test_password_over_72_bytes_never_verifies(void **state)
{
    (void)state;
    char pw[101];
    memset(pw, 'x', 100);
    memcpy(pw, "Ab1!", 4);
    pw[100] = '\0';
    char h[PASSWORD_HASH_MAX];
    /* A hash of the first 72 bytes (what bcrypt reads of any longer password). */
    pw[72] = '\0';
    assert_int_equal(password_hash(pw, 4, h), IA_OK);
    assert_true(password_verify(pw, h));
    pw[72] = 'y';
    assert_false(password_verify(pw, h)); /* differs only after byte 72: refused */
}

static void test_rehash_when_the_cost_or_variant_differs(void **state)
{
    (void)state;
    char h[PASSWORD_HASH_MAX];
    assert_int_equal(password_hash("Secret#123", 5, h), IA_OK);
    assert_int_equal(password_hash_cost(h), 5);
    assert_false(password_needs_rehash(h, 5));
    assert_true(password_needs_rehash(h, 4));
    assert_true(password_needs_rehash(h, 12));
    static const char legacy[] = "$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW";
    assert_int_equal(password_hash_cost(legacy), 5);
    assert_true(password_needs_rehash(legacy, 5)); /* $2a$ becomes $2b$ */
    assert_int_equal(password_hash_cost("not a hash"), -1);
    assert_int_equal(password_hash_cost(NULL), -1);
}

static void test_dummy_hash_has_the_configured_cost(void **state)
{
    (void)state;
    char a[PASSWORD_HASH_MAX], b[PASSWORD_HASH_MAX];
    assert_int_equal(password_dummy_hash(6, a), IA_OK);
    assert_int_equal(password_dummy_hash(6, b), IA_OK);
    assert_memory_equal(a, "$2b$06$", 7);
    assert_int_equal(password_hash_cost(a), 6);
    assert_string_not_equal(a, b); /* a random password each time */
    assert_false(password_verify("", a));
    assert_false(password_verify("Secret#123", a));
}

static void test_policy_names_each_broken_rule_in_order(void **state)
{
    (void)state;
    const password_rule *r[PASSWORD_RULES];
    size_t n = password_broken_rules(PW_NO_DIGIT | PW_TOO_SHORT, r, PASSWORD_RULES);
    assert_int_equal(n, 2);
    assert_string_equal(r[0]->type, "password_too_short");
    assert_string_equal(r[1]->type, "password_no_digit");
    assert_non_null(strstr(r[1]->msg, "digit"));
    assert_int_equal(password_broken_rules(0, r, PASSWORD_RULES), 0);
    assert_int_equal(password_broken_rules(~0u, r, PASSWORD_RULES), PASSWORD_RULES);
    assert_int_equal(password_broken_rules(~0u, r, 3), 3); /* never past max */
    assert_string_equal(r[2]->type, "password_no_uppercase");
}

static void test_lockout_window_slides_but_not_past_a_reset(void **state)
{
    (void)state;
    const int64_t min = 60000;
    assert_int_equal(lockout_window_start(100 * min, 15 * min, 0), 85 * min);
    assert_int_equal(lockout_window_start(100 * min, 15 * min, 90 * min), 90 * min);
    assert_false(lockout_reached(4, 5));
    assert_true(lockout_reached(5, 5));
    assert_true(lockout_reached(6, 5));
    assert_int_equal(lockout_retry_after_s(10000, 10000), 0);
    assert_int_equal(lockout_retry_after_s(10001, 10000), 1);
    assert_int_equal(lockout_retry_after_s(10000 + 15 * min, 10000), 900);
    assert_int_equal(lockout_retry_after_s(5000, 10000), 0);
}

static void test_only_untrusted_clients_are_refused_while_locked(void **state)
{
    (void)state;
    const int64_t now = 1000000, later = now + 60000, earlier = now - 60000;
    /* A valid cookie of an unlocked device has its own budget, even while the account is
     * locked for untrusted clients. */
    assert_int_equal(lockout_budget_for(true, 0, now), LOCKOUT_BUDGET_DEVICE);
    assert_int_equal(lockout_budget_for(true, earlier, now), LOCKOUT_BUDGET_DEVICE);
    assert_false(lockout_refuses(LOCKOUT_BUDGET_DEVICE, later, now));
    /* A locked device, or no valid cookie, is an untrusted client. */
    assert_int_equal(lockout_budget_for(true, later, now), LOCKOUT_BUDGET_UNTRUSTED);
    assert_int_equal(lockout_budget_for(false, 0, now), LOCKOUT_BUDGET_UNTRUSTED);
    assert_true(lockout_refuses(LOCKOUT_BUDGET_UNTRUSTED, later, now));
    assert_false(lockout_refuses(LOCKOUT_BUDGET_UNTRUSTED, earlier, now));
    assert_false(lockout_refuses(LOCKOUT_BUDGET_UNTRUSTED, 0, now));
}

int main(void)
{
    if (sodium_init() < 0)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_issued_token_verifies_with_its_claims),
        cmocka_unit_test(test_a_hand_made_hs256_token_verifies),
        cmocka_unit_test(test_tampered_signature_is_invalid),
        cmocka_unit_test(test_other_secret_is_invalid),
        cmocka_unit_test(test_alg_none_and_other_algorithms_are_refused),
        cmocka_unit_test(test_expired_token_is_expired),
        cmocka_unit_test(test_token_issued_in_the_future_is_not_yet_valid),
        cmocka_unit_test(test_wrong_type_audience_or_issuer_is_invalid),
        cmocka_unit_test(test_garbage_is_invalid),
        cmocka_unit_test(test_bcrypt_hash_has_the_cost_and_verifies),
        cmocka_unit_test(test_existing_bcrypt_variants_verify),
        cmocka_unit_test(test_password_policy_table),
        cmocka_unit_test(test_policy_names_each_broken_rule_in_order),
        cmocka_unit_test(test_lockout_window_slides_but_not_past_a_reset),
        cmocka_unit_test(test_password_over_72_bytes_never_verifies),
        cmocka_unit_test(test_rehash_when_the_cost_or_variant_differs),
        cmocka_unit_test(test_dummy_hash_has_the_configured_cost),
        cmocka_unit_test(test_only_untrusted_clients_are_refused_while_locked),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
