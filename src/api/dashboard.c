/* GET /api/v1/dashboard/stats (docs/api.md §6): the caller's interview counts and scores, resume
 * count (failed uploads left out), recent sessions, per-category means of every evaluated answer,
 * the score trend of the last completed sessions and the weakest categories. Averages are rounded
 * to one decimal, as the scores they average are. */
#include <jansson.h>
#include <math.h>

#include "api/api.h"
#include "api/interviews.h"
#include "api/render.h"
#include "core/errors.h"
#include "store/interviews_store.h"
#include "store/resumes_store.h"
#include "core/util.h"

#define RECENT_SESSIONS 5
#define TREND_SESSIONS  20
#define WEAKEST_MAX     3

static json_t *score(bool has, double v)
{
    return has ? json_real(round(v * 10.0) / 10.0) : json_null();
}

static json_t *render_recent(const interview_session_row *s)
{
    return json_pack("{s:s, s:o, s:o, s:o, s:s, s:s, s:s}", "session_id", s->id, "started_at",
                     render_time(s->started_at), "completed_at", render_time(s->completed_at),
                     "final_score", score(s->has_final_score, s->final_score), "difficulty",
                     s->difficulty, "status", s->status, "title", interviews_session_title(s));
}

static int dashboard_stats(http_req *req, http_res *res)
{
    db *d = api_db(req);
    if (d == NULL)
        return IA_ERR_UNAVAILABLE;
    interview_totals t;
    interview_session_row *recent = NULL, *trend = NULL;
    interview_category_stat *cats = NULL;
    size_t nrecent = 0, ntrend = 0, ncats = 0;
    long long total_recent = 0, resumes_total = 0;
    int rc = interviews_store_totals(d, req->arena, req->user_id, &t);
    if (rc == IA_OK)
        rc = interviews_store_list(d, req->arena, req->user_id, NULL, 0, RECENT_SESSIONS, &recent,
                                   &nrecent, &total_recent);
    if (rc == IA_OK)
        rc = interviews_store_category_stats(d, req->arena, req->user_id, &cats, &ncats);
    if (rc == IA_OK)
        rc = interviews_store_score_trend(d, req->arena, req->user_id, TREND_SESSIONS, &trend,
                                          &ntrend);
    if (rc == IA_OK)
        rc = resumes_store_count_usable(d, req->arena, req->user_id, &resumes_total);
    if (rc != IA_OK)
        return rc;
    json_t *recent_j = json_array(), *trend_j = json_array(), *weakest = json_array();
    json_t *breakdown = json_object();
    for (size_t i = 0; i < nrecent; i++)
        json_array_append_new(recent_j, render_recent(&recent[i]));
    for (size_t i = 0; i < ntrend; i++)
        json_array_append_new(
            trend_j, json_pack("{s:s, s:o, s:o}", "session_id", trend[i].id, "completed_at",
                               render_time(trend[i].completed_at), "final_score",
                               score(trend[i].has_final_score, trend[i].final_score)));
    /* The store orders categories by mean score, lowest first. */
    for (size_t i = 0; i < ncats; i++) {
        json_object_set_new(breakdown, cats[i].category,
                            json_pack("{s:o, s:I}", "avg_score", score(true, cats[i].avg_score),
                                      "count", (json_int_t)cats[i].count));
        if (i < WEAKEST_MAX)
            json_array_append_new(weakest,
                                  json_pack("{s:s, s:o, s:I}", "category", cats[i].category,
                                            "avg_score", score(true, cats[i].avg_score), "count",
                                            (json_int_t)cats[i].count));
    }
    return http_json(res, 200,
                     json_pack("{s:{s:I, s:I, s:o, s:o}, s:{s:I}, s:o, s:o, s:o, s:o}",
                               "interviews", "total", (json_int_t)t.total, "completed",
                               (json_int_t)t.completed, "avg_score", score(t.has_avg, t.avg_score),
                               "best_score", score(t.has_best, t.best_score), "resumes", "total",
                               (json_int_t)resumes_total, "recent_sessions", recent_j,
                               "category_breakdown", breakdown, "score_trend", trend_j,
                               "weakest_categories", weakest));
}

/* ---- documentation ---- */

static const char *const SESSION_STATUSES[] = { "preparing", "in_progress", "completed",
                                                "failed",    "cancelled",   NULL };

static const j_field interview_totals_fields[] = {
    { "total", J_INTEGER, J_NONNEG },
    { "completed", J_INTEGER, J_NONNEG },
    { "avg_score", J_NUMBER, J_NULLABLE | J_RANGE, .min = 0, .max = 100,
      .description = "Over completed sessions; null without one" },
    { "best_score", J_NUMBER, J_NULLABLE | J_RANGE, .min = 0, .max = 100 },
};
static const j_object interview_totals_schema =
    J_OBJECT_OF("InterviewTotals", NULL, interview_totals_fields);

static const j_field resume_totals_fields[] = {
    { "total", J_INTEGER, J_NONNEG,
      .description = "Resumes analysed or being analysed; an upload whose analysis failed "
                     "(status error) is not counted" },
};
static const j_object resume_totals_schema =
    J_OBJECT_OF("ResumeTotals", NULL, resume_totals_fields);

static const j_field recent_fields[] = {
    { "session_id", J_STRING, 0, "uuid" },
    { "started_at", J_STRING, 0, "date-time" },
    { "completed_at", J_STRING, J_NULLABLE, "date-time" },
    { "final_score", J_NUMBER, J_NULLABLE | J_RANGE, .min = 0, .max = 100 },
    { "difficulty", J_STRING },
    { "status", J_STRING, .choices = SESSION_STATUSES },
    { "title", J_STRING, .description = "The session's one name, as in the Session" },
};
static const j_object recent_schema = J_OBJECT_OF("RecentSession", NULL, recent_fields);

static const j_field category_fields[] = {
    { "avg_score", J_NUMBER, J_RANGE, .min = 0, .max = 100 },
    { "count", J_INTEGER, J_NONNEG },
};
static const j_object category_schema = J_OBJECT_OF("CategoryScore", NULL, category_fields);

static const j_field trend_fields[] = {
    { "session_id", J_STRING, 0, "uuid" },
    { "completed_at", J_STRING, J_NULLABLE, "date-time" },
    { "final_score", J_NUMBER, J_NULLABLE | J_RANGE, .min = 0, .max = 100 },
};
static const j_object trend_schema = J_OBJECT_OF("ScoreTrendPoint", NULL, trend_fields);

static const j_field weakest_fields[] = {
    { "category", J_STRING },
    { "avg_score", J_NUMBER, J_RANGE, .min = 0, .max = 100 },
    { "count", J_INTEGER, J_NONNEG },
};
static const j_object weakest_schema = J_OBJECT_OF("WeakCategory", NULL, weakest_fields);

static const j_field stats_fields[] = {
    { "interviews", J_OBJECT, .object = &interview_totals_schema },
    { "resumes", J_OBJECT, .object = &resume_totals_schema },
    { "recent_sessions", J_ARRAY, .object = &recent_schema,
      .description = "The last 5 by started_at, newest first" },
    { "category_breakdown", J_MAP, .object = &category_schema,
      .description = "Per question category, over every evaluated question" },
    { "score_trend", J_ARRAY, .object = &trend_schema,
      .description = "The last 20 completed sessions, oldest first" },
    { "weakest_categories", J_ARRAY, .object = &weakest_schema,
      .description = "Up to 3 categories, lowest mean first" },
};
static const j_object stats_schema = J_OBJECT_OF("DashboardStats", NULL, stats_fields);

static const http_doc stats_doc = {
    .responses = (const doc_response[]){ { 0, DOC_JSON, &stats_schema }, { .shape = DOC_END } },
};

const http_route dashboard_routes[] = {
    { "GET", "/api/v1/dashboard/stats", dashboard_stats, 0, AUTH_USER, RL_DEFAULT, 200,
      "Your interview and resume statistics", "dashboard", &stats_doc },
};
const size_t dashboard_routes_count = COUNT(dashboard_routes);
