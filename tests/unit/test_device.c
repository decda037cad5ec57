/* Unit tests of src/auth/device.c: device cookies are signed under a key derived from
 * SECRET_KEY, verify only unchanged, under their own secret, within their lifetime, and are
 * found in a Cookie header for the account they name. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "auth/device.h"
#include "core/errors.h"
#include "core/util.h"

#define SECRET "0123456789abcdef0123456789abcdef-unit-test-secret"
#define USER   "0190f1c2-7a3b-7c4d-8e5f-0123456789ab"
#define OTHER  "0190f1c2-7a3b-7c4d-8e5f-ba9876543210"
#define NOW    1800000000LL
#define YEAR   (365LL * 86400)

static device_claims claims(const char *user, int64_t issued)
{
    device_claims c = { .issued = issued };
    snprintf(c.user_id, sizeof(c.user_id), "%s", user);
    snprintf(c.device_id, sizeof(c.device_id), "0123456789abcdef0123456789abcdef");
    return c;
}

static void sign(const device_claims *c, char out[DEVICE_COOKIE_MAX + 1])
{
    assert_int_equal(device_cookie_sign(SECRET, c, out, DEVICE_COOKIE_MAX + 1), IA_OK);
}

static bool verify(const char *value, int64_t now, device_claims *out)
{
    return device_cookie_verify(SECRET, value, strlen(value), now, YEAR, out);
}

static void test_a_signed_cookie_verifies_with_its_claims(void **state)
{
    (void)state;
    device_claims c = claims(USER, NOW), got;
    char v[DEVICE_COOKIE_MAX + 1];
    sign(&c, v);
    static const char prefix[] = "v1." USER ".0123456789abcdef0123456789abcdef.1800000000.";
    assert_memory_equal(v, prefix, sizeof(prefix) - 1);
    assert_int_equal(strlen(v), sizeof(prefix) - 1 + 43);
    assert_true(verify(v, NOW, &got));
    assert_string_equal(got.user_id, USER);
    assert_string_equal(got.device_id, c.device_id);
    assert_int_equal(got.issued, NOW);
}

static void test_fresh_device_ids_are_random_hex(void **state)
{
    (void)state;
    char a[DEVICE_ID_LEN], b[DEVICE_ID_LEN];
    device_new_id(a);
    device_new_id(b);
    assert_int_equal(strlen(a), 32);
    assert_int_equal(strspn(a, "0123456789abcdef"), 32);
    assert_string_not_equal(a, b);
}

static void test_any_change_breaks_the_signature(void **state)
{
    (void)state;
    device_claims c = claims(USER, NOW), got;
    char v[DEVICE_COOKIE_MAX + 1];
    sign(&c, v);
    size_t n = strlen(v);
    for (size_t i = 0; i < n; i++) {
        char copy[DEVICE_COOKIE_MAX + 1];
        memcpy(copy, v, n + 1);
        copy[i] = copy[i] == '1' ? '2' : '1';
        if (verify(copy, NOW, &got))
            fail_msg("a change at byte %zu still verified: %s", i, copy);
    }
    /* Another user's id in place of ours: the MAC no longer matches. */
    char swapped[DEVICE_COOKIE_MAX + 1];
    memcpy(swapped, v, n + 1);
    memcpy(swapped + 3, OTHER, strlen(OTHER));
    assert_false(verify(swapped, NOW, &got));
    /* Under another secret nothing verifies. */
    assert_false(
        device_cookie_verify("another-secret-0123456789abcdefghijklmnop", v, n, NOW, YEAR, &got));
}

static void test_expired_and_future_cookies_are_refused(void **state)
{
    (void)state;
    device_claims got;
    char v[DEVICE_COOKIE_MAX + 1];
    device_claims old = claims(USER, NOW - YEAR);
    sign(&old, v);
    assert_false(verify(v, NOW, &got));
    assert_true(verify(v, NOW - 1, &got));
    device_claims future = claims(USER, NOW + 3600);
    sign(&future, v);
    assert_false(verify(v, NOW, &got));
}

static void test_malformed_values_are_refused(void **state)
{
    (void)state;
    device_claims got;
    device_claims c = claims(USER, NOW);
    char v[DEVICE_COOKIE_MAX + 1];
    sign(&c, v);
    char extra[DEVICE_COOKIE_MAX + 8];
    snprintf(extra, sizeof(extra), "%s.x", v);
    static const char *const bad[] = {
        "",
        "v1",
        "v1....",
        "v2.a.b.1.x",
        "....................................................",
        "v1." USER
        ".0123456789abcdef0123456789abcdef.01800000000."
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "v1." USER
        ".0123456789ABCDEF0123456789abcdef.1800000000."
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "v1." USER
        ".0123456789abcdef0123456789abcdef.99999999999999999999."
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    };
    for (size_t i = 0; i < COUNT(bad); i++)
        if (verify(bad[i], NOW, &got))
            fail_msg("'%s' verified", bad[i]);
    assert_false(verify(extra, NOW, &got));
    /* Claims of the wrong shape are not signed. */
    device_claims upper = claims("NOT-HEX", NOW);
    assert_int_equal(device_cookie_sign(SECRET, &upper, v, sizeof(v)), IA_ERR_INVALID);
    device_claims small = claims(USER, NOW);
    assert_int_equal(device_cookie_sign(SECRET, &small, v, 20), IA_ERR_TOO_LARGE);
}

static void test_the_cookie_of_the_account_is_found_in_a_header(void **state)
{
    (void)state;
    device_claims mine = claims(USER, NOW), theirs = claims(OTHER, NOW), got;
    snprintf(theirs.device_id, sizeof(theirs.device_id), "ffffffffffffffffffffffffffffffff");
    char a[DEVICE_COOKIE_MAX + 1], b[DEVICE_COOKIE_MAX + 1], header[1024];
    sign(&mine, a);
    sign(&theirs, b);
    snprintf(header, sizeof(header),
             "theme=dark; " DEVICE_COOKIE_NAME "=%s;" DEVICE_COOKIE_NAME "=%s ; refresh_token=x", b,
             a);
    assert_true(device_cookie_find(SECRET, header, USER, NOW, YEAR, &got));
    assert_string_equal(got.device_id, mine.device_id);
    assert_true(device_cookie_find(SECRET, header, OTHER, NOW, YEAR, &got));
    assert_string_equal(got.device_id, theirs.device_id);
    assert_false(device_cookie_find(SECRET, header, "0190f1c2-0000-7000-8000-000000000000", NOW,
                                    YEAR, &got));
    assert_false(device_cookie_find(SECRET, NULL, USER, NOW, YEAR, &got));
    assert_false(device_cookie_find(SECRET, "x" DEVICE_COOKIE_NAME "=abc", USER, NOW, YEAR, &got));
    /* A quoted value is accepted, as RFC 6265 allows. */
    snprintf(header, sizeof(header), DEVICE_COOKIE_NAME "=\"%s\"", a);
    assert_true(device_cookie_find(SECRET, header, USER, NOW, YEAR, &got));
}

int main(void)
{
    if (sodium_init() < 0)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_a_signed_cookie_verifies_with_its_claims),
        cmocka_unit_test(test_fresh_device_ids_are_random_hex),
        cmocka_unit_test(test_any_change_breaks_the_signature),
        cmocka_unit_test(test_expired_and_future_cookies_are_refused),
        cmocka_unit_test(test_malformed_values_are_refused),
        cmocka_unit_test(test_the_cookie_of_the_account_is_found_in_a_header),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
