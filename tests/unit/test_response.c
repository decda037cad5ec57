/* Response helpers (src/http/response.c): a JSON body that could not be built is an error for
 * the normal failure path (a 500), never a 200 whose body is the text "null". */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "core/errors.h"
#include "core/log.h"
#include "http/http.h"

/* An empty response whose arena is a (created here; the caller destroys it). */
static http_res new_response(arena **a)
{
    *a = arena_create(1 << 16);
    assert_non_null(*a);
    http_res res;
    memset(&res, 0, sizeof(res));
    res.arena = *a;
    return res;
}

static void test_a_missing_body_is_an_error_and_writes_nothing(void **state)
{
    (void)state;
    arena *a;
    http_res res = new_response(&a);
    assert_int_equal(http_json(&res, 200, NULL), IA_ERR_NOMEM);
    assert_int_equal(res.status, 0); /* left empty: the server answers 500 for the code */
    assert_null(res.body);
    /* A json_pack whose arguments do not match its format gives NULL: the same path. */
    assert_int_equal(http_json(&res, 200, json_pack("{s:s}", "key", NULL)), IA_ERR_NOMEM);
    assert_int_equal(res.status, 0);
    arena_destroy(a);
}

static void test_a_body_is_rendered(void **state)
{
    (void)state;
    arena *a;
    http_res res = new_response(&a);
    assert_int_equal(http_json(&res, 200, json_pack("{s:i}", "n", 1)), IA_OK);
    assert_int_equal(res.status, 200);
    assert_int_equal(res.body_len, strlen("{\"n\":1}"));
    assert_memory_equal(res.body, "{\"n\":1}", res.body_len);
    assert_int_equal(http_json(&res, 200, json_null()), IA_OK); /* an explicit null is a value */
    assert_memory_equal(res.body, "null", 4);
    arena_destroy(a);
}

int main(void)
{
    log_configure(LOG_ERROR + 1, false); /* the expected error lines are not this test's output */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_a_missing_body_is_an_error_and_writes_nothing),
        cmocka_unit_test(test_a_body_is_rendered),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
