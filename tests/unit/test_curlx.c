/* Checked libcurl options (src/core/curlx.c): a failing curl_easy_setopt is kept with its
 * name, the options after it are not set, and a transfer that is fully set up reports CURLE_OK. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "core/curlx.h"

/* A new handle with its URL set through o; the caller cleans it up. */
static CURL *new_handle(curlx_opts *o)
{
    CURL *c = curl_easy_init();
    assert_non_null(c);
    curlx_init(o, c);
    CURLX_SET(o, CURLOPT_URL, "http://127.0.0.1:9/");
    return c;
}

static void test_options_that_take_leave_the_result_ok(void **state)
{
    (void)state;
    curlx_opts o;
    CURL *c = new_handle(&o);
    CURLX_SET(&o, CURLOPT_TIMEOUT_MS, 1000L);
    CURLX_SET(&o, CURLOPT_PROTOCOLS_STR, "http,https");
    assert_int_equal(o.rc, CURLE_OK);
    assert_null(o.failed);
    curl_easy_cleanup(c);
}

static void test_the_first_failure_is_kept_and_later_options_are_skipped(void **state)
{
    (void)state;
    curlx_opts o;
    CURL *c = new_handle(&o);
    CURLX_SET(&o, CURLOPT_PROTOCOLS_STR, "no-such-protocol");
    assert_int_not_equal(o.rc, CURLE_OK);
    assert_string_equal(o.failed, "CURLOPT_PROTOCOLS_STR");
    CURLcode first = o.rc;
    CURLX_SET(&o, CURLOPT_SSLVERSION, 999999L); /* would fail too: skipped, the first is kept */
    assert_int_equal(o.rc, first);
    assert_string_equal(o.failed, "CURLOPT_PROTOCOLS_STR");
    assert_int_equal(curlx_note(&o, CURLE_OUT_OF_MEMORY, "CURLOPT_OTHER"), first);
    curl_easy_cleanup(c);
}

static void test_a_missing_handle_fails_before_any_option(void **state)
{
    (void)state;
    curlx_opts o;
    curlx_init(&o, NULL);
    assert_int_equal(o.rc, CURLE_FAILED_INIT);
    CURLX_SET(&o, CURLOPT_URL, "http://127.0.0.1:9/"); /* not called with a NULL handle */
    assert_int_equal(o.rc, CURLE_FAILED_INIT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_options_that_take_leave_the_result_ok),
        cmocka_unit_test(test_the_first_failure_is_kept_and_later_options_are_skipped),
        cmocka_unit_test(test_a_missing_handle_fails_before_any_option),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
