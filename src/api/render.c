#include "api/render.h"

#include <string.h>

#include "core/timeutil.h"

json_t *render_time(int64_t ms)
{
    if (ms <= 0)
        return json_null();
    char buf[IA_ISO8601_LEN];
    ia_format_iso8601(ms, buf, sizeof(buf));
    return json_string(buf);
}

static const char *const ROLES[] = { "user", "admin", NULL };

static const j_field user_fields[] = {
    { "id", J_STRING, 0, "uuid" },
    { "email", J_STRING, 0, "email", .description = "Lower case" },
    { "full_name", J_STRING },
    { "is_active", J_BOOLEAN },
    { "is_email_verified", J_BOOLEAN },
    { "role", J_STRING, .choices = ROLES },
    { "created_at", J_STRING, 0, "date-time" },
    { "updated_at", J_STRING, J_NULLABLE, "date-time" },
};
const j_object render_user_schema = J_OBJECT_OF("User", "An account", user_fields);

json_t *render_user(const user_row *u)
{
    return json_pack("{s:s, s:s, s:s, s:b, s:b, s:s, s:o, s:o}", "id", u->id, "email", u->email,
                     "full_name", u->full_name, "is_active", u->is_active, "is_email_verified",
                     u->is_email_verified, "role", u->role, "created_at",
                     render_time(u->created_at), "updated_at", render_time(u->updated_at));
}

const char *const render_task_statuses[] = { "PENDING", "STARTED", "RETRY",
                                             "SUCCESS", "FAILURE", NULL };

static const j_field task_fields[] = {
    { "task_id", J_STRING, 0, "uuid" },
    { "type", J_STRING,
      .description = "`resume.parse`, `resume.match`, `interview.generate`, "
                     "`interview.evaluate_answer` or `interview.complete`" },
    { "status", J_STRING, .choices = render_task_statuses,
      .description = "PENDING, then STARTED, then SUCCESS or FAILURE; RETRY between attempts" },
    { "result", J_OBJECT, J_NULLABLE,
      .description = "Only on SUCCESS (its shape depends on the "
                     "type: docs/api.md §1.8)" },
    { "error", J_STRING, J_NULLABLE,
      .description = "A readable reason, only on RETRY and FAILURE" },
    { "created_at", J_STRING, 0, "date-time" },
    { "updated_at", J_STRING, 0, "date-time" },
};
const j_object render_task_schema =
    J_OBJECT_OF("Task", "A background task; kept at least 7 days after it finishes", task_fields);

static const j_field attempt_fields[] = {
    { "created_at", J_STRING, 0, "date-time" },
    { "ip_address", J_STRING, J_NULLABLE, .description = "The client IP (docs/api.md §1.5)" },
    { "success", J_BOOLEAN },
};
const j_object render_login_attempt_schema =
    J_OBJECT_OF("LoginAttempt", "One login attempt", attempt_fields);

json_t *render_login_attempt(const login_attempt_row *at)
{
    return json_pack("{s:o, s:o, s:b}", "created_at", render_time(at->created_at), "ip_address",
                     at->ip_address ? json_string(at->ip_address) : json_null(), "success",
                     at->success);
}

static const j_field message_fields[] = {
    { "message", J_STRING },
};
const j_object render_message_schema = J_OBJECT_OF("Message", NULL, message_fields);

json_t *render_task(const job_row *j)
{
    bool success = strcmp(j->status, "SUCCESS") == 0;
    bool failing = strcmp(j->status, "RETRY") == 0 || strcmp(j->status, "FAILURE") == 0;
    json_t *result = success && j->result ? json_loads(j->result, 0, NULL) : NULL;
    return json_pack("{s:s, s:s, s:s, s:o, s:o, s:o, s:o}", "task_id", j->id, "type", j->kind,
                     "status", j->status, "result", result ? result : json_null(), "error",
                     failing && j->last_error ? json_string(j->last_error) : json_null(),
                     "created_at", render_time(j->created_at), "updated_at",
                     render_time(j->updated_at));
}

json_t *render_page(json_t *items, long long total, long long skip, long long limit)
{
    size_t n = json_array_size(items);
    return json_pack("{s:o, s:I, s:I, s:I, s:b}", "items", items, "total", (json_int_t)total,
                     "skip", (json_int_t)skip, "limit", (json_int_t)limit, "has_more",
                     skip + (long long)n < total);
}
