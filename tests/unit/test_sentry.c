/* Error monitoring (src/obs/sentry.c) and the SENTRY_DSN parser (src/core/config.c): the DSN
 * taken apart and refused with a reason, the endpoint and X-Sentry-Auth it gives, envelopes
 * built to the protocol with scrubbed text, the server's X-Sentry-Rate-Limits and Retry-After
 * read into per-category deadlines, the client-side token bucket, and the crash report: written
 * by the signal handler of a child process that really crashes, then read back. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/config.h"
#include "core/errors.h"
#include "obs/sentry.h"
#include "core/util.h"

#define NOW_MS   1700000000000LL
#define EVENT_ID "0123456789abcdef0123456789abcdef"

/* ---- DSN ------------------------------------------------------------------------------------ */

static void test_dsn_is_taken_apart(void **state)
{
    (void)state;
    config_dsn d;
    const char *why = NULL;
    assert_int_equal(
        config_parse_dsn("https://0123456789abcdef@o1.ingest.sentry.io/4504", &d, &why), IA_OK);
    assert_string_equal(d.scheme, "https");
    assert_string_equal(d.public_key, "0123456789abcdef");
    assert_string_equal(d.host, "o1.ingest.sentry.io");
    assert_string_equal(d.path, "");
    assert_string_equal(d.project_id, "4504");

    assert_int_equal(config_parse_dsn("http://key:legacy@127.0.0.1:9000/sentry/7/", &d, &why),
                     IA_OK);
    assert_string_equal(d.scheme, "http");
    assert_string_equal(d.public_key, "key");
    assert_string_equal(d.host, "127.0.0.1:9000");
    assert_string_equal(d.path, "/sentry");
    assert_string_equal(d.project_id, "7");

    assert_int_equal(config_parse_dsn("HTTPS://k@[::1]:443/1", &d, &why), IA_OK);
    assert_string_equal(d.scheme, "https");
    assert_string_equal(d.host, "[::1]:443");
}

static void test_bad_dsns_are_refused_with_a_reason(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "",
        "sentry.io/1",
        "ftp://key@host/1",
        "https://host/1",
        "https://@host/1",
        "https://ke y@host/1",
        "https://key@/1",
        "https://key@host",
        "https://key@host/",
        "https://key@host/abc",
        "https://key@host:0/1",
        "https://key@host:99999/1",
        "https://key@host/1?x=1",
        "https://key@host/p ath/1",
        "https://key@host/1#frag",
        "https://a/b@host/1",
        "https://key@host/123456789012345678901",
        "https://00000000000000000000000000000000000000000000000000000000000000000@host/1",
    };
    for (size_t i = 0; i < COUNT(bad); i++) {
        config_dsn d;
        const char *why = NULL;
        if (config_parse_dsn(bad[i], &d, &why) != IA_ERR_INVALID)
            fail_msg("accepted the DSN \"%s\"", bad[i]);
        if (why == NULL || why[0] == '\0')
            fail_msg("no reason for refusing \"%s\"", bad[i]);
    }
}

static void test_endpoint_and_auth_header_follow_the_protocol(void **state)
{
    (void)state;
    config_dsn d;
    const char *why = NULL;
    assert_int_equal(config_parse_dsn("http://pub@127.0.0.1:9000/prefix/42", &d, &why), IA_OK);
    char url[600], auth[300];
    assert_int_equal(sentry_endpoint(&d, url, sizeof(url), auth, sizeof(auth)), IA_OK);
    assert_string_equal(url, "http://127.0.0.1:9000/prefix/api/42/envelope/");
    assert_string_equal(auth,
                        "Sentry sentry_version=7, sentry_key=pub, "
                        "sentry_client=interviewace/" IA_VERSION);
    char tiny[8];
    assert_int_equal(sentry_endpoint(&d, tiny, sizeof(tiny), auth, sizeof(auth)), IA_ERR_TOO_LARGE);
}

/* ---- envelopes ------------------------------------------------------------------------------ */

typedef struct {
    json_t *head, *item, *event;
} parsed_envelope;

/* Splits an envelope into its three JSON lines; fails the test when it is malformed. */
static parsed_envelope parse_envelope(const char *env, size_t len)
{
    parsed_envelope p = { NULL, NULL, NULL };
    assert_int_equal(strlen(env), len);
    assert_true(len > 0 && env[len - 1] == '\n');
    const char *nl1 = strchr(env, '\n');
    assert_non_null(nl1);
    const char *nl2 = strchr(nl1 + 1, '\n');
    assert_non_null(nl2);
    p.head = json_loadb(env, (size_t)(nl1 - env), 0, NULL);
    p.item = json_loadb(nl1 + 1, (size_t)(nl2 - nl1 - 1), 0, NULL);
    assert_true(json_is_object(p.head) && json_is_object(p.item));
    size_t plen = (size_t)json_integer_value(json_object_get(p.item, "length"));
    assert_int_equal(plen, len - (size_t)(nl2 + 1 - env) - 1);
    p.event = json_loadb(nl2 + 1, plen, 0, NULL);
    assert_true(json_is_object(p.event));
    return p;
}

static void parsed_free(parsed_envelope *p)
{
    json_decref(p->head);
    json_decref(p->item);
    json_decref(p->event);
}

static const char *str_at(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    if (s == NULL)
        fail_msg("no string member \"%s\"", key);
    return s;
}

static void test_envelope_carries_the_event_and_its_length(void **state)
{
    (void)state;
    sentry_meta meta = { "interviewace@9.9.9", "staging", "web-1" };
    sentry_event ev = { .level = "error",
                        .logger = "http",
                        .type = "HTTP 500",
                        .message = "INTERNAL_ERROR: Internal server error",
                        .transaction = "POST /api/v1/resume/{resume_id:uuid}",
                        .user_id = "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b",
                        .tags = { { "route", "/api/v1/resume/{resume_id:uuid}" },
                                  { "status", "500" },
                                  { "request_id", "req-1" } },
                        .ntags = 3 };
    char *env = NULL;
    size_t len = 0;
    assert_int_equal(sentry_envelope_build(&ev, &meta, EVENT_ID, NOW_MS, &env, &len), IA_OK);
    parsed_envelope p = parse_envelope(env, len);
    assert_string_equal(str_at(p.head, "event_id"), EVENT_ID);
    assert_string_equal(str_at(p.item, "type"), "event");
    assert_string_equal(str_at(p.event, "event_id"), EVENT_ID);
    assert_string_equal(str_at(p.event, "timestamp"), "2023-11-14T22:13:20.000Z");
    assert_string_equal(str_at(p.event, "level"), "error");
    assert_string_equal(str_at(p.event, "logger"), "http");
    assert_string_equal(str_at(p.event, "platform"), "c");
    assert_string_equal(str_at(p.event, "release"), "interviewace@9.9.9");
    assert_string_equal(str_at(p.event, "environment"), "staging");
    assert_string_equal(str_at(p.event, "server_name"), "web-1");
    assert_string_equal(str_at(p.event, "transaction"), "POST /api/v1/resume/{resume_id:uuid}");
    json_t *exc =
        json_array_get(json_object_get(json_object_get(p.event, "exception"), "values"), 0);
    assert_string_equal(str_at(exc, "type"), "HTTP 500");
    assert_string_equal(str_at(exc, "value"), "INTERNAL_ERROR: Internal server error");
    json_t *tags = json_object_get(p.event, "tags");
    assert_string_equal(str_at(tags, "route"), "/api/v1/resume/{resume_id:uuid}");
    assert_string_equal(str_at(tags, "status"), "500");
    assert_string_equal(str_at(tags, "request_id"), "req-1");
    json_t *user = json_object_get(p.event, "user");
    assert_string_equal(str_at(user, "id"), "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b");
    assert_int_equal(json_object_size(user), 1);
    json_t *fp = json_object_get(p.event, "fingerprint");
    assert_int_equal(json_array_size(fp), 3);
    assert_string_equal(json_string_value(json_array_get(fp, 1)), "HTTP 500");
    parsed_free(&p);
    free(env);
}

static void test_envelope_text_is_scrubbed_and_bounded(void **state)
{
    (void)state;
    char long_message[4 * SENTRY_MESSAGE_MAX];
    memset(long_message, 'x', sizeof(long_message) - 1);
    long_message[sizeof(long_message) - 1] = '\0';
    memcpy(long_message, "mail jane@example.com ", 22);
    sentry_meta meta = { "r", "e", "h" };
    sentry_event ev = { .level = "error",
                        .type = "JobFailed",
                        .message = long_message,
                        .transaction = "job resume.parse",
                        .tags = { { "note", "bob%40example.org \xff" } },
                        .ntags = 1,
                        .timestamp_ms = 1000 };
    char *env = NULL;
    size_t len = 0;
    assert_int_equal(sentry_envelope_build(&ev, &meta, EVENT_ID, NOW_MS, &env, &len), IA_OK);
    assert_null(strstr(env, "jane@"));
    assert_null(strstr(env, "example"));
    parsed_envelope p = parse_envelope(env, len);
    json_t *exc =
        json_array_get(json_object_get(json_object_get(p.event, "exception"), "values"), 0);
    const char *value = str_at(exc, "value");
    assert_true(strncmp(value, "mail [email] xxx", 16) == 0);
    assert_int_equal(strlen(value), SENTRY_MESSAGE_MAX);
    assert_string_equal(str_at(json_object_get(p.event, "tags"), "note"), "[email] ?");
    assert_string_equal(str_at(p.event, "timestamp"), "1970-01-01T00:00:01.000Z");
    assert_string_equal(str_at(p.event, "logger"), "interviewace");
    assert_null(json_object_get(p.event, "user"));
    parsed_free(&p);
    free(env);

    sentry_event none = { .level = "error" };
    assert_int_equal(sentry_envelope_build(&none, &meta, EVENT_ID, NOW_MS, &env, &len),
                     IA_ERR_INVALID);
    assert_null(env);
}

/* ---- the server's limits -------------------------------------------------------------------- */

static void test_rate_limit_header_sets_deadlines_per_category(void **state)
{
    (void)state;
    sentry_limits l;
    memset(&l, 0, sizeof(l));
    assert_int_equal(sentry_limits_apply(
                         &l, "60:error;default:key:quota, 2700:transaction:organization", NOW_MS),
                     2);
    assert_true(sentry_limits_until(&l, "error") == NOW_MS + 60000);
    assert_true(sentry_limits_until(&l, "default") == NOW_MS + 60000);
    assert_true(sentry_limits_until(&l, "transaction") == NOW_MS + 2700000);
    assert_true(sentry_limits_until(&l, "session") == 0);
    assert_true(l.all_until_ms == 0);

    /* No category: every one. A shorter limit never shortens a longer one. */
    assert_int_equal(sentry_limits_apply(&l, "120::organization, 10:error:key", NOW_MS), 2);
    assert_true(sentry_limits_until(&l, "session") == NOW_MS + 120000);
    assert_true(sentry_limits_until(&l, "error") == NOW_MS + 120000);
    assert_true(sentry_limits_until(&l, "transaction") == NOW_MS + 2700000);
}

static void test_rate_limit_header_tolerates_noise_and_skips_bad_groups(void **state)
{
    (void)state;
    sentry_limits l;
    memset(&l, 0, sizeof(l));
    assert_int_equal(sentry_limits_apply(&l, " 1.5 : error ; security :key:reason:ns ,", NOW_MS),
                     1);
    assert_true(sentry_limits_until(&l, "error") == NOW_MS + 2000);
    assert_true(sentry_limits_until(&l, "security") == NOW_MS + 2000);
    memset(&l, 0, sizeof(l));
    assert_int_equal(sentry_limits_apply(&l,
                                         "x:error:key, 60:error, -5:error:key, :error:key, "
                                         "60:Error;a-b:key",
                                         NOW_MS),
                     1);
    /* Only the last group applied, and its malformed category names were ignored. */
    assert_true(sentry_limits_until(&l, "error") == 0);
    assert_int_equal(l.ncat, 0);
    assert_int_equal(sentry_limits_apply(&l, "", NOW_MS), 0);
    assert_int_equal(sentry_limits_apply(&l, NULL, NOW_MS), 0);
    /* Absurd delays are capped. */
    assert_int_equal(sentry_limits_apply(&l, "99999999999999999999999999:error:key", NOW_MS), 1);
    assert_true(sentry_limits_until(&l, "error") == NOW_MS + SENTRY_LIMIT_MAX_S * 1000LL);
}

static void test_many_categories_are_bounded(void **state)
{
    (void)state;
    sentry_limits l;
    memset(&l, 0, sizeof(l));
    char header[2048] = "60:";
    for (int i = 0; i < 3 * SENTRY_LIMIT_CATEGORIES; i++) {
        size_t o = strlen(header);
        snprintf(header + o, sizeof(header) - o, "cat_%c%c;", 'a' + i / 26, 'a' + i % 26);
    }
    size_t o = strlen(header);
    snprintf(header + o, sizeof(header) - o, ":key");
    assert_int_equal(sentry_limits_apply(&l, header, NOW_MS), 1);
    assert_int_equal(l.ncat, SENTRY_LIMIT_CATEGORIES);
}

static void test_retry_after_is_seconds_or_a_date(void **state)
{
    (void)state;
    assert_true(sentry_retry_after_ms("30", NOW_MS) == 30000);
    assert_true(sentry_retry_after_ms(" 30 \r\n", NOW_MS) == 30000);
    assert_true(sentry_retry_after_ms("0.2", NOW_MS) == 1000);
    assert_true(sentry_retry_after_ms("0", NOW_MS) == 0);
    /* 1700000000 s is Tue, 14 Nov 2023 22:13:20 GMT. */
    assert_true(sentry_retry_after_ms("Tue, 14 Nov 2023 22:14:20 GMT", NOW_MS) == 60000);
    assert_true(sentry_retry_after_ms("Tue, 14 Nov 2023 22:00:00 GMT", NOW_MS) == 0);
    assert_true(sentry_retry_after_ms("Fri, 31 Dec 9999 23:59:59 GMT", NOW_MS) ==
                SENTRY_LIMIT_MAX_S * 1000LL);
    assert_true(sentry_retry_after_ms("99999999999999999999999", NOW_MS) ==
                SENTRY_LIMIT_MAX_S * 1000LL);
    assert_true(sentry_retry_after_ms("soon", NOW_MS) == -1);
    assert_true(sentry_retry_after_ms("30s", NOW_MS) == -1);
    assert_true(sentry_retry_after_ms("-1", NOW_MS) == -1);
    assert_true(sentry_retry_after_ms("", NOW_MS) == -1);
    assert_true(sentry_retry_after_ms(NULL, NOW_MS) == -1);
}

static void test_an_answer_updates_the_limits(void **state)
{
    (void)state;
    sentry_limits l;
    memset(&l, 0, sizeof(l));
    sentry_limits_update(&l, 200, NULL, "30", NOW_MS);
    assert_true(sentry_limits_until(&l, "error") == 0); /* Retry-After only counts on a 429 */
    sentry_limits_update(&l, 429, NULL, "30", NOW_MS);
    assert_true(sentry_limits_until(&l, "error") == NOW_MS + 30000);
    memset(&l, 0, sizeof(l));
    sentry_limits_update(&l, 429, "", "garbage", NOW_MS);
    assert_true(sentry_limits_until(&l, "anything") ==
                NOW_MS + SENTRY_RETRY_AFTER_DEFAULT_S * 1000LL);
    /* X-Sentry-Rate-Limits wins over Retry-After, and counts on any status. */
    memset(&l, 0, sizeof(l));
    sentry_limits_update(&l, 429, "5:transaction:key", "600", NOW_MS);
    assert_true(sentry_limits_until(&l, "error") == 0);
    assert_true(sentry_limits_until(&l, "transaction") == NOW_MS + 5000);
    sentry_limits_update(&l, 200, "7:error:key", NULL, NOW_MS);
    assert_true(sentry_limits_until(&l, "error") == NOW_MS + 7000);
}

/* ---- our limit ------------------------------------------------------------------------------ */

static void test_token_bucket_allows_a_burst_then_the_rate(void **state)
{
    (void)state;
    sentry_bucket b;
    sentry_bucket_init(&b, 5000);
    for (int i = 0; i < SENTRY_EVENTS_PER_MINUTE; i++)
        assert_true(sentry_bucket_take(&b, 5000));
    assert_false(sentry_bucket_take(&b, 5000));
    int64_t per_token = 60000 / SENTRY_EVENTS_PER_MINUTE;
    assert_false(sentry_bucket_take(&b, 5000 + per_token - 1));
    assert_true(sentry_bucket_take(&b, 5000 + per_token));
    assert_false(sentry_bucket_take(&b, 5000 + per_token));
    /* A long pause refills the bucket, never past its size. */
    int taken = 0;
    while (sentry_bucket_take(&b, 10 * 60000))
        taken++;
    assert_int_equal(taken, SENTRY_EVENTS_PER_MINUTE);
    /* A clock that goes back adds nothing. */
    assert_false(sentry_bucket_take(&b, 0));
}

/* ---- crash reports -------------------------------------------------------------------------- */

static void test_crash_report_parse_accepts_the_written_form_only(void **state)
{
    (void)state;
    static const char good[] =
        "{\"v\":1,\"pid\":4242,\"process\":\"serve\",\"release\":\"interviewace@0.1.0\","
        "\"environment\":\"production\",\"server_name\":\"web-1\",\"signal\":11,"
        "\"time\":1700000000}\n";
    sentry_crash cr;
    assert_int_equal(sentry_crash_parse(good, strlen(good), &cr), IA_OK);
    assert_int_equal(cr.signal, 11);
    assert_true(cr.time_s == 1700000000);
    assert_true(cr.pid == 4242);
    assert_string_equal(cr.process, "serve");
    assert_string_equal(cr.release, "interviewace@0.1.0");
    assert_string_equal(cr.environment, "production");
    assert_string_equal(cr.server_name, "web-1");
    static const char *const bad[] = {
        "",
        "{\"v\":1,\"pid\":4242,\"process\":\"serve\",\"release\":\"r\",\"environment\":\"e\","
        "\"server_name\":\"h\",\"signal\":11,\"time\":",
        "{\"v\":2,\"pid\":1,\"process\":\"p\",\"release\":\"r\",\"environment\":\"e\","
        "\"server_name\":\"h\",\"signal\":11,\"time\":1}",
        "{\"v\":1,\"pid\":1,\"process\":\"p\",\"release\":\"r\",\"environment\":\"e\","
        "\"server_name\":\"h\",\"signal\":99,\"time\":1}",
        "{\"v\":1,\"pid\":1,\"process\":\"p\",\"release\":\"r\",\"environment\":\"e\","
        "\"server_name\":\"h\",\"signal\":\"11\",\"time\":1}",
        "{\"v\":1,\"pid\":1,\"process\":\"p\\u0000q\",\"release\":\"r\",\"environment\":\"e\","
        "\"server_name\":\"h\",\"signal\":11,\"time\":1}",
        "[1]",
    };
    for (size_t i = 0; i < COUNT(bad); i++)
        if (sentry_crash_parse(bad[i], strlen(bad[i]), &cr) != IA_ERR_INVALID)
            fail_msg("accepted the crash report %s", bad[i]);
}

/* Forks a child that installs the handler and raises sig; returns the report it wrote. */
static void crash_child(int sig, const char *path, sentry_crash *out)
{
    unlink(path);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        struct rlimit none = { 0, 0 };
        setrlimit(RLIMIT_CORE, &none);
        sentry_meta meta = { "interviewace@1.2.3", "test", "unit-host" };
        if (sentry_crash_install(path, &meta, "unit") != IA_OK)
            _exit(3);
        raise(sig);
        _exit(4); /* the default action must have ended the process */
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    if (!WIFSIGNALED(status) || WTERMSIG(status) != sig)
        fail_msg("the child did not end by signal %d (status %d)", sig, status);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char buf[SENTRY_SPOOL_BYTES_MAX + 1];
    size_t n = fread(buf, 1, sizeof(buf), f);
    fclose(f);
    unlink(path);
    assert_int_equal(sentry_crash_parse(buf, n, out), IA_OK);
    assert_true(out->pid == (long long)pid);
}

static void test_a_crash_writes_its_report_and_ends_with_the_signal(void **state)
{
    (void)state;
    char dir[] = "/tmp/ia-sentry-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[256];
    snprintf(path, sizeof(path), "%s/sentry-crash.json", dir);
    static const int sigs[] = { SIGSEGV, SIGABRT, SIGBUS, SIGFPE };
    for (size_t i = 0; i < COUNT(sigs); i++) {
        sentry_crash cr;
        int64_t before = (int64_t)time(NULL);
        crash_child(sigs[i], path, &cr);
        assert_int_equal(cr.signal, sigs[i]);
        assert_true(cr.time_s >= before && cr.time_s <= (int64_t)time(NULL));
        assert_string_equal(cr.process, "unit");
        assert_string_equal(cr.release, "interviewace@1.2.3");
        assert_string_equal(cr.environment, "test");
        assert_string_equal(cr.server_name, "unit-host");
    }
    rmdir(dir);
}

/* ---- the reporter without a DSN ------------------------------------------------------------- */

static void test_without_a_dsn_nothing_is_sent_or_queued(void **state)
{
    (void)state;
    ia_config cfg;
    memset(&cfg, 0, sizeof(cfg));
    cfg.sentry_dsn = (char *)"";
    assert_int_equal(sentry_start(&cfg, "unit"), IA_OK);
    sentry_event ev = { .level = "error", .type = "X" };
    sentry_capture(&ev); /* a no-op: nothing to assert but that it returns */
    sentry_stop(0);
    long status = -1;
    char id[SENTRY_EVENT_ID_LEN], err[256];
    assert_int_equal(sentry_send_test(&cfg, &status, id, err, sizeof(err)), IA_ERR_INVALID);
    assert_int_equal(status, 0);
    assert_non_null(strstr(err, "SENTRY_DSN"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dsn_is_taken_apart),
        cmocka_unit_test(test_bad_dsns_are_refused_with_a_reason),
        cmocka_unit_test(test_endpoint_and_auth_header_follow_the_protocol),
        cmocka_unit_test(test_envelope_carries_the_event_and_its_length),
        cmocka_unit_test(test_envelope_text_is_scrubbed_and_bounded),
        cmocka_unit_test(test_rate_limit_header_sets_deadlines_per_category),
        cmocka_unit_test(test_rate_limit_header_tolerates_noise_and_skips_bad_groups),
        cmocka_unit_test(test_many_categories_are_bounded),
        cmocka_unit_test(test_retry_after_is_seconds_or_a_date),
        cmocka_unit_test(test_an_answer_updates_the_limits),
        cmocka_unit_test(test_token_bucket_allows_a_burst_then_the_rate),
        cmocka_unit_test(test_crash_report_parse_accepts_the_written_form_only),
        cmocka_unit_test(test_a_crash_writes_its_report_and_ends_with_the_signal),
        cmocka_unit_test(test_without_a_dsn_nothing_is_sent_or_queued),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
