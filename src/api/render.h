/* JSON renderings shared by the resource files. */
#ifndef IA_API_RENDER_H
#define IA_API_RENDER_H

#include <jansson.h>
#include <stdint.h>

#include "http/doc.h"
#include "store/jobs_store.h"
#include "store/users_store.h"

/* An ISO-8601 UTC string with milliseconds, or null for 0. */
json_t *render_time(int64_t ms);

/* The User object of docs/api.md §3, and its field table. */
json_t *render_user(const user_row *u);
extern const j_object render_user_schema;

/* The page envelope of docs/api.md §1.6 around items (reference stolen). */
json_t *render_page(json_t *items, long long total, long long skip, long long limit);

/* The Task object of docs/api.md §1.8, its field table, and the statuses a task goes through
 * (NULL-terminated; also the choices of the admin task filter). */
json_t *render_task(const job_row *j);
extern const j_object render_task_schema;
extern const char *const render_task_statuses[];

/* {"created_at", "ip_address", "success"}: one login attempt (data export, admin detail), and its
 * field table. */
json_t *render_login_attempt(const login_attempt_row *at);
extern const j_object render_login_attempt_schema;

/* {"message": "..."}: what most account actions answer. */
extern const j_object render_message_schema;

#endif
