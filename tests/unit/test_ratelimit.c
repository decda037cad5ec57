/* Unit tests for src/http/ratelimit.c: GCRA arithmetic at explicit times, the in-process
 * store (independent keys, bounded size, still answering when full) and the policy table of
 * docs/api.md §1.5. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "core/config.h"
#include "core/errors.h"
#include "http/ratelimit.h"

#define T0        INT64_C(1700000000000) /* an arbitrary wall-clock instant, in ms */
#define WINDOW    INT64_C(60000)
#define SECOND    INT64_C(1000)
#define QUOTA_5   5
#define QUOTA_100 100

/* One GCRA step for quota q, 60 s window, at now. */
static rl_result step(int64_t *tat, int64_t now, long q)
{
    rl_result r;
    memset(&r, 0x5a, sizeof(r));
    rl_gcra(tat, now, q, WINDOW, &r);
    return r;
}

/* ---- rl_gcra -------------------------------------------------------------------------------- */

static void test_gcra_fresh_key_has_quota_minus_one_left_and_resets_after_one_interval(void **state)
{
    (void)state;
    int64_t tat = 0;
    rl_result r = step(&tat, T0, QUOTA_5);
    assert_true(r.allowed);
    assert_int_equal(r.remaining, 4);
    assert_int_equal(r.reset_s, 12);
    assert_int_equal(r.retry_after_s, 0);
    assert_true(tat == T0 + 12 * SECOND);
}

static void test_gcra_allows_a_burst_of_quota_then_refuses_with_retry_after(void **state)
{
    (void)state;
    int64_t tat = 0;
    for (long i = 0; i < QUOTA_5; i++) {
        rl_result r = step(&tat, T0, QUOTA_5);
        if (!r.allowed)
            fail_msg("request %ld of the burst refused", i + 1);
        assert_int_equal(r.remaining, QUOTA_5 - 1 - i);
        assert_int_equal(r.reset_s, 12 * (i + 1));
    }
    int64_t tat_before = tat;
    rl_result r = step(&tat, T0, QUOTA_5);
    assert_false(r.allowed);
    assert_int_equal(r.remaining, 0);
    assert_int_equal(r.retry_after_s, 12);
    assert_int_equal(r.reset_s, 60);
    assert_true(tat == tat_before); /* a refused request costs nothing */

    /* Refused again a moment before the interval has passed. */
    r = step(&tat, T0 + 12 * SECOND - 1, QUOTA_5);
    assert_false(r.allowed);
    assert_int_equal(r.retry_after_s, 1);
}

static void test_gcra_allows_one_more_request_per_interval_after_the_burst(void **state)
{
    (void)state;
    int64_t tat = 0;
    for (int i = 0; i < QUOTA_5; i++)
        assert_true(step(&tat, T0, QUOTA_5).allowed);
    rl_result r = step(&tat, T0 + 12 * SECOND, QUOTA_5);
    assert_true(r.allowed);
    assert_int_equal(r.remaining, 0);
    assert_int_equal(r.reset_s, 60);
    r = step(&tat, T0 + 12 * SECOND, QUOTA_5);
    assert_false(r.allowed);
    assert_int_equal(r.retry_after_s, 12);
    r = step(&tat, T0 + 24 * SECOND, QUOTA_5);
    assert_true(r.allowed);
}

static void test_gcra_quota_is_fully_restored_after_the_window(void **state)
{
    (void)state;
    int64_t tat = 0;
    for (int i = 0; i < QUOTA_5; i++)
        assert_true(step(&tat, T0, QUOTA_5).allowed);
    assert_false(step(&tat, T0, QUOTA_5).allowed);
    int64_t later = T0 + WINDOW;
    for (long i = 0; i < QUOTA_5; i++) {
        rl_result r = step(&tat, later, QUOTA_5);
        if (!r.allowed)
            fail_msg("request %ld after the window refused", i + 1);
        assert_int_equal(r.remaining, QUOTA_5 - 1 - i);
    }
    assert_false(step(&tat, later, QUOTA_5).allowed);

    /* Long after, it is a fresh key again. */
    rl_result r = step(&tat, T0 + 3600 * SECOND, QUOTA_5);
    assert_true(r.allowed);
    assert_int_equal(r.remaining, 4);
    assert_int_equal(r.reset_s, 12);
}

static void test_gcra_quota_100_resets_in_one_second_after_one_request(void **state)
{
    (void)state;
    int64_t tat = 0;
    rl_result r = step(&tat, T0, QUOTA_100);
    assert_true(r.allowed);
    assert_int_equal(r.remaining, 99);
    assert_int_equal(r.reset_s, 1);
    for (int i = 1; i < QUOTA_100; i++)
        assert_true(step(&tat, T0, QUOTA_100).allowed);
    r = step(&tat, T0, QUOTA_100);
    assert_false(r.allowed);
    assert_int_equal(r.retry_after_s, 1); /* 0.6 s, rounded up */
    assert_int_equal(r.reset_s, 60);
}

static void test_gcra_quota_1_refuses_until_the_whole_window_passed(void **state)
{
    (void)state;
    int64_t tat = 0;
    rl_result r = step(&tat, T0, 1);
    assert_true(r.allowed);
    assert_int_equal(r.remaining, 0);
    assert_int_equal(r.reset_s, 60);
    r = step(&tat, T0 + 30 * SECOND, 1);
    assert_false(r.allowed);
    assert_int_equal(r.retry_after_s, 30);
    assert_int_equal(r.reset_s, 30);
    assert_true(step(&tat, T0 + 60 * SECOND, 1).allowed);
}

/* ---- the memory store ----------------------------------------------------------------------- */

static void test_store_keys_are_limited_independently(void **state)
{
    (void)state;
    rl_store *s = rl_memory_create(1024);
    assert_non_null(s);
    rl_result r;
    for (int i = 0; i < QUOTA_5; i++) {
        assert_int_equal(rl_check(s, "ip:192.0.2.1", QUOTA_5, WINDOW, T0, &r), IA_OK);
        assert_true(r.allowed);
        assert_int_equal(r.remaining, QUOTA_5 - 1 - i);
    }
    assert_int_equal(rl_check(s, "ip:192.0.2.1", QUOTA_5, WINDOW, T0, &r), IA_OK);
    assert_false(r.allowed);
    assert_int_equal(r.retry_after_s, 12);

    assert_int_equal(rl_check(s, "ip:192.0.2.2", QUOTA_5, WINDOW, T0, &r), IA_OK);
    assert_true(r.allowed);
    assert_int_equal(r.remaining, 4);

    /* The exhausted key stays exhausted. */
    assert_int_equal(rl_check(s, "ip:192.0.2.1", QUOTA_5, WINDOW, T0 + SECOND, &r), IA_OK);
    assert_false(r.allowed);
    assert_int_equal(r.retry_after_s, 11);
    /* And recovers one request per interval. */
    assert_int_equal(rl_check(s, "ip:192.0.2.1", QUOTA_5, WINDOW, T0 + 12 * SECOND, &r), IA_OK);
    assert_true(r.allowed);
    rl_destroy(s);
}

static void test_store_full_of_live_keys_still_answers(void **state)
{
    (void)state;
    rl_store *s = rl_memory_create(1); /* the smallest store there is */
    assert_non_null(s);
    char key[64];
    for (int i = 0; i < 5000; i++) {
        snprintf(key, sizeof(key), "ip:10.%d.%d.%d", (i >> 16) & 255, (i >> 8) & 255, i & 255);
        rl_result r;
        memset(&r, 0, sizeof(r));
        int rc = rl_check(s, key, QUOTA_5, WINDOW, T0, &r);
        if (rc != IA_OK)
            fail_msg("key %d: rc %d", i, rc);
        if (!r.allowed || r.remaining != 4)
            fail_msg("key %d: first request not answered as fresh", i);
    }
    /* Once those keys have expired, the store has room again and limits a new key. */
    rl_result r;
    int64_t later = T0 + 13 * SECOND;
    for (int i = 0; i < QUOTA_5; i++) {
        assert_int_equal(rl_check(s, "ip:198.51.100.7", QUOTA_5, WINDOW, later, &r), IA_OK);
        assert_true(r.allowed);
    }
    assert_int_equal(rl_check(s, "ip:198.51.100.7", QUOTA_5, WINDOW, later, &r), IA_OK);
    assert_false(r.allowed);
    rl_destroy(s);
}

static void test_store_refuses_an_overlong_key(void **state)
{
    (void)state;
    rl_store *s = rl_memory_create(64);
    char key[400];
    memset(key, 'k', sizeof(key) - 1);
    key[sizeof(key) - 1] = '\0';
    rl_result r;
    assert_int_equal(rl_check(s, key, QUOTA_5, WINDOW, T0, &r), IA_ERR_INVALID);
    key[320] = '\0';
    assert_int_equal(rl_check(s, key, QUOTA_5, WINDOW, T0, &r), IA_OK);
    assert_true(r.allowed);
    rl_destroy(s);
}

/* Creating, filling and destroying a store leaves nothing behind: the ASan build runs this with
 * leak detection. */
static void test_store_destroy_frees_everything(void **state)
{
    (void)state;
    rl_store *s = rl_memory_create(4096);
    assert_non_null(s);
    char key[32];
    rl_result r;
    for (int i = 0; i < 2000; i++) {
        snprintf(key, sizeof(key), "user:%d", i);
        assert_int_equal(rl_check(s, key, QUOTA_5, WINDOW, T0 + i, &r), IA_OK);
    }
    rl_destroy(s);
    rl_destroy(NULL);
}

/* ---- policies ------------------------------------------------------------------------------- */

static void test_policy_table_follows_api_order_and_config_quotas(void **state)
{
    (void)state;
    static const char *const names[RL_POLICY_COUNT] = {
        "default", "register", "login", "login-account", "reset", "resend", "upload",
    };
    ia_config cfg;
    memset(&cfg, 0, sizeof(cfg));
    cfg.rate_limit = 100;
    cfg.rate_limit_register = 10;
    cfg.rate_limit_login = 5;
    cfg.rate_limit_login_account = 6;
    cfg.rate_limit_reset = 3;
    cfg.rate_limit_resend = 4;
    cfg.rate_limit_upload = 11;
    static const long quotas[RL_POLICY_COUNT] = { 100, 10, 5, 6, 3, 4, 11 };
    for (int i = 0; i < RL_POLICY_COUNT; i++) {
        assert_string_equal(rl_policy_name(i), names[i]);
        assert_int_equal(rl_policy_quota(&cfg, i), quotas[i]);
    }
    assert_string_equal(rl_policy_name(RL_POLICY_COUNT), "unknown");
    assert_string_equal(rl_policy_name(-1), "unknown");
    assert_int_equal(rl_policy_quota(&cfg, RL_POLICY_COUNT), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(
            test_gcra_fresh_key_has_quota_minus_one_left_and_resets_after_one_interval),
        cmocka_unit_test(test_gcra_allows_a_burst_of_quota_then_refuses_with_retry_after),
        cmocka_unit_test(test_gcra_allows_one_more_request_per_interval_after_the_burst),
        cmocka_unit_test(test_gcra_quota_is_fully_restored_after_the_window),
        cmocka_unit_test(test_gcra_quota_100_resets_in_one_second_after_one_request),
        cmocka_unit_test(test_gcra_quota_1_refuses_until_the_whole_window_passed),
        cmocka_unit_test(test_store_keys_are_limited_independently),
        cmocka_unit_test(test_store_full_of_live_keys_still_answers),
        cmocka_unit_test(test_store_refuses_an_overlong_key),
        cmocka_unit_test(test_store_destroy_frees_everything),
        cmocka_unit_test(test_policy_table_follows_api_order_and_config_quotas),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
