#include "store/jobs_store.h"

#include <string.h>

#include "core/errors.h"
#include "core/util.h"

const char *const job_statuses[JOB_STATUS_COUNT] = { "PENDING", "STARTED", "RETRY", "SUCCESS",
                                                     "FAILURE" };

/* Maps row r of a result with JOBS_STORE_COLUMNS into a job_row. */
void jobs_store_from_row(const db_result *res, size_t r, job_row *j)
{
    j->id = db_get(res, r, 0);
    j->kind = db_get(res, r, 1);
    j->payload = db_get(res, r, 2);
    j->user_id = db_get(res, r, 3);
    j->status = db_get(res, r, 4);
    j->last_error = db_get(res, r, 5);
    j->result = db_get(res, r, 6);
    j->lease_owner = db_get(res, r, 7);
    j->attempts = (int)db_get_int(res, r, 8, 0);
    j->max_attempts = (int)db_get_int(res, r, 9, 0);
    j->run_at = db_get_int(res, r, 10, 0);
    j->lease_expires_at = db_get_int(res, r, 11, 0);
    j->created_at = db_get_int(res, r, 12, 0);
    j->updated_at = db_get_int(res, r, 13, 0);
    j->started_at = db_get_int(res, r, 14, 0);
    j->finished_at = db_get_int(res, r, 15, 0);
}

static int jobs_from_result(arena *a, const db_result *res, job_row **out, size_t *n)
{
    job_row *rows = arena_calloc(a, res->nrows ? res->nrows : 1, sizeof(*rows));
    if (rows == NULL)
        return IA_ERR_NOMEM;
    for (size_t r = 0; r < res->nrows; r++)
        jobs_store_from_row(res, r, &rows[r]);
    *out = rows;
    *n = res->nrows;
    return IA_OK;
}

int jobs_store_insert(db *d, const char *id, const char *kind, const char *payload,
                      const char *user_id, int max_attempts, int64_t run_at, int64_t now)
{
    static const char sql[] =
        "INSERT INTO jobs (id, kind, payload, user_id, status, attempts, max_attempts, run_at, "
        "created_at, updated_at) VALUES ($1, $2, $3, $4, 'PENDING', 0, $5, $6, $7, $7)";
    int rc = db_exec(d, NULL, sql,
                     (db_param[]){ DB_TEXT(id), DB_TEXT(kind), DB_TEXT(payload), DB_TEXT(user_id),
                                   DB_INT(max_attempts), DB_INT(run_at), DB_INT(now) },
                     7, NULL);
    if (rc == IA_OK && db_engine_of(d) == DB_POSTGRES)
        rc = db_exec(d, NULL, "SELECT pg_notify('interviewace_jobs', '')", NULL, 0, NULL);
    return rc;
}

int jobs_store_claim(db *d, arena *a, const char *owner, int64_t now, int64_t lease_until,
                     job_row **out)
{
    static const char pg[] =
        "UPDATE jobs SET status = 'STARTED', attempts = attempts + 1, lease_owner = $1, "
        "lease_expires_at = $2, started_at = COALESCE(started_at, $3), updated_at = $3 "
        "WHERE id = (SELECT id FROM jobs WHERE status IN ('PENDING', 'RETRY') AND run_at <= $3 "
        "ORDER BY run_at, id LIMIT 1 FOR UPDATE SKIP LOCKED) "
        "RETURNING " JOBS_STORE_COLUMNS;
    static const char lite[] =
        "UPDATE jobs SET status = 'STARTED', attempts = attempts + 1, lease_owner = $1, "
        "lease_expires_at = $2, started_at = COALESCE(started_at, $3), updated_at = $3 "
        "WHERE id = (SELECT id FROM jobs WHERE status IN ('PENDING', 'RETRY') AND run_at <= $3 "
        "ORDER BY run_at, id LIMIT 1) "
        "RETURNING " JOBS_STORE_COLUMNS;
    db_result *res = NULL;
    int rc =
        db_query_one(d, a, db_engine_of(d) == DB_POSTGRES ? pg : lite,
                     (db_param[]){ DB_TEXT(owner), DB_INT(lease_until), DB_INT(now) }, 3, &res);
    if (rc != IA_OK)
        return rc;
    job_row *j = arena_calloc(a, 1, sizeof(*j));
    if (j == NULL)
        return IA_ERR_NOMEM;
    jobs_store_from_row(res, 0, j);
    *out = j;
    return IA_OK;
}

/* Runs an UPDATE that must touch exactly the job this owner holds. */
static int owned_update(db *d, const char *sql, const db_param *p, size_t n)
{
    arena *a = arena_create(4096);
    if (a == NULL)
        return IA_ERR_NOMEM;
    db_result *res = NULL;
    int rc = db_exec(d, a, sql, p, n, &res);
    if (rc == IA_OK && (res == NULL || res->affected == 0))
        rc = IA_NOT_FOUND;
    arena_destroy(a);
    return rc;
}

int jobs_store_heartbeat(db *d, const char *id, const char *owner, int64_t lease_until)
{
    return owned_update(d,
                        "UPDATE jobs SET lease_expires_at = $3 "
                        "WHERE id = $1 AND lease_owner = $2 AND status = 'STARTED'",
                        (db_param[]){ DB_TEXT(id), DB_TEXT(owner), DB_INT(lease_until) }, 3);
}

int jobs_store_succeed(db *d, const char *id, const char *owner, const char *result, int64_t now)
{
    return owned_update(d,
                        "UPDATE jobs SET status = 'SUCCESS', result = $3, last_error = NULL, "
                        "lease_owner = NULL, lease_expires_at = NULL, finished_at = $4, "
                        "updated_at = $4 WHERE id = $1 AND lease_owner = $2 AND status = 'STARTED'",
                        (db_param[]){ DB_TEXT(id), DB_TEXT(owner), DB_TEXT(result), DB_INT(now) },
                        4);
}

int jobs_store_retry(db *d, const char *id, const char *owner, const char *error, int64_t run_at,
                     int64_t now)
{
    return owned_update(
        d,
        "UPDATE jobs SET status = 'RETRY', last_error = $3, run_at = $4, "
        "lease_owner = NULL, lease_expires_at = NULL, updated_at = $5 "
        "WHERE id = $1 AND lease_owner = $2 AND status = 'STARTED'",
        (db_param[]){ DB_TEXT(id), DB_TEXT(owner), DB_TEXT(error), DB_INT(run_at), DB_INT(now) },
        5);
}

int jobs_store_fail(db *d, const char *id, const char *owner, const char *error, int64_t now)
{
    return owned_update(d,
                        "UPDATE jobs SET status = 'FAILURE', last_error = $3, lease_owner = NULL, "
                        "lease_expires_at = NULL, finished_at = $4, updated_at = $4 "
                        "WHERE id = $1 AND lease_owner = $2 AND status = 'STARTED'",
                        (db_param[]){ DB_TEXT(id), DB_TEXT(owner), DB_TEXT(error), DB_INT(now) },
                        4);
}

int jobs_store_release(db *d, const char *owner, int64_t now, long long *released)
{
    arena *a = arena_create(4096);
    if (a == NULL)
        return IA_ERR_NOMEM;
    db_result *res = NULL;
    int rc = db_exec(d, a,
                     "UPDATE jobs SET status = 'RETRY', attempts = attempts - 1, run_at = $2, "
                     "lease_owner = NULL, lease_expires_at = NULL, updated_at = $2, "
                     "last_error = 'Released by a worker that was shutting down' "
                     "WHERE lease_owner = $1 AND status = 'STARTED'",
                     (db_param[]){ DB_TEXT(owner), DB_INT(now) }, 2, &res);
    *released = rc == IA_OK && res ? res->affected : 0;
    arena_destroy(a);
    return rc;
}

int jobs_store_reclaim(db *d, arena *a, int64_t now, job_row **failed, size_t *nfailed,
                       long long *reclaimed)
{
    static const char sql[] =
        "UPDATE jobs SET "
        "status = CASE WHEN attempts >= max_attempts THEN 'FAILURE' ELSE 'RETRY' END, "
        "finished_at = CASE WHEN attempts >= max_attempts THEN $1 ELSE NULL END, "
        "last_error = 'The worker running this job stopped before finishing it', "
        "lease_owner = NULL, lease_expires_at = NULL, run_at = $1, updated_at = $1 "
        "WHERE status = 'STARTED' AND lease_expires_at < $1 "
        "RETURNING " JOBS_STORE_COLUMNS;
    db_result *res = NULL;
    *nfailed = 0;
    *reclaimed = 0;
    int rc = db_exec(d, a, sql, (db_param[]){ DB_INT(now) }, 1, &res);
    if (rc != IA_OK)
        return rc;
    job_row *rows = NULL;
    size_t n = 0;
    rc = jobs_from_result(a, res, &rows, &n);
    if (rc != IA_OK)
        return rc;
    *reclaimed = (long long)n;
    /* Keep only the failures; the retried ones need nothing more. */
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (rows[i].status != NULL && strcmp(rows[i].status, "FAILURE") == 0)
            rows[k++] = rows[i];
    *failed = rows;
    *nfailed = k;
    return IA_OK;
}

int jobs_store_get(db *d, arena *a, const char *id, const char *user_id, job_row **out)
{
    db_result *res = NULL;
    int rc;
    if (user_id != NULL)
        rc = db_query_one(d, a,
                          "SELECT " JOBS_STORE_COLUMNS " FROM jobs WHERE id = $1 AND user_id = $2",
                          (db_param[]){ DB_TEXT(id), DB_TEXT(user_id) }, 2, &res);
    else
        rc = db_query_one(d, a, "SELECT " JOBS_STORE_COLUMNS " FROM jobs WHERE id = $1",
                          (db_param[]){ DB_TEXT(id) }, 1, &res);
    if (rc != IA_OK)
        return rc;
    job_row *j = arena_calloc(a, 1, sizeof(*j));
    if (j == NULL)
        return IA_ERR_NOMEM;
    jobs_store_from_row(res, 0, j);
    *out = j;
    return IA_OK;
}

int jobs_store_counts(db *d, arena *a, long long counts[JOB_STATUS_COUNT])
{
    db_result *res = NULL;
    int rc = db_exec(d, a, "SELECT status, COUNT(*) FROM jobs GROUP BY status", NULL, 0, &res);
    if (rc != IA_OK)
        return rc;
    for (int i = 0; i < JOB_STATUS_COUNT; i++)
        counts[i] = 0;
    for (size_t r = 0; r < res->nrows; r++)
        for (int i = 0; i < JOB_STATUS_COUNT; i++)
            if (db_get(res, r, 0) && strcmp(db_get(res, r, 0), job_statuses[i]) == 0)
                counts[i] = db_get_int(res, r, 1, 0);
    return IA_OK;
}

int jobs_store_prune(db *d, int64_t before, long long *deleted)
{
    arena *a = arena_create(4096);
    if (a == NULL)
        return IA_ERR_NOMEM;
    db_result *res = NULL;
    int rc = db_exec(d, a,
                     "DELETE FROM jobs WHERE status IN ('SUCCESS', 'FAILURE') AND finished_at < $1",
                     (db_param[]){ DB_INT(before) }, 1, &res);
    *deleted = rc == IA_OK && res ? res->affected : 0;
    arena_destroy(a);
    return rc;
}

int sched_store_claim(db *d, const char *name, int64_t interval_ms, const char *owner, int64_t now)
{
    int rc = db_exec(d, NULL,
                     "INSERT INTO scheduled_tasks (name, next_run_at) VALUES ($1, $2) "
                     "ON CONFLICT (name) DO NOTHING",
                     (db_param[]){ DB_TEXT(name), DB_INT(now) }, 2, NULL);
    if (rc != IA_OK)
        return rc;
    return owned_update(
        d,
        "UPDATE scheduled_tasks SET next_run_at = $2, last_run_at = $3, "
        "last_owner = $4 WHERE name = $1 AND next_run_at <= $3",
        (db_param[]){ DB_TEXT(name), DB_INT(now + interval_ms), DB_INT(now), DB_TEXT(owner) }, 4);
}

int sched_store_prune_tokens(db *d, int64_t now, long long *deleted)
{
    static const char *const sqls[] = {
        "DELETE FROM revoked_tokens WHERE expires_at < $1",
        "DELETE FROM refresh_tokens WHERE expires_at < $1",
        "DELETE FROM auth_sessions WHERE expires_at < $1",
        "DELETE FROM password_reset_tokens WHERE expires_at < $1",
        "DELETE FROM email_verification_tokens WHERE expires_at < $1",
        "DELETE FROM login_email_locks WHERE locked_until < $1", /* ended locks of unknown e-mails
                                                                  */
    };
    *deleted = 0;
    arena *a = arena_create(4096);
    if (a == NULL)
        return IA_ERR_NOMEM;
    int rc = IA_OK;
    for (size_t i = 0; rc == IA_OK && i < COUNT(sqls); i++) {
        db_result *res = NULL;
        rc = db_exec(d, a, sqls[i], (db_param[]){ DB_INT(now) }, 1, &res);
        if (rc == IA_OK && res != NULL)
            *deleted += res->affected;
    }
    arena_destroy(a);
    return rc;
}
