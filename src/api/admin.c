/* Administration (docs/api.md §7): service counts, users with their login history, activation,
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
#include "core/util.h"

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

static const v_field users_query[] = {
    V_QUERY_SKIP,
    V_QUERY_LIMIT("20"),
    V_QUERY_SEARCH("A case-insensitive substring of the e-mail address or name"),
};

static int admin_users_list(http_req *req, http_res *res)
{
    v_value q[V_COUNT(users_query)];
    int rc = validate_query(req, res, users_query, V_COUNT(users_query), q);
    if (rc != IA_OK)
        return rc;
    long long skip = q[0].i, limit = q[1].i;
    const char *search = q[2].s;
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
    login_attempt_row *attempts = NULL;
    size_t nattempts = 0;
    rc = users_store_count_failures(d, u->user.id, since, &failures);
    if (rc == IA_OK)
        rc =
            users_store_attempts(d, req->arena, u->user.id, RECENT_ATTEMPTS, &attempts, &nattempts);
    if (rc != IA_OK)
        return rc;
    json_t *recent = json_array();
    for (size_t i = 0; i < nattempts; i++)
        json_array_append_new(recent, render_login_attempt(&attempts[i]));
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
    { "role", V_STRING, V_REQUIRED, 1, 20, roles, .example = "admin" },
};

static int admin_role(http_req *req, http_res *res)
{
    v_value in[V_COUNT(role_fields)];
    int rc = validate_body(req, res, role_fields, V_COUNT(role_fields), in, NULL);
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

static const v_field tasks_query[] = {
    V_QUERY_SKIP,
    V_QUERY_LIMIT("20"),
    { "status", V_STRING, 0, 0, 20, render_task_statuses,
      .description = "Only tasks in this status" },
    { "type", V_STRING, 0, 0, 100, .description = "Only tasks of this type" },
};

static int admin_tasks_list(http_req *req, http_res *res)
{
    v_value q[V_COUNT(tasks_query)];
    int rc = validate_query(req, res, tasks_query, V_COUNT(tasks_query), q);
    if (rc != IA_OK)
        return rc;
    long long skip = q[0].i, limit = q[1].i;
    const char *status = q[2].s, *kind = q[3].s;
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

/* ---- documentation ---- */

static const j_field stats_fields[] = {
    { "total_users", J_INTEGER, J_NONNEG },
    { "active_users", J_INTEGER, J_NONNEG },
    { "total_interviews", J_INTEGER, J_NONNEG },
    { "completed_interviews", J_INTEGER, J_NONNEG },
    { "total_resumes", J_INTEGER, J_NONNEG },
    { "average_score", J_NUMBER, J_NULLABLE | J_RANGE, .min = 0, .max = 100,
      .description = "Of completed interviews; null without one" },
    { "failed_tasks", J_INTEGER, J_NONNEG },
};
static const j_object stats_schema = J_OBJECT_OF("AdminStats", NULL, stats_fields);

static const j_field admin_user_fields[] = {
    { "id", J_STRING, 0, "uuid" },
    { "email", J_STRING, 0, "email" },
    { "full_name", J_STRING },
    { "role", J_STRING, .choices = roles },
    { "is_active", J_BOOLEAN },
    { "is_verified", J_BOOLEAN, .description = "The e-mail address is confirmed" },
    { "created_at", J_STRING, 0, "date-time" },
    { "interview_count", J_INTEGER, J_NONNEG },
    { "resume_count", J_INTEGER, J_NONNEG },
};
static const j_object admin_user_schema =
    J_OBJECT_OF("AdminUser", "An account as administrators see it", admin_user_fields);

static const j_field admin_user_detail_fields[] = {
    { "updated_at", J_STRING, J_NULLABLE, "date-time" },
    { "last_login_at", J_STRING, J_NULLABLE, "date-time" },
    { "locked_until", J_STRING, J_NULLABLE, "date-time",
      .description = "Set while a lockout lasts" },
    { "failed_login_count", J_INTEGER, J_NONNEG,
      .description = "Failures in the current lockout window" },
    { "recent_login_attempts", J_ARRAY, .object = &render_login_attempt_schema,
      .description = "The last 10" },
};
static const j_object admin_user_detail_schema = {
    .name = "AdminUserDetail",
    .description = "An account with its login history",
    .base = &admin_user_schema,
    .fields = admin_user_detail_fields,
    .n = V_COUNT(admin_user_detail_fields),
};

static const j_field admin_task_fields[] = {
    { "user_id", J_STRING, J_NULLABLE, "uuid" },
    { "attempts", J_INTEGER, J_NONNEG },
};
static const j_object admin_task_schema = {
    .name = "AdminTask",
    .description = "A task with its owner and attempts",
    .base = &render_task_schema,
    .fields = admin_task_fields,
    .n = V_COUNT(admin_task_fields),
};

static const j_field detail_fields[] = {
    { "detail", J_STRING, .description = "What changed, e.g. `User <id> deactivated.`" },
};
static const j_object detail_schema = J_OBJECT_OF("AdminChange", NULL, detail_fields);

static const doc_error self_errors[] = {
    { 400, "CANNOT_MODIFY_SELF", "the target is your own account" }, { 0 }
};

static const http_doc stats_doc = {
    .responses = (const doc_response[]){ { 0, DOC_JSON, &stats_schema }, { .shape = DOC_END } },
};

static const http_doc users_doc = {
    .description = "Newest first.",
    .query = users_query,
    .nquery = V_COUNT(users_query),
    .responses =
        (const doc_response[]){ { 0, DOC_PAGE, &admin_user_schema }, { .shape = DOC_END } },
};

static const http_doc user_doc = {
    .responses =
        (const doc_response[]){ { 0, DOC_JSON, &admin_user_detail_schema }, { .shape = DOC_END } },
};

static const http_doc deactivate_doc = {
    .description = "Ends the user's sessions at once; idempotent.",
    .responses = (const doc_response[]){ { 0, DOC_JSON, &detail_schema }, { .shape = DOC_END } },
    .errors = self_errors,
};

static const http_doc activate_doc = {
    .description = "Also clears a lockout; idempotent.",
    .responses = (const doc_response[]){ { 0, DOC_JSON, &detail_schema }, { .shape = DOC_END } },
    .errors = self_errors,
};

static const http_doc role_doc = {
    .body = role_fields,
    .nbody = V_COUNT(role_fields),
    .responses = (const doc_response[]){ { 0, DOC_JSON, &detail_schema }, { .shape = DOC_END } },
    .errors = self_errors,
};

static const http_doc tasks_doc = {
    .description = "Newest first.",
    .query = tasks_query,
    .nquery = V_COUNT(tasks_query),
    .responses =
        (const doc_response[]){ { 0, DOC_PAGE, &admin_task_schema }, { .shape = DOC_END } },
};

static const http_doc retry_doc = {
    .description =
        "The same task runs again from PENDING; a failed `resume.parse` returns its "
        "resume to `processing`, a failed `interview.generate` its session to "
        "`preparing`.",
    .responses =
        (const doc_response[]){ { 0, DOC_JSON, &admin_task_schema }, { .shape = DOC_END } },
    .errors =
        (const doc_error[]){ { 409, "TASK_NOT_FAILED", "the task is not in FAILURE" }, { 0 } },
};

#define ADMIN "/api/v1/admin"

const http_route admin_routes[] = {
    { "GET", ADMIN "/stats", admin_stats_get, 0, AUTH_ADMIN, RL_DEFAULT, 200, "Service counts",
      "admin", &stats_doc },
    { "GET", ADMIN "/users", admin_users_list, 0, AUTH_ADMIN, RL_DEFAULT, 200, "Users", "admin",
      &users_doc },
    { "GET", ADMIN "/users/{user_id:uuid}", admin_user_get, 0, AUTH_ADMIN, RL_DEFAULT, 200,
      "One user with login history", "admin", &user_doc },
    { "PATCH", ADMIN "/users/{user_id:uuid}/deactivate", admin_deactivate, 0, AUTH_ADMIN,
      RL_DEFAULT, 200, "Deactivate a user", "admin", &deactivate_doc },
    { "PATCH", ADMIN "/users/{user_id:uuid}/activate", admin_activate, 0, AUTH_ADMIN, RL_DEFAULT,
      200, "Activate a user", "admin", &activate_doc },
    { "PATCH", ADMIN "/users/{user_id:uuid}/role", admin_role, HTTP_BODY_JSON, AUTH_ADMIN,
      RL_DEFAULT, 200, "Change a user's role", "admin", &role_doc },
    { "GET", ADMIN "/tasks", admin_tasks_list, 0, AUTH_ADMIN, RL_DEFAULT, 200, "Tasks", "admin",
      &tasks_doc },
    { "POST", ADMIN "/tasks/{task_id:uuid}/retry", admin_task_retry, 0, AUTH_ADMIN, RL_DEFAULT, 202,
      "Retry a failed task", "admin", &retry_doc },
};
const size_t admin_routes_count = COUNT(admin_routes);
