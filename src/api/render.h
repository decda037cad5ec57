/* JSON renderings shared by the resource files. */
#ifndef IA_API_RENDER_H
#define IA_API_RENDER_H

#include <jansson.h>
#include <stdint.h>

#include "store/jobs_store.h"
#include "store/users_store.h"

/* An ISO-8601 UTC string with milliseconds, or null for 0. */
json_t *render_time(int64_t ms);

/* The User object of API.md §3. */
json_t *render_user(const user_row *u);

/* The page envelope of API.md §1.6 around items (reference stolen). */
json_t *render_page(json_t *items, long long total, long long skip, long long limit);

/* The Task object of API.md §1.8. */
json_t *render_task(const job_row *j);

#endif
