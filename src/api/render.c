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

json_t *render_user(const user_row *u)
{
    return json_pack("{s:s, s:s, s:s, s:b, s:b, s:s, s:o, s:o}", "id", u->id, "email", u->email,
                     "full_name", u->full_name, "is_active", u->is_active, "is_email_verified",
                     u->is_email_verified, "role", u->role, "created_at",
                     render_time(u->created_at), "updated_at", render_time(u->updated_at));
}

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
