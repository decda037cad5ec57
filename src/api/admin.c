/* Administration (API.md §7): service counts, users with their login history, activation,
 * roles, and failed background tasks with retry. Every route needs the admin role, read from
 * the database on each request. */
#include <string.h>
#include <strings.h>

#include "api/api.h"
#include "api/render.h"
#include "auth/lockout.h"
#include "core/errors.h"
#include "core/log.h"
#include "core/timeutil.h"
#include "http/validate.h"
#include "jobs/jobs.h"
#include "store/admin_store.h"
#include "store/users_store.h"

#define ADMIN_PAGE      20
#define RECENT_ATTEMPTS 10

static json_t *score_or_null(double v)
{
    return v < 0 ? json_null() : json_real((double)((long long)(v * 10 + 0.5)) / 10.0);
}

static int admin_stats_get(http_req *req, http_res *res)
{
    db *d = api_db(req);
    if (d == NULL)
        return IA_ERR_UNAVAILABLE;
    admin_stats s;
    int rc = admin_store_stats(d, req->arena, &s);
    if (rc != IA_OK)
        return rc;
    return http_json(
        res, 200,
        json_pack("{s:I, s:I, s:I, s:I, s:I, s:o, s:I}", "total_users", (json_int_t)s.total_users,
                  "active_users", (json_int_t)s.active_users, "total_interviews",
                  (json_int_t)s.total_interviews, "completed_interviews",
                  (json_int_t)s.completed_interviews, "total_resumes", (json_int_t)s.total_resumes,
                  "average_score", score_or_null(s.average_score), "failed_tasks",
                  (json_int_t)s.failed_tasks));
}

static json_t *render_admin_user(const admin_user *u)
{
    return json_pack("{s:s, s:s, s:s, s:s, s:b, s:b, s:o, s:I, s:I}", "id", u->user.id, "email",
                     u->user.email, "full_name", u->user.full_name, "role", u->user.role,
                     "is_active", u->user.is_active, "is_verified", u->user.is_email_verified,
                     "created_at", render_time(u->user.created_at), "interview_count",
                     (json_int_t)u->interview_count, "resume_count", (json_int_t)u->resume_count);
}

static int admin_users_list(http_req *req, http_res *res)
{
    long long skip, limit;
    int rc = validate_pagination(req, res, ADMIN_PAGE, &skip, &limit);
    if (rc != IA_OK)
        return rc;
    const char *search = NULL;
    rc = validate_search(req, res, &search);
    if (rc != IA_OK)
        return rc;
    db *d = api_db(req);
    if (d == NULL)
        return IA_ERR_UNAVAILABLE;
    admin_user *list = NULL;
    size_t n = 0;
    long long total = 0;
    rc = admin_store_users(d, req->arena, search, skip, limit, &list, &n, &total);
    if (rc != IA_OK)
        return rc;
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(items, render_admin_user(&list[i]));
    return http_json(res, 200, render_page(items, total, skip, limit));
}

static int admin_user_get(http_req *req, http_res *res)
{
    db *d = api_db(req);
    if (d == NULL)
        return IA_ERR_UNAVAILABLE;
    admin_user *u = NULL;
    int rc = admin_store_user(d, req->arena, http_param(req, "user_id"), &u);
    if (rc == IA_NOT_FOUND)
        return http_error(res, 404, "NOT_FOUND", "User not found");
    if (rc != IA_OK)
        return rc;
    int64_t now = ia_now_ms();
    /* While locked the reset point lies in the future (the lock's end); the failures that
     * caused the lock are then the ones of the window. */
    int64_t reset = u->user.failures_reset_at <= now ? u->user.failures_reset_at : 0;
    int64_t since =
        lockout_window_start(now, req->cfg->login_attempt_window_minutes * 60000, reset);
    long long failures = 0;
    db_result *attempts = NULL;
    rc = users_store_count_failures(d, u->user.id, since, &failures);
    if (rc == IA_OK)
        rc = users_store_attempts(d, req->arena, u->user.id, RECENT_ATTEMPTS, &attempts);
    if (rc != IA_OK)
        return rc;
    json_t *recent = json_array();
    for (size_t i = 0; i < attempts->nrows; i++) {
        const char *ip = db_get(attempts, i, 1);
        json_array_append_new(recent, json_pack("{s:o, s:o, s:b}", "created_at",
                                                render_time(db_get_int(attempts, i, 0, 0)),
                                                "ip_address", ip ? json_string(ip) : json_null(),
                                                "success", db_get_bool(attempts, i, 2)));
    }
    json_t *o = render_admin_user(u);
    json_object_set_new(o, "updated_at", render_time(u->user.updated_at));
    json_object_set_new(o, "last_login_at", render_time(u->user.last_login_at));
    json_object_set_new(o, "locked_until",
                        u->user.locked_until > now ? render_time(u->user.locked_until)
                                                   : json_null());
    json_object_set_new(o, "failed_login_count", json_integer(failures));
    json_object_set_new(o, "recent_login_attempts", recent);
    return http_json(res, 200, o);
}

/* Loads the target user for a change, refusing the caller's own account. Writes 400/404. */
static int change_target(http_req *req, http_res *res, db *d, user_row **out)
{
    const char *id = http_param(req, "user_id");
    if (strcasecmp(id, req->user_id) == 0)
        return http_error(res, 400, "CANNOT_MODIFY_SELF",
                          "You cannot change your own account here");
    int rc = users_store_by_id(d, req->arena, id, out);
    if (rc == IA_NOT_FOUND)
        return http_error(res, 404, "NOT_FOUND", "User not found");
    return rc;
}

static int set_active(http_req *req, http_res *res, bool active)
{
    db *d = api_db(req);
    if (d == NULL)
        return IA_ERR_UNAVAILABLE;
    user_row *u = NULL;
    int rc = change_target(req, res, d, &u);
    if (rc != IA_OK || res->status != 0)
        return rc;
    int64_t now = ia_now_ms();
    session_id_list ended = { NULL, 0 };
    rc = db_begin(d);
    if (rc == IA_OK)
        rc = users_store_set_active(d, u->id, active, now);
    /* Deactivation ends every session at once. */
    if (rc == IA_OK && !active)
        rc = sessions_store_revoke_all(d, req->arena, u->id, NULL, "deactivated", now, &ended);
    if (rc == IA_OK)
        rc = db_commit(d);
    else
        db_rollback(d);
    if (rc != IA_OK)
        return rc;
    if (!active) {
        api_note_revoked_sessions(req, &ended);
        api_note_account(req, u->id, REVOCATION_ACCOUNT_DISABLED);
    }
    log_info("admin", active ? "user activated" : "user deactivated", "user_id", u->id, "by",
             req->user_id);
    char *msg =
        arena_printf(req->arena, "User %s %s.", u->id, active ? "activated" : "deactivated");
    return http_json(res, 200, json_pack("{s:s}", "detail", msg ? msg : ""));
}

static int admin_deactivate(http_req *req, http_res *res)
{
    return set_active(req, res, false);
}

static int admin_activate(http_req *req, http_res *res)
{
    return set_active(req, res, true);
}

static const char *const roles[] = { "user", "admin", NULL };
static const v_field role_fields[] = {
    { "role", V_STRING, V_REQUIRED, 1, 20, roles, 0, 0 },
};

static int admin_role(http_req *req, http_res *res)
{
    v_value in[1];
    int rc = validate_body(req, res, role_fields, 1, in, NULL);
    if (rc != IA_OK)
        return rc;
    db *d = api_db(req);
    if (d == NULL)
        return IA_ERR_UNAVAILABLE;
    user_row *u = NULL;
    rc = change_target(req, res, d, &u);
    if (rc != IA_OK || res->status != 0)
        return rc;
    rc = users_store_set_role(d, u->id, in[0].s, ia_now_ms());
    if (rc != IA_OK)
        return rc;
    log_info("admin", "role changed", "user_id", u->id, "role", in[0].s, "by", req->user_id);
    char *msg = arena_printf(req->arena, "User %s role changed to %s.", u->id, in[0].s);
    return http_json(res, 200, json_pack("{s:s}", "detail", msg ? msg : ""));
}

static json_t *render_admin_task(const job_row *j)
{
    json_t *o = render_task(j);
    json_object_set_new(o, "user_id", j->user_id ? json_string(j->user_id) : json_null());
    json_object_set_new(o, "attempts", json_integer(j->attempts));
    return o;
}

static int admin_tasks_list(http_req *req, http_res *res)
{
    long long skip, limit;
    int rc = validate_pagination(req, res, ADMIN_PAGE, &skip, &limit);
    if (rc != IA_OK)
        return rc;
    static const char *const statuses[] = { "PENDING", "STARTED", "RETRY",
                                            "SUCCESS", "FAILURE", NULL };
    const char *status = NULL;
    const char *kind = http_query(req, "type");
    if (kind != NULL && *kind == '\0')
        kind = NULL;
    rc = validate_query_choice(req, res, "status", statuses, &status);
    if (rc != IA_OK)
        return rc;
    db *d = api_db(req);
    if (d == NULL)
        return IA_ERR_UNAVAILABLE;
    job_row *list = NULL;
    size_t n = 0;
    long long total = 0;
    rc = admin_store_tasks(d, req->arena, status, kind, skip, limit, &list, &n, &total);
    if (rc != IA_OK)
        return rc;
    json_t *items = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(items, render_admin_task(&list[i]));
    return http_json(res, 200, render_page(items, total, skip, limit));
}

static int admin_task_retry(http_req *req, http_res *res)
{
    db *d = api_db(req);
    if (d == NULL)
        return IA_ERR_UNAVAILABLE;
    const char *id = http_param(req, "task_id");
    int64_t now = ia_now_ms();
    job_row *j = NULL;
    int rc = db_begin(d);
    if (rc != IA_OK)
        return rc;
    rc = admin_store_retry_task(d, id, now);
    if (rc == IA_OK)
        rc = jobs_store_get(d, req->arena, id, NULL, &j);
    /* The failure effect is undone with the retry: a resume goes back to processing. */
    if (rc == IA_OK)
        rc = jobs_on_retry(d, j->kind, j->payload, now);
    if (rc == IA_OK)
        rc = db_commit(d);
    else
        db_rollback(d);
    if (rc == IA_NOT_FOUND)
        return http_error(res, 404, "NOT_FOUND", "Task not found");
    if (rc == IA_ERR_CONFLICT)
        return http_error(res, 409, "TASK_NOT_FAILED", "Only a failed task can be retried");
    if (rc != IA_OK)
        return rc;
    jobs_wake(); /* after reading it back, so that the answer shows the PENDING task */
    log_info("admin", "task retried", "task_id", id, "by", req->user_id);
    return http_json(res, 202, render_admin_task(j));
}

#define ADMIN "/api/v1/admin"

const http_route admin_routes[] = {
    { "GET", ADMIN "/stats", admin_stats_get, 0, AUTH_ADMIN, RL_DEFAULT, 200, "Service counts",
      "admin" },
    { "GET", ADMIN "/users", admin_users_list, 0, AUTH_ADMIN, RL_DEFAULT, 200, "Users", "admin" },
    { "GET", ADMIN "/users/{user_id:uuid}", admin_user_get, 0, AUTH_ADMIN, RL_DEFAULT, 200,
      "One user with login history", "admin" },
    { "PATCH", ADMIN "/users/{user_id:uuid}/deactivate", admin_deactivate, 0, AUTH_ADMIN,
      RL_DEFAULT, 200, "Deactivate a user", "admin" },
    { "PATCH", ADMIN "/users/{user_id:uuid}/activate", admin_activate, 0, AUTH_ADMIN, RL_DEFAULT,
      200, "Activate a user", "admin" },
    { "PATCH", ADMIN "/users/{user_id:uuid}/role", admin_role, HTTP_BODY_JSON, AUTH_ADMIN,
      RL_DEFAULT, 200, "Change a user's role", "admin" },
    { "GET", ADMIN "/tasks", admin_tasks_list, 0, AUTH_ADMIN, RL_DEFAULT, 200, "Tasks", "admin" },
    { "POST", ADMIN "/tasks/{task_id:uuid}/retry", admin_task_retry, 0, AUTH_ADMIN, RL_DEFAULT, 202,
      "Retry a failed task", "admin" },
};
const size_t admin_routes_count = sizeof(admin_routes) / sizeof(admin_routes[0]);
