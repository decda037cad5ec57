/* The provider chain against providers that refuse connections (a loopback port nobody
 * listens on): the offline engine answers every operation, retries are bounded, and the
 * circuit breaker opens after LLM_BREAKER_FAILURES failed operations, lets one trial through
 * after the cooldown and opens again when the trial fails -- all visible on /metrics. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "ai/chain.h"
#include "core/arena.h"
#include "core/config.h"
#include "core/errors.h"
#include "core/log.h"
#include "core/strbuf.h"
#include "obs/metrics.h"
#include "core/util.h"

#define GOOD_SECRET "3f9a1c7e5b2d8f604a1e9c3b7d5f2a8e6c4b0d9f1e3a5c7b9d2f4e6a8c0b1d3e"

typedef struct {
    const char *const (*items)[2];
    size_t n;
} settings;

static const char *lookup(void *ctx, const char *name)
{
    const settings *s = ctx;
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->items[i][0], name) == 0)
            return s->items[i][1];
    return NULL;
}

/* A loopback URL whose port refuses connections: bound, then closed. */
static void closed_port_url(char *buf, size_t len, const char *path)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = 0 };
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t sl = sizeof(sa);
    assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &sl), 0);
    close(fd);
    snprintf(buf, len, "http://127.0.0.1:%d%s", ntohs(sa.sin_port), path);
}

/* The value of one sample on /metrics, or -1 when it is not there. */
static double metric(const char *sample)
{
    arena *a = arena_create(4 * 1024 * 1024);
    strbuf sb;
    strbuf_init(&sb, a, 4 * 1024 * 1024);
    assert_int_equal(metrics_render(&sb), IA_OK);
    double v = -1;
    size_t n = strlen(sample);
    for (const char *p = strbuf_str(&sb); p != NULL; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : 0)
        if (strncmp(p, sample, n) == 0 && p[n] == ' ')
            v = strtod(p + n + 1, NULL);
    arena_destroy(a);
    return v < 0 ? 0 : v;
}

static const ai_key_point key_points[] = {
    { "Chaining keeps a list per bucket", { NULL, 0 } },
    { "Open addressing probes for a free slot", { NULL, 0 } },
};

static const ai_question question = {
    .text = "How does a hash map handle collisions?",
    .category = "technical",
    .difficulty = "medium",
    .key_points = (ai_key_point *)key_points,
    .nkey_points = 2,
    .model_answer = "By chaining (a list per bucket) or open addressing (probing).",
};

static int evaluate_once(ai_chain *c, ai_meta *meta)
{
    arena *a = arena_create(16 * 1024 * 1024);
    ai_evaluate_request req = { .question = &question,
                                .answer = "Each bucket keeps a linked list of entries.",
                                .time_taken_seconds = 40 };
    ai_evaluation ev;
    int rc = ai_chain_evaluate(c, a, &req, &ev, meta);
    if (rc == IA_OK)
        assert_true(ev.score >= 0 && ev.score <= 100);
    arena_destroy(a);
    return rc;
}

static int setup(void **state)
{
    (void)state;
    log_configure(LOG_ERROR, true);
    metrics_init();
    return sodium_init() < 0 ? -1 : 0;
}

static void test_without_providers_the_offline_engine_answers(void **state)
{
    (void)state;
    const char *const items[][2] = { { "SECRET_KEY", GOOD_SECRET } };
    settings s = { items, 1 };
    ia_config cfg;
    char err[512];
    assert_int_equal(config_load_with(&cfg, lookup, &s, err, sizeof(err)), IA_OK);
    ai_chain *c = NULL;
    assert_int_equal(ai_chain_create(&cfg, &c, err, sizeof(err)), IA_OK);
    config_free(&cfg); /* the chain keeps its own copies */
    assert_non_null(ai_chain_offline(c));
    ai_meta meta = { .engine = AI_ENGINE_GEMINI };
    assert_int_equal(evaluate_once(c, &meta), IA_OK);
    assert_int_equal(meta.engine, AI_ENGINE_OFFLINE);
    assert_string_equal(meta.model, "offline-1");
    assert_true(meta.latency_seconds >= 0);
    ai_chain_free(c);
}

static void test_breaker_opens_tries_once_after_the_cooldown_and_reopens(void **state)
{
    (void)state;
    char gem[128], oai[128];
    closed_port_url(gem, sizeof(gem), "");
    closed_port_url(oai, sizeof(oai), "/v1");
    const char *const items[][2] = {
        { "SECRET_KEY", GOOD_SECRET },   { "LLM_PRIMARY_PROVIDER", "gemini" },
        { "GEMINI_API_KEY", "gk-test" }, { "GEMINI_BASE_URL", gem },
        { "OPENAI_BASE_URL", oai },      { "OPENAI_MODEL", "local-model" },
        { "LLM_TIMEOUT", "2s" },         { "LLM_MAX_RETRIES", "1" },
        { "LLM_BREAKER_FAILURES", "2" }, { "LLM_BREAKER_COOLDOWN", "300ms" },
    };
    settings s = { items, COUNT(items) };
    ia_config cfg;
    char err[512];
    assert_int_equal(config_load_with(&cfg, lookup, &s, err, sizeof(err)), IA_OK);
    ai_chain *c = NULL;
    assert_int_equal(ai_chain_create(&cfg, &c, err, sizeof(err)), IA_OK);
    config_free(&cfg);

    static const char calls[] = "interviewace_llm_calls_total{provider=\"gemini\",op=\"evaluate\"}";
    static const char refused[] =
        "interviewace_llm_failures_total{provider=\"gemini\","
        "op=\"evaluate\",reason=\"connect\"}";
    static const char skipped[] =
        "interviewace_llm_failures_total{provider=\"openai\","
        "op=\"evaluate\",reason=\"breaker_open\"}";
    static const char offline[] =
        "interviewace_ai_operations_total{engine=\"offline\","
        "op=\"evaluate\"}";
    double calls0 = metric(calls), refused0 = metric(refused), skipped0 = metric(skipped);
    double offline0 = metric(offline);

    ai_meta meta;
    for (int i = 0; i < 3; i++) {
        assert_int_equal(evaluate_once(c, &meta), IA_OK);
        assert_int_equal(meta.engine, AI_ENGINE_OFFLINE);
    }
    /* two operations of two attempts each (one retry); the third skipped both providers */
    assert_int_equal(metric(calls) - calls0, 4);
    assert_int_equal(metric(refused) - refused0, 4);
    assert_int_equal(metric(skipped) - skipped0, 1);
    assert_int_equal(metric(offline) - offline0, 3);

    struct timespec ts = { 0, 350 * 1000000L };
    nanosleep(&ts, NULL);
    assert_int_equal(evaluate_once(c, &meta), IA_OK); /* the trial: one operation, retried */
    assert_int_equal(metric(calls) - calls0, 6);
    assert_int_equal(evaluate_once(c, &meta), IA_OK); /* the trial failed: open again */
    assert_int_equal(metric(calls) - calls0, 6);
    assert_int_equal(metric(skipped) - skipped0, 2);
    assert_int_equal(meta.engine, AI_ENGINE_OFFLINE);
    ai_chain_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_without_providers_the_offline_engine_answers),
        cmocka_unit_test(test_breaker_opens_tries_once_after_the_cooldown_and_reopens),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
