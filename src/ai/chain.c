#include "ai/chain.h"

#include <curl/curl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ai/contact.h"
#include "ai/llm.h"
#include "ai/prompt.h"
#include "ai/schema.h"
#include "core/errors.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "obs/metrics.h"
#include "core/util.h"

#define PROVIDERS_MAX    2
#define BACKOFF_BASE_MS  200
#define BACKOFF_MAX_MS   5000
#define INVALID_RETRIES  1
#define SCHEMA_ERROR_MAX 256

typedef enum { OP_PARSE, OP_GENERATE, OP_EVALUATE, OP_SUMMARIZE, OP_MATCH, OP_COUNT } chain_op;

static const char *const op_names[OP_COUNT] = { "parse", "generate", "evaluate", "summarize",
                                                "match" };

/* Failure reasons on /metrics: the call outcomes of llm.h, then the breaker's skip. */
#define REASON_BREAKER_OPEN LLM_OUTCOME_COUNT
#define REASON_COUNT        (LLM_OUTCOME_COUNT + 1)

typedef struct {
    llm_provider conf; /* strings owned by the slot */
    pthread_mutex_t lock;
    int failures;       /* consecutive failed operations */
    int64_t open_until; /* monotonic ms until which the provider is skipped; 0 = closed */
    bool trial;         /* a half-open trial operation is under way */
} provider_slot;

struct ai_chain {
    ai_offline *offline;
    provider_slot providers[PROVIDERS_MAX];
    size_t nproviders;
    int max_retries;
    int breaker_failures;
    int64_t breaker_cooldown_ms;
    bool curl_ready;
};

/* ---- metrics: process-wide, like every other family on /metrics ----------------------------- */

static const double dur_buckets[] = { 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60 };
#define NDUR     (COUNT(dur_buckets))
#define NENGINES 3

static struct {
    pthread_mutex_t lock;
    unsigned long long calls[NENGINES][OP_COUNT];
    unsigned long long failures[NENGINES][OP_COUNT][REASON_COUNT];
    unsigned long long bucket[NENGINES][OP_COUNT][NDUR];
    double sum[NENGINES][OP_COUNT];
    unsigned long long answered[NENGINES][OP_COUNT];
} g_m = { .lock = PTHREAD_MUTEX_INITIALIZER };

static pthread_once_t g_collector_once = PTHREAD_ONCE_INIT;

static const char *reason_name(int r)
{
    return r == REASON_BREAKER_OPEN ? "breaker_open" : llm_outcome_name((llm_outcome)r);
}

static void collect(strbuf *sb, void *ctx)
{
    (void)ctx;
    pthread_mutex_lock(&g_m.lock);
    strbuf_puts(sb,
                "# HELP interviewace_llm_calls_total Calls to external LLM providers, by "
                "provider and operation (retries count).\n"
                "# TYPE interviewace_llm_calls_total counter\n");
    for (int e = 1; e < NENGINES; e++)
        for (int o = 0; o < OP_COUNT; o++)
            if (g_m.calls[e][o] > 0)
                strbuf_appendf(sb, "interviewace_llm_calls_total{provider=\"%s\",op=\"%s\"} %llu\n",
                               ai_engine_name((ai_engine)e), op_names[o], g_m.calls[e][o]);
    strbuf_puts(sb,
                "# HELP interviewace_llm_failures_total Failed LLM provider calls and skipped "
                "providers, by provider, operation and reason.\n"
                "# TYPE interviewace_llm_failures_total counter\n");
    for (int e = 1; e < NENGINES; e++)
        for (int o = 0; o < OP_COUNT; o++)
            for (int r = 1; r < REASON_COUNT; r++)
                if (g_m.failures[e][o][r] > 0)
                    strbuf_appendf(sb,
                                   "interviewace_llm_failures_total{provider=\"%s\",op=\"%s\","
                                   "reason=\"%s\"} %llu\n",
                                   ai_engine_name((ai_engine)e), op_names[o], reason_name(r),
                                   g_m.failures[e][o][r]);
    strbuf_puts(sb,
                "# HELP interviewace_llm_call_duration_seconds Latency of LLM provider "
                "calls.\n# TYPE interviewace_llm_call_duration_seconds histogram\n");
    for (int e = 1; e < NENGINES; e++)
        for (int o = 0; o < OP_COUNT; o++) {
            if (g_m.calls[e][o] == 0)
                continue;
            const char *pn = ai_engine_name((ai_engine)e);
            for (size_t b = 0; b < NDUR; b++)
                strbuf_appendf(sb,
                               "interviewace_llm_call_duration_seconds_bucket{provider=\"%s\","
                               "op=\"%s\",le=\"%g\"} %llu\n",
                               pn, op_names[o], dur_buckets[b], g_m.bucket[e][o][b]);
            strbuf_appendf(sb,
                           "interviewace_llm_call_duration_seconds_bucket{provider=\"%s\","
                           "op=\"%s\",le=\"+Inf\"} %llu\n",
                           pn, op_names[o], g_m.calls[e][o]);
            strbuf_appendf(sb,
                           "interviewace_llm_call_duration_seconds_sum{provider=\"%s\",op=\"%s\"}"
                           " %.6f\n",
                           pn, op_names[o], g_m.sum[e][o]);
            strbuf_appendf(sb,
                           "interviewace_llm_call_duration_seconds_count{provider=\"%s\","
                           "op=\"%s\"} %llu\n",
                           pn, op_names[o], g_m.calls[e][o]);
        }
    strbuf_puts(sb,
                "# HELP interviewace_ai_operations_total AI operations by the engine that "
                "answered them.\n# TYPE interviewace_ai_operations_total counter\n");
    for (int e = 0; e < NENGINES; e++)
        for (int o = 0; o < OP_COUNT; o++)
            if (g_m.answered[e][o] > 0)
                strbuf_appendf(sb,
                               "interviewace_ai_operations_total{engine=\"%s\",op=\"%s\"} %llu\n",
                               ai_engine_name((ai_engine)e), op_names[o], g_m.answered[e][o]);
    pthread_mutex_unlock(&g_m.lock);
}

static void register_collector(void)
{
    metrics_register_collector(collect, NULL);
}

static void metric_call(ai_engine e, chain_op op, double seconds, llm_outcome outcome)
{
    pthread_mutex_lock(&g_m.lock);
    g_m.calls[e][op]++;
    for (size_t b = 0; b < NDUR; b++)
        if (seconds <= dur_buckets[b])
            g_m.bucket[e][op][b]++;
    g_m.sum[e][op] += seconds;
    if (outcome != LLM_OK)
        g_m.failures[e][op][outcome]++;
    pthread_mutex_unlock(&g_m.lock);
}

static void metric_failure(ai_engine e, chain_op op, int reason)
{
    pthread_mutex_lock(&g_m.lock);
    g_m.failures[e][op][reason]++;
    pthread_mutex_unlock(&g_m.lock);
}

static void metric_answered(ai_engine e, chain_op op)
{
    pthread_mutex_lock(&g_m.lock);
    g_m.answered[e][op]++;
    pthread_mutex_unlock(&g_m.lock);
}

/* ---- creation ----------------------------------------------------------------------------- */

static int slot_init(provider_slot *s, ai_engine engine, const char *base_url, const char *model,
                     const char *key, long long timeout_ms)
{
    memset(s, 0, sizeof(*s));
    s->conf.engine = engine;
    s->conf.timeout_ms = timeout_ms;
    s->conf.base_url = strdup(base_url);
    s->conf.model = strdup(model);
    s->conf.api_key = strdup(key ? key : "");
    pthread_mutex_init(&s->lock, NULL);
    if (s->conf.base_url == NULL || s->conf.model == NULL || s->conf.api_key == NULL)
        return IA_ERR_NOMEM;
    return IA_OK;
}

static void slot_free(provider_slot *s)
{
    if (s->conf.api_key != NULL)
        explicit_bzero((char *)s->conf.api_key, strlen(s->conf.api_key));
    free((char *)s->conf.api_key);
    free((char *)s->conf.base_url);
    free((char *)s->conf.model);
    pthread_mutex_destroy(&s->lock);
}

int ai_chain_create(const ia_config *cfg, ai_chain **out, char *err, size_t errlen)
{
    ai_chain *c = calloc(1, sizeof(*c));
    if (c == NULL)
        return IA_ERR_NOMEM;
    c->max_retries = (int)cfg->llm_max_retries;
    c->breaker_failures = (int)cfg->llm_breaker_failures;
    c->breaker_cooldown_ms = cfg->llm_breaker_cooldown_ms;
    int rc = ai_offline_create_with(cfg->wordnet_dir, &c->offline, err, errlen);
    /* the primary first, then the other configured provider */
    bool gemini = config_gemini_configured(cfg), openai = config_openai_configured(cfg);
    bool openai_first = cfg->llm_primary_provider == LLM_PROVIDER_OPENAI;
    for (int k = 0; rc == IA_OK && k < 2; k++) {
        bool want_openai = (k == 0) == openai_first;
        provider_slot *s = &c->providers[c->nproviders];
        if (want_openai && openai) {
            rc = slot_init(s, AI_ENGINE_OPENAI, cfg->openai_base_url, cfg->openai_model,
                           cfg->openai_api_key, cfg->llm_timeout_ms);
            c->nproviders++;
        } else if (!want_openai && gemini) {
            rc = slot_init(s, AI_ENGINE_GEMINI, cfg->gemini_base_url, cfg->gemini_model,
                           cfg->gemini_api_key, cfg->llm_timeout_ms);
            c->nproviders++;
        }
    }
    if (rc == IA_OK && c->nproviders > 0) {
        if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
            snprintf(err, errlen, "cannot initialise libcurl");
            rc = IA_ERR_INTERNAL;
        } else {
            c->curl_ready = true;
        }
    }
    if (rc != IA_OK) {
        if (rc == IA_ERR_NOMEM)
            snprintf(err, errlen, "out of memory while creating the AI engine");
        ai_chain_free(c);
        return rc;
    }
    pthread_once(&g_collector_once, register_collector);
    char order[64] = "";
    for (size_t i = 0; i < c->nproviders; i++) {
        size_t o = strlen(order);
        snprintf(order + o, sizeof(order) - o, "%s,", ai_engine_name(c->providers[i].conf.engine));
    }
    size_t o = strlen(order);
    snprintf(order + o, sizeof(order) - o, "offline");
    log_info("ai", "AI engine ready", "chain", order);
    *out = c;
    return IA_OK;
}

void ai_chain_free(ai_chain *c)
{
    if (c == NULL)
        return;
    for (size_t i = 0; i < c->nproviders; i++)
        slot_free(&c->providers[i]);
    if (c->curl_ready)
        curl_global_cleanup();
    ai_offline_free(c->offline);
    free(c);
}

const ai_offline *ai_chain_offline(const ai_chain *c)
{
    return c->offline;
}

/* ---- circuit breaker ---------------------------------------------------------------------- */

/* Whether an operation may use the provider now. While open it may not; once the cooldown has
 * passed exactly one operation gets through as the trial (*trial set). */
static bool breaker_allow(provider_slot *s, bool *trial)
{
    *trial = false;
    pthread_mutex_lock(&s->lock);
    bool ok = true;
    if (s->open_until != 0) {
        if (ia_mono_ms() < s->open_until || s->trial) {
            ok = false;
        } else {
            s->trial = true;
            *trial = true;
        }
    }
    pthread_mutex_unlock(&s->lock);
    return ok;
}

/* Records how an operation on the provider ended, opening or closing the breaker. */
static void breaker_record(ai_chain *c, provider_slot *s, bool success, bool trial)
{
    pthread_mutex_lock(&s->lock);
    bool opened = false;
    if (success) {
        s->failures = 0;
        s->open_until = 0;
    } else {
        s->failures++;
        if (trial || (s->open_until == 0 && s->failures >= c->breaker_failures)) {
            s->open_until = ia_mono_ms() + c->breaker_cooldown_ms;
            opened = true;
        }
    }
    if (trial)
        s->trial = false;
    int failures = s->failures;
    pthread_mutex_unlock(&s->lock);
    if (opened)
        log_emit(LOG_WARN, "ai", "provider skipped for the breaker cooldown",
                 (log_field[]){ LOG_STR("provider", ai_engine_name(s->conf.engine)),
                                LOG_NUM("consecutive_failures", failures),
                                LOG_NUM("cooldown_ms", c->breaker_cooldown_ms) },
                 3);
}

/* ---- one provider, with retries ------------------------------------------------------------ */

/* Validates a provider's JSON answer into the operation's output; err names the problem. */
typedef int (*accept_fn)(arena *a, json_t *output, void *ctx, char *err, size_t errlen);

static void sleep_ms(int64_t ms)
{
    struct timespec ts = { (time_t)(ms / 1000), (long)(ms % 1000) * 1000000L };
    while (nanosleep(&ts, &ts) != 0) {
    }
}

/* The delay before retry number n (1-based): base * 2^(n-1), at most BACKOFF_MAX_MS, jittered
 * to between half and all of that. */
static int64_t backoff_ms(int n)
{
    int64_t d = BACKOFF_BASE_MS;
    for (int i = 1; i < n && d < BACKOFF_MAX_MS; i++)
        d *= 2;
    if (d > BACKOFF_MAX_MS)
        d = BACKOFF_MAX_MS;
    return d / 2 + (int64_t)randombytes_uniform((uint32_t)(d / 2 + 1));
}

static bool retryable(llm_outcome o)
{
    return o == LLM_TIMEOUT || o == LLM_CONNECT || o == LLM_HTTP_429 || o == LLM_HTTP_5XX;
}

static void log_call(const provider_slot *s, chain_op op, int attempt, const llm_result *r,
                     llm_outcome outcome, double seconds)
{
    log_field f[] = {
        LOG_STR("provider", ai_engine_name(s->conf.engine)),
        LOG_STR("op", op_names[op]),
        LOG_NUM("attempt", attempt),
        LOG_STR("outcome", llm_outcome_name(outcome)),
        LOG_NUM("http_status", r->http_status),
        LOG_NUM("latency_ms", (long long)(seconds * 1000.0)),
        LOG_STR("reason", outcome == LLM_OK ? NULL : r->detail),
    };
    log_emit(outcome == LLM_OK ? LOG_INFO : LOG_WARN, "ai", "provider call", f, COUNT(f));
}

/* Runs the prompt on one provider until an answer passes accept, a failure that is not worth
 * retrying happens, or the retries are used up. */
static int provider_run(ai_chain *c, provider_slot *s, chain_op op, const ai_prompt *pr, arena *a,
                        accept_fn accept, void *ctx)
{
    int transport_retries = 0, invalid_retries = 0;
    for (int attempt = 1;; attempt++) {
        llm_result r;
        int64_t t0 = ia_mono_us();
        int rc = llm_call(&s->conf, pr, &r);
        double seconds = (double)(ia_mono_us() - t0) / 1e6;
        llm_outcome outcome = r.outcome;
        metric_call(s->conf.engine, op, seconds, outcome);
        if (rc == IA_OK) {
            char err[SCHEMA_ERROR_MAX] = "";
            rc = accept(a, r.output, ctx, err, sizeof(err));
            json_decref(r.output);
            if (rc != IA_OK) {
                outcome = LLM_INVALID_OUTPUT;
                snprintf(r.detail, sizeof(r.detail), "schema: %.150s", err);
                metric_failure(s->conf.engine, op, LLM_INVALID_OUTPUT);
            }
        }
        log_call(s, op, attempt, &r, outcome, seconds);
        if (outcome == LLM_OK)
            return IA_OK;
        if (outcome == LLM_INVALID_OUTPUT || outcome == LLM_TOO_LARGE) {
            if (invalid_retries++ < INVALID_RETRIES)
                continue;
            return IA_ERR_INVALID;
        }
        if (!retryable(outcome) || transport_retries >= c->max_retries)
            return rc != IA_OK ? rc : IA_ERR_UNAVAILABLE;
        int64_t delay = backoff_ms(++transport_retries);
        if (outcome == LLM_HTTP_429 && r.retry_after_ms >= 0) {
            if (r.retry_after_ms > AI_RETRY_AFTER_MAX_MS)
                return IA_ERR_UNAVAILABLE; /* asked to stay away longer than we wait */
            if (r.retry_after_ms > delay)
                delay = r.retry_after_ms;
        }
        sleep_ms(delay);
    }
}

/* Tries every provider in order; IA_OK with meta's engine and model when one answered. */
static int providers_run(ai_chain *c, chain_op op, const ai_prompt *pr, arena *a, accept_fn accept,
                         void *ctx, ai_meta *meta)
{
    for (size_t i = 0; i < c->nproviders; i++) {
        provider_slot *s = &c->providers[i];
        bool trial = false;
        if (!breaker_allow(s, &trial)) {
            metric_failure(s->conf.engine, op, REASON_BREAKER_OPEN);
            log_emit(LOG_DEBUG, "ai", "provider skipped: breaker open",
                     (log_field[]){ LOG_STR("provider", ai_engine_name(s->conf.engine)),
                                    LOG_STR("op", op_names[op]) },
                     2);
            continue;
        }
        int rc = provider_run(c, s, op, pr, a, accept, ctx);
        breaker_record(c, s, rc == IA_OK, trial);
        if (rc == IA_OK) {
            meta->engine = s->conf.engine;
            meta->model = arena_strdup(a, s->conf.model);
            return meta->model ? IA_OK : IA_ERR_NOMEM;
        }
    }
    return IA_NOT_FOUND;
}

/* Finishes an operation with a provider's answer when the prompt was built and a provider
 * answered; the prompt is released either way. */
static bool provider_answered(ai_chain *c, chain_op op, int prompt_rc, ai_prompt *pr, arena *a,
                              accept_fn accept, void *ctx, ai_meta *meta, int64_t t0)
{
    if (prompt_rc != IA_OK)
        return false;
    int rc = providers_run(c, op, pr, a, accept, ctx, meta);
    ai_prompt_free(pr);
    if (rc != IA_OK)
        return false;
    meta->latency_seconds = (double)(ia_mono_us() - t0) / 1e6;
    metric_answered(meta->engine, op);
    return true;
}

/* Finishes an operation with the offline engine's result code rc. */
static int offline_answered(int rc, chain_op op, ai_meta *meta, int64_t t0)
{
    if (rc != IA_OK)
        return rc;
    meta->engine = AI_ENGINE_OFFLINE;
    meta->model = AI_OFFLINE_MODEL;
    meta->latency_seconds = (double)(ia_mono_us() - t0) / 1e6;
    metric_answered(AI_ENGINE_OFFLINE, op);
    return IA_OK;
}

/* ---- the five operations ------------------------------------------------------------------ */

typedef struct {
    const char *text;
    ai_analysis *out;
} parse_ctx;

/* Providers never see contact details (they are redacted), so the analysis takes them from
 * the resume text itself; a name or location the provider did not give comes from there too. */
static int accept_parse(arena *a, json_t *output, void *vctx, char *err, size_t errlen)
{
    parse_ctx *ctx = vctx;
    ai_analysis an;
    int rc = ai_analysis_from_json(a, output, &an, err, errlen);
    if (rc != IA_OK)
        return rc;
    ai_contact ct;
    rc = ai_contact_parse(a, ctx->text, &ct);
    if (rc != IA_OK)
        return rc;
    an.email = ct.email;
    an.phone = ct.phone;
    an.links.n = 0;
    an.links.v = arena_calloc(a, AI_LINKS_MAX + 1, sizeof(char *));
    if (an.links.v == NULL)
        return IA_ERR_NOMEM;
    for (size_t i = 0; i < ct.nlinks; i++)
        an.links.v[an.links.n++] = ct.links[i];
    if (an.name == NULL || strchr(an.name, '[') != NULL)
        an.name = ct.name;
    if (an.location == NULL || strchr(an.location, '[') != NULL)
        an.location = ct.location;
    *ctx->out = an;
    return IA_OK;
}

int ai_chain_parse(ai_chain *c, arena *a, const char *text, int now_month, ai_analysis *out,
                   ai_meta *meta)
{
    int64_t t0 = ia_mono_us();
    ai_prompt pr;
    parse_ctx ctx = { text, out };
    if (c->nproviders > 0 &&
        provider_answered(c, OP_PARSE, ai_prompt_parse(a, text, now_month, &pr), &pr, a,
                          accept_parse, &ctx, meta, t0))
        return IA_OK;
    return offline_answered(ai_offline_parse(c->offline, a, text, now_month, out), OP_PARSE, meta,
                            t0);
}

typedef struct {
    size_t count;
    const char *difficulty; /* easy | medium | hard | mixed (NULL: mixed) */
    ai_questions *out;
    const ai_question_plan *plan; /* the categories the session may contain; NULL: any */
} generate_ctx;

/* Whether every question is of a category the session may contain (docs/api.md §4.1, §4.4):
 * none the role has no share of, and only the chosen ones when focus areas chose some. */
static bool categories_allowed(const ai_questions *qs, const ai_question_plan *plan, char *err,
                               size_t errlen)
{
    for (size_t i = 0; plan != NULL && i < qs->n; i++)
        for (size_t k = 0; k < plan->ncategories; k++)
            if (strcmp(qs->v[i].category, plan->categories[k].category) == 0 &&
                !plan->categories[k].allowed) {
                snprintf(err, errlen, "categories: %s questions are not part of this interview",
                         qs->v[i].category);
                return false;
            }
    return true;
}

/* Whether the questions keep the requested difficulty plan (docs/api.md §4.1): all at the one
 * level asked for, or for "mixed" floor(0.3n) easy, floor(0.3n) hard and the rest medium. */
static bool difficulties_planned(const ai_questions *qs, const char *difficulty, char *err,
                                 size_t errlen)
{
    size_t easy = 0, hard = 0, medium = 0;
    for (size_t i = 0; i < qs->n; i++) {
        const char *d = qs->v[i].difficulty;
        easy += strcmp(d, "easy") == 0;
        hard += strcmp(d, "hard") == 0;
        medium += strcmp(d, "medium") == 0;
    }
    size_t want_easy = 0, want_hard = 0, want_medium = 0;
    if (difficulty == NULL || strcmp(difficulty, "mixed") == 0) {
        want_easy = want_hard = qs->n * 3 / 10;
        want_medium = qs->n - want_easy - want_hard;
    } else {
        want_easy = strcmp(difficulty, "easy") == 0 ? qs->n : 0;
        want_hard = strcmp(difficulty, "hard") == 0 ? qs->n : 0;
        want_medium = strcmp(difficulty, "medium") == 0 ? qs->n : 0;
    }
    if (easy == want_easy && hard == want_hard && medium == want_medium)
        return true;
    snprintf(err, errlen, "difficulties: %zu easy, %zu medium, %zu hard were asked for", want_easy,
             want_medium, want_hard);
    return false;
}

static int accept_generate(arena *a, json_t *output, void *vctx, char *err, size_t errlen)
{
    generate_ctx *ctx = vctx;
    int rc = ai_questions_from_json(a, output, ctx->count, ctx->out, err, errlen);
    if (rc == IA_OK && (!difficulties_planned(ctx->out, ctx->difficulty, err, errlen) ||
                        !categories_allowed(ctx->out, ctx->plan, err, errlen)))
        rc = IA_ERR_INVALID;
    return rc;
}

int ai_chain_generate(ai_chain *c, arena *a, const ai_generate_request *req, ai_questions *out,
                      ai_meta *meta)
{
    int64_t t0 = ia_mono_us();
    ai_prompt pr;
    ai_question_plan plan;
    generate_ctx ctx = { (size_t)(req->count > 0 ? req->count : 0), req->difficulty, out, NULL };
    if (c->nproviders > 0 && ai_offline_plan(c->offline, a, req, &plan) == IA_OK)
        ctx.plan = &plan;
    if (c->nproviders > 0 && req->count > 0 && req->count <= AI_QUESTIONS_MAX &&
        provider_answered(c, OP_GENERATE, ai_prompt_generate(a, req, &pr), &pr, a, accept_generate,
                          &ctx, meta, t0))
        return IA_OK;
    return offline_answered(ai_offline_generate(c->offline, a, req, out), OP_GENERATE, meta, t0);
}

typedef struct {
    const ai_question *question;
    ai_evaluation *out;
} evaluate_ctx;

/* A provider may leave the model answer out; the question's rubric has one. */
static int accept_evaluate(arena *a, json_t *output, void *vctx, char *err, size_t errlen)
{
    evaluate_ctx *ctx = vctx;
    const char *own = ctx->question->model_answer;
    json_t *ma = json_object_get(output, "model_answer");
    if (own != NULL && *own != '\0' && (!json_is_string(ma) || json_string_length(ma) == 0))
        json_object_set_new(output, "model_answer", json_string(own));
    int rc = ai_evaluation_from_json(a, output, ctx->out, err, errlen);
    if (rc == IA_OK && ctx->out->model_answer == NULL)
        ctx->out->model_answer = own;
    return rc;
}

int ai_chain_evaluate(ai_chain *c, arena *a, const ai_evaluate_request *req, ai_evaluation *out,
                      ai_meta *meta)
{
    int64_t t0 = ia_mono_us();
    ai_prompt pr;
    evaluate_ctx ctx = { req->question, out };
    if (c->nproviders > 0 && req->question != NULL &&
        provider_answered(c, OP_EVALUATE, ai_prompt_evaluate(a, req, &pr), &pr, a, accept_evaluate,
                          &ctx, meta, t0))
        return IA_OK;
    return offline_answered(ai_offline_evaluate(c->offline, a, req, out), OP_EVALUATE, meta, t0);
}

typedef struct {
    const ai_summary *scores; /* the offline summary: its numbers are final */
    ai_summary *out;
} summary_ctx;

/* The provider writes prose only: the final score and breakdown are the offline numbers,
 * set into the answer before it is read (so the reader's checks pass) and after. */
static int accept_summary(arena *a, json_t *output, void *vctx, char *err, size_t errlen)
{
    summary_ctx *ctx = vctx;
    json_t *numbers = ai_summary_to_json(ctx->scores);
    if (numbers == NULL)
        return IA_ERR_NOMEM;
    json_object_set(output, "final_score", json_object_get(numbers, "final_score"));
    json_object_set(output, "score_breakdown", json_object_get(numbers, "score_breakdown"));
    json_decref(numbers);
    int rc = ai_summary_from_json(a, output, ctx->out, err, errlen);
    if (rc != IA_OK)
        return rc;
    ctx->out->final_score = ctx->scores->final_score;
    memcpy(ctx->out->breakdown, ctx->scores->breakdown, sizeof(ctx->out->breakdown));
    ctx->out->nbreakdown = ctx->scores->nbreakdown;
    return IA_OK;
}

int ai_chain_summarize(ai_chain *c, arena *a, const ai_summary_request *req, ai_summary *out,
                       ai_meta *meta)
{
    int64_t t0 = ia_mono_us();
    ai_summary scores;
    int rc = ai_offline_summarize(c->offline, a, req, &scores);
    if (rc != IA_OK)
        return rc;
    ai_prompt pr;
    summary_ctx ctx = { &scores, out };
    if (c->nproviders > 0 &&
        provider_answered(c, OP_SUMMARIZE, ai_prompt_summarize(a, req, &scores, &pr), &pr, a,
                          accept_summary, &ctx, meta, t0))
        return IA_OK;
    *out = scores;
    return offline_answered(IA_OK, OP_SUMMARIZE, meta, t0);
}

typedef struct {
    ai_match *out;
} match_ctx;

static int accept_match(arena *a, json_t *output, void *vctx, char *err, size_t errlen)
{
    match_ctx *ctx = vctx;
    return ai_match_from_json(a, output, ctx->out, err, errlen);
}

int ai_chain_match(ai_chain *c, arena *a, const ai_match_request *req, ai_match *out, ai_meta *meta)
{
    int64_t t0 = ia_mono_us();
    ai_prompt pr;
    match_ctx ctx = { out };
    if (c->nproviders > 0 && provider_answered(c, OP_MATCH, ai_prompt_match(a, req, &pr), &pr, a,
                                               accept_match, &ctx, meta, t0))
        return IA_OK;
    return offline_answered(ai_offline_match(c->offline, a, req, out), OP_MATCH, meta, t0);
}
