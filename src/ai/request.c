#include "ai/request.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "ai/schema.h"
#include "core/errors.h"
#include "core/util.h"

#define DEFAULT_COUNT 12

static const char *const ops[] = { "parse", "generate", "evaluate", "summarize", "match" };

bool ai_request_op_valid(const char *op)
{
    for (size_t i = 0; i < COUNT(ops); i++)
        if (strcmp(op, ops[i]) == 0)
            return true;
    return false;
}

/* An optional string member: NULL when absent or null; IA_ERR_INVALID for another type. */
static int opt_str(arena *a, const json_t *in, const char *key, const char **out, char *err,
                   size_t errlen)
{
    json_t *v = json_object_get(in, key);
    *out = NULL;
    if (v == NULL || json_is_null(v))
        return IA_OK;
    if (!json_is_string(v)) {
        snprintf(err, errlen, "\"%s\" must be a string", key);
        return IA_ERR_INVALID;
    }
    *out = arena_strndup(a, json_string_value(v), AI_TEXT_MAX);
    return *out ? IA_OK : IA_ERR_NOMEM;
}

static int req_str(arena *a, const json_t *in, const char *key, const char **out, char *err,
                   size_t errlen)
{
    int rc = opt_str(a, in, key, out, err, errlen);
    if (rc == IA_OK && *out == NULL) {
        snprintf(err, errlen, "\"%s\" is required (a string)", key);
        return IA_ERR_INVALID;
    }
    return rc;
}

/* An optional list of strings, at most max kept. */
static int opt_strs(arena *a, const json_t *in, const char *key, size_t max, ai_strs *out,
                    char *err, size_t errlen)
{
    json_t *v = json_object_get(in, key);
    out->v = NULL;
    out->n = 0;
    if (v == NULL || json_is_null(v))
        return IA_OK;
    if (!json_is_array(v)) {
        snprintf(err, errlen, "\"%s\" must be a list of strings", key);
        return IA_ERR_INVALID;
    }
    size_t n = json_array_size(v) < max ? json_array_size(v) : max;
    out->v = arena_calloc(a, n + 1, sizeof(char *));
    if (out->v == NULL)
        return IA_ERR_NOMEM;
    for (size_t i = 0; i < n; i++) {
        const char *s = json_string_value(json_array_get(v, i));
        if (s == NULL) {
            snprintf(err, errlen, "\"%s\" must be a list of strings", key);
            return IA_ERR_INVALID;
        }
        if ((out->v[out->n++] = arena_strndup(a, s, AI_TEXT_MAX)) == NULL)
            return IA_ERR_NOMEM;
    }
    return IA_OK;
}

/* An optional number member into *out (left as is when absent). */
static int opt_num(const json_t *in, const char *key, double *out, char *err, size_t errlen)
{
    json_t *v = json_object_get(in, key);
    if (v == NULL || json_is_null(v))
        return IA_OK;
    if (!json_is_number(v)) {
        snprintf(err, errlen, "\"%s\" must be a number", key);
        return IA_ERR_INVALID;
    }
    *out = json_number_value(v);
    return IA_OK;
}

/* An analysis member read by the schema's reader, with the member's name in the message. */
static int read_analysis(arena *a, const json_t *in, const char *key, bool required,
                         ai_analysis **out, char *err, size_t errlen)
{
    json_t *v = json_object_get(in, key);
    *out = NULL;
    if (v == NULL || json_is_null(v)) {
        if (!required)
            return IA_OK;
        snprintf(err, errlen, "\"%s\" is required (an analysis object)", key);
        return IA_ERR_INVALID;
    }
    ai_analysis *an = arena_calloc(a, 1, sizeof(*an));
    if (an == NULL)
        return IA_ERR_NOMEM;
    char why[256] = "";
    int rc = ai_analysis_from_json(a, v, an, why, sizeof(why));
    if (rc == IA_ERR_INVALID)
        snprintf(err, errlen, "\"%s\": %s", key, why);
    if (rc != IA_OK)
        return rc;
    *out = an;
    return IA_OK;
}

/* "YYYY-MM" as a month index; the current month (UTC) when s is NULL. */
static int month_of(const char *s, int *out, char *err, size_t errlen)
{
    if (s == NULL) {
        time_t now = time(NULL);
        struct tm tm;
        gmtime_r(&now, &tm);
        *out = (tm.tm_year + 1900) * 12 + tm.tm_mon;
        return IA_OK;
    }
    int y = 0, m = 0;
    char tail = 0;
    if (sscanf(s, "%4d-%2d%c", &y, &m, &tail) != 2 || y < 1900 || y > 2200 || m < 1 || m > 12) {
        snprintf(err, errlen, "\"now\" must be YYYY-MM");
        return IA_ERR_INVALID;
    }
    *out = y * 12 + m - 1;
    return IA_OK;
}

static int run_parse(ai_chain *c, arena *a, const json_t *in, json_t **result, ai_meta *meta,
                     char *err, size_t errlen)
{
    const char *text = NULL, *now = NULL;
    int month = 0;
    int rc = req_str(a, in, "text", &text, err, errlen);
    if (rc == IA_OK)
        rc = opt_str(a, in, "now", &now, err, errlen);
    if (rc == IA_OK)
        rc = month_of(now, &month, err, errlen);
    if (rc != IA_OK)
        return rc;
    ai_analysis an = { 0 };
    rc = ai_chain_parse(c, a, text, month, &an, meta);
    if (rc == IA_OK)
        *result = ai_analysis_to_json(&an);
    return rc;
}

static int run_generate(ai_chain *c, arena *a, const json_t *in, json_t **result, ai_meta *meta,
                        char *err, size_t errlen)
{
    ai_generate_request req = { .count = DEFAULT_COUNT };
    ai_analysis *resume = NULL;
    int rc = read_analysis(a, in, "resume", false, &resume, err, errlen);
    if (rc == IA_OK)
        rc = opt_str(a, in, "target_role", &req.target_role, err, errlen);
    if (rc == IA_OK)
        rc = opt_str(a, in, "difficulty", &req.difficulty, err, errlen);
    if (rc == IA_OK)
        rc = opt_str(a, in, "job_description", &req.job_description, err, errlen);
    if (rc == IA_OK)
        rc = opt_strs(a, in, "focus_areas", 10, &req.focus_areas, err, errlen);
    if (rc == IA_OK)
        rc = opt_strs(a, in, "avoid", 1000, &req.avoid, err, errlen);
    double count = DEFAULT_COUNT, seed = 0;
    if (rc == IA_OK)
        rc = opt_num(in, "count", &count, err, errlen);
    if (rc == IA_OK)
        rc = opt_num(in, "seed", &seed, err, errlen);
    if (rc != IA_OK)
        return rc;
    if (req.difficulty == NULL)
        req.difficulty = "mixed";
    if (strcmp(req.difficulty, "easy") != 0 && strcmp(req.difficulty, "medium") != 0 &&
        strcmp(req.difficulty, "hard") != 0 && strcmp(req.difficulty, "mixed") != 0) {
        snprintf(err, errlen, "\"difficulty\" must be easy, medium, hard or mixed");
        return IA_ERR_INVALID;
    }
    if (count < 5 || count > AI_QUESTIONS_MAX || count != (double)(int)count) {
        snprintf(err, errlen, "\"count\" must be a whole number from 5 to %d", AI_QUESTIONS_MAX);
        return IA_ERR_INVALID;
    }
    req.count = (int)count;
    req.seed = seed >= 0 ? (uint64_t)seed : 0;
    req.resume = resume;
    ai_questions qs = { 0 };
    rc = ai_chain_generate(c, a, &req, &qs, meta);
    if (rc == IA_OK)
        *result = ai_questions_to_json(&qs);
    return rc;
}

static int run_evaluate(ai_chain *c, arena *a, const json_t *in, json_t **result, ai_meta *meta,
                        char *err, size_t errlen)
{
    ai_evaluate_request req = { .time_taken_seconds = -1 };
    json_t *qv = json_object_get(in, "question");
    if (!json_is_object(qv)) {
        snprintf(err, errlen, "\"question\" is required (a question object)");
        return IA_ERR_INVALID;
    }
    ai_question *q = arena_calloc(a, 1, sizeof(*q));
    if (q == NULL)
        return IA_ERR_NOMEM;
    char why[256] = "";
    int rc = ai_question_from_json(a, qv, q, why, sizeof(why));
    if (rc == IA_ERR_INVALID)
        snprintf(err, errlen, "\"question\": %s", why);
    if (rc == IA_OK)
        rc = req_str(a, in, "answer", &req.answer, err, errlen);
    if (rc == IA_OK)
        rc = opt_str(a, in, "target_role", &req.target_role, err, errlen);
    double taken = -1;
    if (rc == IA_OK)
        rc = opt_num(in, "time_taken_seconds", &taken, err, errlen);
    if (rc != IA_OK)
        return rc;
    req.question = q;
    req.time_taken_seconds = taken >= 0 && taken <= 86400 ? (int)taken : -1;
    ai_evaluation ev = { 0 };
    rc = ai_chain_evaluate(c, a, &req, &ev, meta);
    if (rc == IA_OK)
        *result = ai_evaluation_to_json(&ev);
    return rc;
}

static int run_summarize(ai_chain *c, arena *a, const json_t *in, json_t **result, ai_meta *meta,
                         char *err, size_t errlen)
{
    ai_summary_request req = { 0 };
    int rc = opt_str(a, in, "target_role", &req.target_role, err, errlen);
    if (rc != IA_OK)
        return rc;
    json_t *items = json_object_get(in, "items");
    if (!json_is_array(items) || json_array_size(items) == 0 ||
        json_array_size(items) > AI_QUESTIONS_MAX) {
        snprintf(err, errlen, "\"items\" is required: a list of 1 to %d answered questions",
                 AI_QUESTIONS_MAX);
        return IA_ERR_INVALID;
    }
    size_t n = json_array_size(items);
    ai_summary_item *v = arena_calloc(a, n, sizeof(*v));
    if (v == NULL)
        return IA_ERR_NOMEM;
    for (size_t i = 0; i < n && rc == IA_OK; i++) {
        json_t *it = json_array_get(items, i);
        if (!json_is_object(it)) {
            snprintf(err, errlen, "\"items\"[%zu] must be an object", i);
            return IA_ERR_INVALID;
        }
        v[i].score = -1;
        v[i].communication = -1;
        rc = req_str(a, it, "question", &v[i].question, err, errlen);
        if (rc == IA_OK)
            rc = opt_str(a, it, "category", &v[i].category, err, errlen);
        if (rc == IA_OK)
            rc = opt_str(a, it, "difficulty", &v[i].difficulty, err, errlen);
        if (rc == IA_OK)
            rc = opt_str(a, it, "answer", &v[i].answer, err, errlen);
        if (rc == IA_OK)
            rc = opt_num(it, "score", &v[i].score, err, errlen);
        if (rc == IA_OK)
            rc = opt_num(it, "communication", &v[i].communication, err, errlen);
        if (rc == IA_OK)
            rc = opt_strs(a, it, "strengths", AI_FEEDBACK_ITEMS, &v[i].strengths, err, errlen);
        if (rc == IA_OK)
            rc =
                opt_strs(a, it, "improvements", AI_FEEDBACK_ITEMS, &v[i].improvements, err, errlen);
        if (rc == IA_OK && (v[i].score < 0 || v[i].score > 100)) {
            snprintf(err, errlen, "\"items\"[%zu].score must be a number from 0 to 100", i);
            rc = IA_ERR_INVALID;
        }
        if (rc == IA_OK && v[i].communication < 0)
            v[i].communication = v[i].score;
        if (rc == IA_OK && v[i].category == NULL)
            v[i].category = "general";
        if (rc == IA_OK && v[i].difficulty == NULL)
            v[i].difficulty = "medium";
    }
    if (rc != IA_OK)
        return rc;
    req.items = v;
    req.n = n;
    ai_summary s = { 0 };
    rc = ai_chain_summarize(c, a, &req, &s, meta);
    if (rc == IA_OK)
        *result = ai_summary_to_json(&s);
    return rc;
}

static int run_match(ai_chain *c, arena *a, const json_t *in, json_t **result, ai_meta *meta,
                     char *err, size_t errlen)
{
    ai_match_request req = { 0 };
    ai_analysis *an = NULL;
    int rc = read_analysis(a, in, "analysis", true, &an, err, errlen);
    if (rc == IA_OK)
        rc = req_str(a, in, "job_description", &req.job_description, err, errlen);
    if (rc != IA_OK)
        return rc;
    req.resume = an;
    ai_match m = { 0 };
    rc = ai_chain_match(c, a, &req, &m, meta);
    if (rc == IA_OK)
        *result = ai_match_to_json(&m);
    return rc;
}

int ai_request_run(ai_chain *c, arena *a, const char *op, const json_t *input, json_t **out,
                   char *err, size_t errlen)
{
    if (!json_is_object(input)) {
        snprintf(err, errlen, "the request must be a JSON object");
        return IA_ERR_INVALID;
    }
    json_t *result = NULL;
    ai_meta meta = { 0 };
    int rc;
    if (strcmp(op, "parse") == 0)
        rc = run_parse(c, a, input, &result, &meta, err, errlen);
    else if (strcmp(op, "generate") == 0)
        rc = run_generate(c, a, input, &result, &meta, err, errlen);
    else if (strcmp(op, "evaluate") == 0)
        rc = run_evaluate(c, a, input, &result, &meta, err, errlen);
    else if (strcmp(op, "summarize") == 0)
        rc = run_summarize(c, a, input, &result, &meta, err, errlen);
    else if (strcmp(op, "match") == 0)
        rc = run_match(c, a, input, &result, &meta, err, errlen);
    else {
        snprintf(err, errlen, "unknown operation \"%s\"", op);
        return IA_ERR_INVALID;
    }
    if (rc != IA_OK)
        return rc;
    if (result == NULL)
        return IA_ERR_NOMEM;
    *out =
        json_pack("{s:o, s:s, s:s, s:f}", "result", result, "engine", ai_engine_name(meta.engine),
                  "model", meta.model ? meta.model : "", "latency_seconds", meta.latency_seconds);
    return *out ? IA_OK : IA_ERR_NOMEM;
}
