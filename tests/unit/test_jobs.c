/* Retry backoff of the job queue. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "jobs/jobs.h"

static void test_backoff_doubles_with_each_attempt(void **state)
{
    (void)state;
    /* With the largest jitter value the delay is the full doubled amount. */
    assert_int_equal(jobs_backoff_ms(1000, 1, 500), 1000);
    assert_int_equal(jobs_backoff_ms(1000, 2, 1000), 2000);
    assert_int_equal(jobs_backoff_ms(1000, 3, 2000), 4000);
    assert_int_equal(jobs_backoff_ms(1000, 4, 4000), 8000);
}

static void test_backoff_jitter_stays_in_the_upper_half(void **state)
{
    (void)state;
    for (uint32_t r = 0; r < 5000; r += 7) {
        int64_t d = jobs_backoff_ms(2000, 3, r * 2654435761u);
        assert_true(d >= 4000 && d <= 8000);
    }
    assert_int_equal(jobs_backoff_ms(2000, 3, 0), 4000);
}

static void test_backoff_is_capped_at_ten_minutes(void **state)
{
    (void)state;
    for (int attempt = 1; attempt < 100; attempt++)
        assert_true(jobs_backoff_ms(2000, attempt, UINT32_MAX) <= 10 * 60 * 1000);
    assert_true(jobs_backoff_ms(2000, 60, 0) >= 5 * 60 * 1000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_backoff_doubles_with_each_attempt),
        cmocka_unit_test(test_backoff_jitter_stays_in_the_upper_half),
        cmocka_unit_test(test_backoff_is_capped_at_ten_minutes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
