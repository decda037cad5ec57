/* Unit tests for src/http/cors.c: the CORS headers of docs/api.md §1.7, exactly, for allowed
 * origins; only Vary for the others; nothing when no origin is configured; never "*". */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <string.h>

#include "http/cors.h"
#include "http/http.h"
#include "core/util.h"

#define ALLOW_METHODS  "GET, POST, PUT, PATCH, DELETE"
#define ALLOW_HEADERS  "Authorization, Content-Type, X-Request-ID, X-Token-Delivery"
#define EXPOSE_HEADERS "X-Request-ID, RateLimit, RateLimit-Policy, Retry-After, Content-Disposition"

static const char *const allowed[] = { "https://app.example.com", "http://localhost:5173" };
static const size_t nallowed = COUNT(allowed);

/* The value of header name among out[0..n), or NULL; fails on a duplicate. */
static const char *header_value(const http_kv *out, size_t n, const char *name)
{
    const char *found = NULL;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(out[i].name, name) != 0)
            continue;
        if (found != NULL)
            fail_msg("header %s appears twice", name);
        found = out[i].value;
    }
    return found;
}

/* Fails when any header value contains "*". */
static void assert_no_wildcard(const http_kv *out, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strchr(out[i].value, '*') != NULL)
            fail_msg("header %s: %s contains a wildcard", out[i].name, out[i].value);
}

/* Fails when any header name starts with Access-Control-. */
static void assert_no_access_control(const http_kv *out, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strncmp(out[i].name, "Access-Control-", 15) == 0)
            fail_msg("unexpected CORS header %s: %s", out[i].name, out[i].value);
}

static void test_allowed_origin_gets_exactly_the_documented_headers(void **state)
{
    (void)state;
    http_kv out[CORS_HEADERS_MAX];
    size_t n = cors_headers(allowed, nallowed, "https://app.example.com", false, out);
    assert_int_equal(n, 3);
    assert_string_equal(header_value(out, n, "Vary"), "Origin");
    assert_string_equal(header_value(out, n, "Access-Control-Allow-Origin"),
                        "https://app.example.com");
    assert_string_equal(header_value(out, n, "Access-Control-Expose-Headers"), EXPOSE_HEADERS);
    assert_null(header_value(out, n, "Access-Control-Allow-Methods"));
    assert_null(header_value(out, n, "Access-Control-Allow-Credentials"));
    assert_no_wildcard(out, n);

    n = cors_headers(allowed, nallowed, "http://localhost:5173", false, out);
    assert_int_equal(n, 3);
    assert_string_equal(header_value(out, n, "Access-Control-Allow-Origin"),
                        "http://localhost:5173");
}

static void test_preflight_from_allowed_origin_gets_methods_headers_and_max_age(void **state)
{
    (void)state;
    http_kv out[CORS_HEADERS_MAX];
    size_t n = cors_headers(allowed, nallowed, "https://app.example.com", true, out);
    assert_int_equal(n, 5);
    assert_string_equal(header_value(out, n, "Vary"), "Origin");
    assert_string_equal(header_value(out, n, "Access-Control-Allow-Origin"),
                        "https://app.example.com");
    assert_string_equal(header_value(out, n, "Access-Control-Allow-Methods"), ALLOW_METHODS);
    assert_string_equal(header_value(out, n, "Access-Control-Allow-Headers"), ALLOW_HEADERS);
    assert_string_equal(header_value(out, n, "Access-Control-Max-Age"), "600");
    assert_no_wildcard(out, n);
}

static void test_other_origins_get_only_vary(void **state)
{
    (void)state;
    static const char *const others[] = {
        "https://evil.example.com",
        "http://app.example.com",      /* other scheme */
        "https://app.example.com:443", /* not listed exactly */
        "https://app.example.com/",
        "https://app.example.com.evil.com",
        "https://APP.EXAMPLE.COM",
        "null",
        "*",
        "",
    };
    for (size_t i = 0; i < COUNT(others); i++) {
        for (int preflight = 0; preflight < 2; preflight++) {
            http_kv out[CORS_HEADERS_MAX];
            size_t n = cors_headers(allowed, nallowed, others[i], preflight != 0, out);
            if (n != 1)
                fail_msg("origin \"%s\" (preflight %d): %zu headers, expected only Vary", others[i],
                         preflight, n);
            assert_string_equal(out[0].name, "Vary");
            assert_string_equal(out[0].value, "Origin");
            assert_no_access_control(out, n);
        }
        assert_false(cors_origin_allowed(allowed, nallowed, others[i]));
    }
}

static void test_missing_origin_header_gets_only_vary(void **state)
{
    (void)state;
    http_kv out[CORS_HEADERS_MAX];
    size_t n = cors_headers(allowed, nallowed, NULL, false, out);
    assert_int_equal(n, 1);
    assert_string_equal(out[0].name, "Vary");
    assert_string_equal(out[0].value, "Origin");
    assert_false(cors_origin_allowed(allowed, nallowed, NULL));
}

static void test_no_configured_origins_means_no_headers_at_all(void **state)
{
    (void)state;
    http_kv out[CORS_HEADERS_MAX];
    assert_int_equal(cors_headers(NULL, 0, "https://app.example.com", false, out), 0);
    assert_int_equal(cors_headers(NULL, 0, "https://app.example.com", true, out), 0);
    assert_int_equal(cors_headers(NULL, 0, NULL, false, out), 0);
    assert_false(cors_origin_allowed(NULL, 0, "https://app.example.com"));
}

static void test_origin_allowed_is_an_exact_match(void **state)
{
    (void)state;
    assert_true(cors_origin_allowed(allowed, nallowed, "https://app.example.com"));
    assert_true(cors_origin_allowed(allowed, nallowed, "http://localhost:5173"));
    assert_false(cors_origin_allowed(allowed, nallowed, "https://app.example.co"));
    assert_false(cors_origin_allowed(allowed, nallowed, "http://localhost:517"));
    assert_false(cors_origin_allowed(allowed, nallowed, "http://localhost:51730"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_allowed_origin_gets_exactly_the_documented_headers),
        cmocka_unit_test(test_preflight_from_allowed_origin_gets_methods_headers_and_max_age),
        cmocka_unit_test(test_other_origins_get_only_vary),
        cmocka_unit_test(test_missing_origin_header_gets_only_vary),
        cmocka_unit_test(test_no_configured_origins_means_no_headers_at_all),
        cmocka_unit_test(test_origin_allowed_is_an_exact_match),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
