/* GET /api/v1/dashboard/stats (API.md §6): the caller's interview counts and scores, resume
 * count, recent sessions, per-category means of every evaluated answer, the score trend of the
 * last completed sessions and the weakest categories. Averages are rounded to one decimal,
 * as the scores they average are. */
#include <jansson.h>
#include <math.h>

#include "api/api.h"
#include "api/render.h"
#include "core/errors.h"
#include "store/interviews_store.h"
#include "store/resumes_store.h"

#define RECENT_SESSIONS 5
#define TREND_SESSIONS  20
#define WEAKEST_MAX     3

static json_t *score(bool has, double v)
{
    return has ? json_real(round(v * 10.0) / 10.0) : json_null();
}

static json_t *render_recent(const interview_session_row *s)
{
    return json_pack("{s:s, s:o, s:o, s:o, s:s, s:s}", "session_id", s->id, "started_at",
                     render_time(s->started_at), "completed_at", render_time(s->completed_at),
                     "final_score", score(s->has_final_score, s->final_score), "difficulty",
                     s->difficulty, "status", s->status);
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
    resume_row *one = NULL;
    size_t none = 0;
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
        rc = resumes_store_list(d, req->arena, req->user_id, NULL, NULL, 0, 1, &one, &none,
                                &resumes_total);
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

const http_route dashboard_routes[] = {
    { "GET", "/api/v1/dashboard/stats", dashboard_stats, 0, AUTH_USER, RL_DEFAULT, 200,
      "Your interview and resume statistics", "dashboard" },
};
const size_t dashboard_routes_count = sizeof(dashboard_routes) / sizeof(dashboard_routes[0]);
