/* Unit tests for src/http/validate.c: code points of UTF-8 strings (well-formed only: the
 * overlong forms, surrogates and out-of-range sequences tests/fuzz/fuzz_utf8 found counted are
 * refused), the search parameter (which must not reach the database unless it is UTF-8), the
 * page parameters, and a body checked against its fields. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "core/arena.h"
#include "core/errors.h"
#include "http/http.h"
#include "http/validate.h"

static void test_utf8_length_counts_code_points(void **state)
{
    (void)state;
    assert_int_equal(validate_utf8_length(""), 0);
    assert_int_equal(validate_utf8_length("abc"), 3);
    assert_int_equal(validate_utf8_length("\xc3\xa9t\xc3\xa9"), 3);            /* été */
    assert_int_equal(validate_utf8_length("\xe4\xb8\xad\xf0\x9f\x98\x80"), 2); /* 中😀 */
    assert_int_equal(validate_utf8_length("\xf4\x8f\xbf\xbf"), 1);             /* U+10FFFF */
}

static void test_utf8_length_refuses_malformed_sequences(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "\xc0\x80",         /* overlong NUL */
        "\xc1\xbf",         /* overlong */
        "\xe0\x80\xaf",     /* overlong '/' */
        "\xed\xa0\x80",     /* a surrogate */
        "\xf4\x90\x80\x80", /* past U+10FFFF */
        "\xf5\x80\x80\x80", /* no such lead byte */
        "\x80",             /* a stray continuation */
        "a\xc3",            /* truncated */
        "\xe2\x82",         /* truncated */
        "\xff",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        if (validate_utf8_length(bad[i]) != -1)
            fail_msg("malformed sequence %zu counted", i);
}

typedef struct {
    arena *a;
    http_req req;
    http_res res;
    http_kv query[4];
} fixture;

static void setup_request(fixture *fx, const char *name, const char *value)
{
    memset(fx, 0, sizeof(*fx));
    fx->a = arena_create(1 << 20);
    assert_non_null(fx->a);
    fx->req.arena = fx->a;
    fx->res.arena = fx->a;
    fx->query[0] = (http_kv){ name, value };
    fx->req.query = fx->query;
    fx->req.nquery = 1;
}

/* The search value s is accepted (want_ok) or refused with a 422. */
static void check_search(const char *s, bool want_ok)
{
    fixture fx;
    setup_request(&fx, "search", s);
    const char *out = NULL;
    int rc = validate_search(&fx.req, &fx.res, &out);
    if (want_ok) {
        assert_int_equal(rc, IA_OK);
        assert_int_equal(fx.res.status, 0);
    } else {
        assert_int_equal(rc, IA_ERR_INVALID);
        assert_int_equal(fx.res.status, 422);
    }
    arena_destroy(fx.a);
}

static void test_search_must_be_short_utf8(void **state)
{
    (void)state;
    char hundred[101], longer[102];
    memset(hundred, 'x', 100);
    hundred[100] = '\0';
    memset(longer, 'x', 101);
    longer[101] = '\0';
    check_search("python", true);
    check_search("", true);
    check_search(hundred, true);
    check_search("r\xc3\xa9sum\xc3\xa9", true);
    check_search(longer, false);
    check_search("\xff", false);
    check_search("ab\xc0\xaf", false);
}

static void test_pagination_bounds(void **state)
{
    (void)state;
    static const struct {
        const char *name, *value;
        bool ok;
    } cases[] = {
        { "limit", "1", true },    { "limit", "100", true }, { "limit", "0", false },
        { "limit", "101", false }, { "skip", "0", true },    { "skip", "-1", false },
        { "skip", "1e3", false },  { "limit", "", false },   { "skip", "99999999999", true },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        fixture fx;
        setup_request(&fx, cases[i].name, cases[i].value);
        long long skip, limit;
        int rc = validate_pagination(&fx.req, &fx.res, 20, &skip, &limit);
        if ((rc == IA_OK) != cases[i].ok)
            fail_msg("%s=%s: %s", cases[i].name, cases[i].value,
                     rc == IA_OK ? "accepted" : "refused");
        arena_destroy(fx.a);
    }
}

static void test_body_fields_are_checked_together(void **state)
{
    (void)state;
    static const v_field fields[] = {
        { "email", V_STRING, V_REQUIRED | V_EMAIL, 1, 254, NULL, 0, 0 },
        { "count", V_INT, 0, 5, 30, NULL, 0, 0 },
    };
    fixture fx;
    setup_request(&fx, "x", "y");
    fx.req.body = "{\"email\":\"  Jane@Example.COM \",\"count\":7}";
    fx.req.body_len = strlen(fx.req.body);
    v_value out[2];
    assert_int_equal(validate_body(&fx.req, &fx.res, fields, 2, out, NULL), IA_OK);
    assert_string_equal(out[0].s, "jane@example.com");
    assert_int_equal(out[1].i, 7);
    fx.req.body = "{\"count\":4,\"admin\":true}";
    fx.req.body_len = strlen(fx.req.body);
    assert_int_equal(validate_body(&fx.req, &fx.res, fields, 2, out, NULL), IA_ERR_INVALID);
    assert_int_equal(fx.res.status, 422);
    /* three problems, one response: the unknown field, the missing e-mail, the low count */
    assert_non_null(strstr(fx.res.body, "extra_forbidden"));
    assert_non_null(strstr(fx.res.body, "missing"));
    assert_non_null(strstr(fx.res.body, "greater_than_equal"));
    arena_destroy(fx.a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_utf8_length_counts_code_points),
        cmocka_unit_test(test_utf8_length_refuses_malformed_sequences),
        cmocka_unit_test(test_search_must_be_short_utf8),
        cmocka_unit_test(test_pagination_bounds),
        cmocka_unit_test(test_body_fields_are_checked_together),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
