/* Unit tests for src/http/validate.c: code points of UTF-8 strings (well-formed only: the
 * overlong forms, surrogates and out-of-range sequences tests/fuzz/fuzz_utf8 found counted are
 * refused), query parameters against their table (the search, which must not reach the
 * database unless it is UTF-8; the page parameters; choices; defaults), and a body checked
 * against its fields, with defaults and the fields whose hook judges their length. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "core/arena.h"
#include "core/errors.h"
#include "core/utf8.h"
#include "http/http.h"
#include "http/validate.h"
#include "core/util.h"

static void test_utf8_length_counts_code_points(void **state)
{
    (void)state;
    assert_int_equal(ia_utf8_length(""), 0);
    assert_int_equal(ia_utf8_length("abc"), 3);
    assert_int_equal(ia_utf8_length("\xc3\xa9t\xc3\xa9"), 3);            /* été */
    assert_int_equal(ia_utf8_length("\xe4\xb8\xad\xf0\x9f\x98\x80"), 2); /* 中😀 */
    assert_int_equal(ia_utf8_length("\xf4\x8f\xbf\xbf"), 1);             /* U+10FFFF */
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
    for (size_t i = 0; i < COUNT(bad); i++)
        if (ia_utf8_length(bad[i]) != -1)
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

static const char *const STATUSES[] = { "pending", "analyzed", "error", NULL };

/* The parameters of a paginated, filtered, searchable list. */
static const v_field list_query[] = {
    V_QUERY_SKIP,
    V_QUERY_LIMIT("20"),
    { "status", V_STRING, 0, 0, 20, STATUSES },
    V_QUERY_SEARCH("a substring"),
    { "format", V_STRING, 0, 0, 10, NULL, .def = "original" },
};

/* The search value s is accepted (want_ok) or refused with a 422. */
static void check_search(const char *s, bool want_ok)
{
    fixture fx;
    setup_request(&fx, "search", s);
    v_value out[V_COUNT(list_query)];
    int rc = validate_query(&fx.req, &fx.res, list_query, V_COUNT(list_query), out);
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
    for (size_t i = 0; i < COUNT(cases); i++) {
        fixture fx;
        setup_request(&fx, cases[i].name, cases[i].value);
        v_value out[V_COUNT(list_query)];
        int rc = validate_query(&fx.req, &fx.res, list_query, V_COUNT(list_query), out);
        if ((rc == IA_OK) != cases[i].ok)
            fail_msg("%s=%s: %s", cases[i].name, cases[i].value,
                     rc == IA_OK ? "accepted" : "refused");
        arena_destroy(fx.a);
    }
}

static void test_query_defaults_and_choices(void **state)
{
    (void)state;
    fixture fx;
    setup_request(&fx, "status", "");
    v_value out[V_COUNT(list_query)];
    /* Absent or empty: the table's defaults, nothing present. */
    assert_int_equal(validate_query(&fx.req, &fx.res, list_query, V_COUNT(list_query), out), IA_OK);
    assert_int_equal(out[0].i, 0);
    assert_int_equal(out[1].i, 20);
    assert_false(out[1].present);
    assert_null(out[2].s);
    assert_null(out[3].s);
    assert_string_equal(out[4].s, "original");
    arena_destroy(fx.a);

    setup_request(&fx, "status", "analyzed");
    assert_int_equal(validate_query(&fx.req, &fx.res, list_query, V_COUNT(list_query), out), IA_OK);
    assert_true(out[2].present);
    assert_string_equal(out[2].s, "analyzed");
    arena_destroy(fx.a);

    setup_request(&fx, "status", "gone");
    assert_int_equal(validate_query(&fx.req, &fx.res, list_query, V_COUNT(list_query), out),
                     IA_ERR_INVALID);
    assert_int_equal(fx.res.status, 422);
    assert_non_null(strstr(fx.res.body, "Input should be 'pending', 'analyzed' or 'error'"));
    arena_destroy(fx.a);
}

static void test_query_problems_are_reported_together(void **state)
{
    (void)state;
    fixture fx;
    setup_request(&fx, "skip", "-1");
    fx.query[1] = (http_kv){ "limit", "ten" };
    fx.query[2] = (http_kv){ "status", "gone" };
    fx.req.nquery = 3;
    v_value out[V_COUNT(list_query)];
    assert_int_equal(validate_query(&fx.req, &fx.res, list_query, V_COUNT(list_query), out),
                     IA_ERR_INVALID);
    assert_non_null(strstr(fx.res.body, "greater_than_equal"));
    assert_non_null(strstr(fx.res.body, "int_type"));
    assert_non_null(strstr(fx.res.body, "\"enum\""));
    arena_destroy(fx.a);
}

static void test_body_defaults_and_policy_fields(void **state)
{
    (void)state;
    static const char *const levels[] = { "easy", "mixed", NULL };
    static const v_field fields[] = {
        { "count", V_INT, 0, 5, 30, .def = "12" },
        { "level", V_STRING, 0, 1, 10, levels, .def = "mixed" },
        { "public", V_BOOL, 0, 0, 0, .def = "true" },
        { "password", V_STRING, V_NO_TRIM | V_POLICY, 8, 128 },
    };
    fixture fx;
    setup_request(&fx, "x", "y");
    fx.req.body = "{\"password\":\"abc\"}";
    fx.req.body_len = strlen(fx.req.body);
    v_value out[V_COUNT(fields)];
    assert_int_equal(validate_body(&fx.req, &fx.res, fields, V_COUNT(fields), out, NULL), IA_OK);
    assert_int_equal(out[0].i, 12);
    assert_false(out[0].present);
    assert_string_equal(out[1].s, "mixed");
    assert_true(out[2].b);
    /* Too short for its table, but the length is the hook's to judge (password_too_short). */
    assert_true(out[3].present);
    assert_string_equal(out[3].s, "abc");
    arena_destroy(fx.a);
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
        cmocka_unit_test(test_query_defaults_and_choices),
        cmocka_unit_test(test_query_problems_are_reported_together),
        cmocka_unit_test(test_body_defaults_and_policy_fields),
        cmocka_unit_test(test_body_fields_are_checked_together),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
