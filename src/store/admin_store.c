#include "store/admin_store.h"

#include <string.h>

#include "core/errors.h"
#include "store/common.h"

int admin_store_stats(db *d, arena *a, admin_stats *out)
{
    static const char sql[] =
        "SELECT (SELECT COUNT(*) FROM users), "
        "(SELECT COUNT(*) FROM users WHERE is_active = $1), "
        "(SELECT COUNT(*) FROM interview_sessions), "
        "(SELECT COUNT(*) FROM interview_sessions WHERE status = 'completed'), "
        "(SELECT COUNT(*) FROM resumes), "
        "(SELECT AVG(final_score) FROM interview_sessions WHERE status = 'completed'), "
        "(SELECT COUNT(*) FROM jobs WHERE status = 'FAILURE')";
    db_result *r = NULL;
    int rc = db_query_one(d, a, sql, (db_param[]){ DB_BOOL(true) }, 1, &r);
    if (rc != IA_OK)
        return rc;
    out->total_users = db_get_int(r, 0, 0, 0);
    out->active_users = db_get_int(r, 0, 1, 0);
    out->total_interviews = db_get_int(r, 0, 2, 0);
    out->completed_interviews = db_get_int(r, 0, 3, 0);
    out->total_resumes = db_get_int(r, 0, 4, 0);
    out->average_score = db_get_real(r, 0, 5, -1);
    out->failed_tasks = db_get_int(r, 0, 6, 0);
    return IA_OK;
}

#define ADMIN_USER_SELECT                                                                          \
    "SELECT " USERS_STORE_COLUMNS                                                                  \
    ", "                                                                                           \
    "(SELECT COUNT(*) FROM interview_sessions s WHERE s.user_id = users.id), "                     \
    "(SELECT COUNT(*) FROM resumes r WHERE r.user_id = users.id) FROM users "

static int map_admin_users(arena *a, const db_result *r, admin_user **out, size_t *n)
{
    admin_user *list = arena_calloc(a, r->nrows + 1, sizeof(*list));
    if (list == NULL)
        return IA_ERR_NOMEM;
    for (size_t i = 0; i < r->nrows; i++) {
        users_store_from_row(r, i, 0, &list[i].user);
        list[i].interview_count = db_get_int(r, i, USERS_STORE_NCOLUMNS, 0);
        list[i].resume_count = db_get_int(r, i, USERS_STORE_NCOLUMNS + 1, 0);
    }
    *out = list;
    *n = r->nrows;
    return IA_OK;
}

int admin_store_users(db *d, arena *a, const char *search, long long skip, long long limit,
                      admin_user **out, size_t *n, long long *total)
{
    const char *pattern = search && *search ? store_like_pattern(a, search) : NULL;
    db_result *r = NULL;
    int rc = db_query_one(d, a,
                          "SELECT COUNT(*) FROM users WHERE (CAST($1 AS TEXT) IS NULL OR "
                          "LOWER(email) LIKE $1 ESCAPE '\\' OR LOWER(full_name) LIKE $1 "
                          "ESCAPE '\\')",
                          (db_param[]){ DB_TEXT(pattern) }, 1, &r);
    if (rc != IA_OK)
        return rc;
    *total = db_get_int(r, 0, 0, 0);
    rc = db_exec(d, a,
                 ADMIN_USER_SELECT
                 "WHERE (CAST($1 AS TEXT) IS NULL OR LOWER(email) LIKE $1 ESCAPE '\\' OR "
                 "LOWER(full_name) LIKE $1 ESCAPE '\\') "
                 "ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3",
                 (db_param[]){ DB_TEXT(pattern), DB_INT(limit), DB_INT(skip) }, 3, &r);
    if (rc != IA_OK)
        return rc;
    return map_admin_users(a, r, out, n);
}

int admin_store_user(db *d, arena *a, const char *id, admin_user **out)
{
    db_result *r = NULL;
    int rc =
        db_query_one(d, a, ADMIN_USER_SELECT "WHERE id = $1", (db_param[]){ DB_TEXT(id) }, 1, &r);
    if (rc != IA_OK)
        return rc;
    size_t n = 0;
    return map_admin_users(a, r, out, &n);
}

int admin_store_tasks(db *d, arena *a, const char *status, const char *kind, long long skip,
                      long long limit, job_row **out, size_t *n, long long *total)
{
    db_result *r = NULL;
    int rc =
        db_query_one(d, a,
                     "SELECT COUNT(*) FROM jobs WHERE (CAST($1 AS TEXT) IS NULL OR status = $1) "
                     "AND (CAST($2 AS TEXT) IS NULL OR kind = $2)",
                     (db_param[]){ DB_TEXT(status), DB_TEXT(kind) }, 2, &r);
    if (rc != IA_OK)
        return rc;
    *total = db_get_int(r, 0, 0, 0);
    rc =
        db_exec(d, a,
                "SELECT " JOBS_STORE_COLUMNS
                " FROM jobs WHERE (CAST($1 AS TEXT) IS NULL OR status = $1) "
                "AND (CAST($2 AS TEXT) IS NULL OR kind = $2) ORDER BY created_at DESC, id DESC "
                "LIMIT $3 OFFSET $4",
                (db_param[]){ DB_TEXT(status), DB_TEXT(kind), DB_INT(limit), DB_INT(skip) }, 4, &r);
    if (rc != IA_OK)
        return rc;
    job_row *list = arena_calloc(a, r->nrows + 1, sizeof(*list));
    if (list == NULL)
        return IA_ERR_NOMEM;
    for (size_t i = 0; i < r->nrows; i++)
        jobs_store_from_row(r, i, &list[i]);
    *out = list;
    *n = r->nrows;
    return IA_OK;
}

int admin_store_retry_task(db *d, const char *id, int64_t now)
{
    arena *a = arena_create(8192);
    if (a == NULL)
        return IA_ERR_NOMEM;
    db_result *r = NULL;
    int rc = db_query_one(d, a, "SELECT status FROM jobs WHERE id = $1",
                          (db_param[]){ DB_TEXT(id) }, 1, &r);
    if (rc == IA_OK && strcmp(db_get(r, 0, 0), "FAILURE") != 0)
        rc = IA_ERR_CONFLICT;
    if (rc == IA_OK)
        rc = db_exec(d, a,
                     "UPDATE jobs SET status = 'PENDING', attempts = 0, run_at = $2, "
                     "updated_at = $2, finished_at = NULL, lease_owner = NULL, "
                     "lease_expires_at = NULL WHERE id = $1 AND status = 'FAILURE'",
                     (db_param[]){ DB_TEXT(id), DB_INT(now) }, 2, &r);
    if (rc == IA_OK && r->affected != 1)
        rc = IA_ERR_CONFLICT;
    if (rc == IA_OK && db_engine_of(d) == DB_POSTGRES)
        rc = db_exec(d, NULL, "SELECT pg_notify('interviewace_jobs', '')", NULL, 0, NULL);
    arena_destroy(a);
    return rc;
}
