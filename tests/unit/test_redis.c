/* Unit tests for src/db/redis.c and the Redis store of src/http/ratelimit.c, without a
 * server: REDIS_URL parsing (every part, escapes, IPv6, the refusals), and what the rate
 * limiter does under each RATE_LIMIT_ON_REDIS_FAILURE policy when nothing listens. (The
 * integration tests, tests/integration/test_redis.py, run everything against real servers.) */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/config.h"
#include "core/errors.h"
#include "db/redis.h"
#include "http/ratelimit.h"
#include "core/util.h"

/* Parses a URL that must be valid. */
static redis_url parse(const char *s)
{
    redis_url u;
    char err[256] = "";
    if (redis_url_parse(s, &u, err, sizeof(err)) != IA_OK)
        fail_msg("\"%s\" refused: %s", s, err);
    return u;
}

static void test_url_defaults(void **state)
{
    (void)state;
    redis_url u = parse("redis://cache");
    assert_false(u.tls);
    assert_string_equal(u.host, "cache");
    assert_int_equal(u.port, 6379);
    assert_int_equal(u.db, 0);
    assert_string_equal(u.user, "");
    assert_string_equal(u.password, "");
}

static void test_url_every_part(void **state)
{
    (void)state;
    redis_url u = parse("rediss://app%2Duser:p%40ss%3Aword@redis.example.com:6380/12");
    assert_true(u.tls);
    assert_string_equal(u.user, "app-user");
    assert_string_equal(u.password, "p@ss:word");
    assert_string_equal(u.host, "redis.example.com");
    assert_int_equal(u.port, 6380);
    assert_int_equal(u.db, 12);
}

static void test_url_password_only_and_ipv6(void **state)
{
    (void)state;
    redis_url u = parse("redis://:secret@[::1]:7000/");
    assert_string_equal(u.user, "");
    assert_string_equal(u.password, "secret");
    assert_string_equal(u.host, "::1");
    assert_int_equal(u.port, 7000);
    assert_int_equal(u.db, 0);
}

static void test_url_refusals(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "",
        "http://cache:6379",
        "redis://",
        "redis://:pw@",
        "redis://cache:0",
        "redis://cache:65536",
        "redis://cache:-1",
        "redis://cache:port",
        "redis://cache:6379/db",
        "redis://cache:6379/-2",
        "redis://[::1:6379",
        "redis://[::1]x",
        "redis://u:p@ss@cache", /* an '@' in the password must be written %40 */
        "redis://u:%zz@cache",
        "redis://u:%00@cache",
        "redis://ca che",
    };
    for (size_t i = 0; i < COUNT(bad); i++) {
        redis_url u;
        char err[256] = "";
        if (redis_url_parse(bad[i], &u, err, sizeof(err)) == IA_OK)
            fail_msg("\"%s\" accepted", bad[i]);
        assert_true(err[0] != '\0');
        assert_null(strstr(err, "ss@"));
    }
}

/* A loopback port where nothing listens (bound, then closed). */
static int dead_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t len = sizeof(sa);
    assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
    close(fd);
    return ntohs(sa.sin_port);
}

static redis_client *unreachable(void)
{
    char url[64], err[256];
    snprintf(url, sizeof(url), "redis://127.0.0.1:%d", dead_port());
    redis_client *c = NULL;
    assert_int_equal(redis_open(url, 500, 2, "tests", &c, err, sizeof(err)), IA_OK);
    return c;
}

static void test_unreachable_server_is_unavailable_and_marked_down(void **state)
{
    (void)state;
    redis_client *c = unreachable();
    assert_true(redis_is_up(c)); /* nothing known before the first call */
    assert_int_equal(redis_ping(c), IA_ERR_UNAVAILABLE);
    assert_false(redis_is_up(c));
    /* Within the backoff a call fails without trying again. */
    redisReply *r = (redisReply *)1;
    assert_int_equal(redis_command(c, 1, (const char *[]){ "PING" }, NULL, &r), IA_ERR_UNAVAILABLE);
    assert_null(r);
    redis_close(c);
}

/* The local policy answers from the in-process table: a quota of two, then a refusal. */
static void test_local_policy_counts_in_process(void **state)
{
    (void)state;
    redis_client *c = unreachable();
    rl_store *s = rl_redis_create(c, RL_FAILURE_LOCAL, 1024);
    assert_non_null(s);
    assert_true(s->remote);
    rl_result r;
    int64_t now = INT64_C(1700000000000);
    assert_int_equal(rl_check(s, "default:10.0.0.1", 2, 60000, now, &r), IA_OK);
    assert_true(r.allowed);
    assert_int_equal(rl_check(s, "default:10.0.0.1", 2, 60000, now, &r), IA_OK);
    assert_true(r.allowed);
    assert_int_equal(rl_check(s, "default:10.0.0.1", 2, 60000, now, &r), IA_OK);
    assert_false(r.allowed);
    assert_true(r.retry_after_s >= 1);
    rl_destroy(s);
    redis_close(c);
}

static void test_open_policy_skips(void **state)
{
    (void)state;
    redis_client *c = unreachable();
    rl_store *s = rl_redis_create(c, RL_FAILURE_OPEN, 1024);
    rl_result r;
    for (int i = 0; i < 5; i++)
        assert_int_equal(rl_check(s, "default:10.0.0.1", 1, 60000, 0, &r), RL_SKIPPED);
    rl_destroy(s);
    redis_close(c);
}

static void test_closed_policy_refuses(void **state)
{
    (void)state;
    redis_client *c = unreachable();
    rl_store *s = rl_redis_create(c, RL_FAILURE_CLOSED, 1024);
    rl_result r;
    assert_int_equal(rl_check(s, "default:10.0.0.1", 100, 60000, 0, &r), IA_ERR_UNAVAILABLE);
    rl_destroy(s);
    redis_close(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_url_defaults),
        cmocka_unit_test(test_url_every_part),
        cmocka_unit_test(test_url_password_only_and_ipv6),
        cmocka_unit_test(test_url_refusals),
        cmocka_unit_test(test_unreachable_server_is_unavailable_and_marked_down),
        cmocka_unit_test(test_local_policy_counts_in_process),
        cmocka_unit_test(test_open_policy_skips),
        cmocka_unit_test(test_closed_policy_refuses),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
