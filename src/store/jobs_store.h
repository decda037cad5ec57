/* SQL of the job queue and the maintenance schedule (docs/design.md "Background jobs"). Every
 * state change of a running job names its lease owner, so a worker that lost its lease can
 * never overwrite what the job's new owner did. */
#ifndef IA_STORE_JOBS_STORE_H
#define IA_STORE_JOBS_STORE_H

#include <stdint.h>

#include "core/arena.h"
#include "db/db.h"

typedef struct {
    const char *id;
    const char *kind;
    const char *payload; /* JSON text */
    const char *user_id; /* NULL for system jobs */
    const char *status;  /* PENDING, STARTED, RETRY, SUCCESS, FAILURE */
    const char *last_error;
    const char *result; /* JSON text, NULL unless SUCCESS */
    const char *lease_owner;
    int attempts;
    int max_attempts;
    int64_t run_at;
    int64_t lease_expires_at;
    int64_t created_at;
    int64_t updated_at;
    int64_t started_at;
    int64_t finished_at;
} job_row;

/* The columns jobs_store_from_row maps, in order. */
#define JOBS_STORE_COLUMNS                                                                         \
    "id, kind, payload, user_id, status, last_error, result, lease_owner, attempts, "              \
    "max_attempts, run_at, lease_expires_at, created_at, updated_at, started_at, finished_at"

void jobs_store_from_row(const db_result *res, size_t r, job_row *j);

#define JOB_STATUS_COUNT 5
extern const char *const job_statuses[JOB_STATUS_COUNT];

/* Inserts a PENDING job (inside the caller's transaction when there is one). On PostgreSQL
 * also queues a NOTIFY, which is delivered when that transaction commits. */
int jobs_store_insert(db *d, const char *id, const char *kind, const char *payload,
                      const char *user_id, int max_attempts, int64_t run_at, int64_t now);

/* Claims the next runnable job for owner with a lease until lease_until, in one statement
 * (FOR UPDATE SKIP LOCKED on PostgreSQL; SQLite's write lock serialises the same statement).
 * IA_NOT_FOUND when nothing is runnable. */
int jobs_store_claim(db *d, arena *a, const char *owner, int64_t now, int64_t lease_until,
                     job_row **out);

/* Extends the lease of job id while owner holds it. IA_NOT_FOUND when the lease was lost. */
int jobs_store_heartbeat(db *d, const char *id, const char *owner, int64_t lease_until);

/* Ends a job this owner holds: SUCCESS with result, RETRY at run_at, or FAILURE. IA_NOT_FOUND
 * when the lease was lost meanwhile (nothing is changed). */
int jobs_store_succeed(db *d, const char *id, const char *owner, const char *result, int64_t now);
int jobs_store_retry(db *d, const char *id, const char *owner, const char *error, int64_t run_at,
                     int64_t now);
int jobs_store_fail(db *d, const char *id, const char *owner, const char *error, int64_t now);

/* Hands back owner's running jobs for immediate retry, without counting the attempt (graceful
 * shutdown). */
int jobs_store_release(db *d, const char *owner, int64_t now, long long *released);

/* Moves jobs whose lease expired to RETRY, or to FAILURE when out of attempts; the rows that
 * failed are returned so that their failure effects can run. */
int jobs_store_reclaim(db *d, arena *a, int64_t now, job_row **failed, size_t *nfailed,
                       long long *reclaimed);

/* A job by id; with user_id, only that user's job (IA_NOT_FOUND otherwise). */
int jobs_store_get(db *d, arena *a, const char *id, const char *user_id, job_row **out);

/* Jobs per status, in job_statuses order. */
int jobs_store_counts(db *d, arena *a, long long counts[JOB_STATUS_COUNT]);

/* Deletes finished jobs that finished before `before`. */
int jobs_store_prune(db *d, int64_t before, long long *deleted);

/* Claims the right to run the maintenance task `name` now: IA_OK when this caller won (and the
 * next run moves interval_ms ahead), IA_NOT_FOUND when it is not due or another process won. */
int sched_store_claim(db *d, const char *name, int64_t interval_ms, const char *owner, int64_t now);

/* Deletes expired token rows of every kind, and ended locks of e-mails without an account;
 * *deleted says how many. */
int sched_store_prune_tokens(db *d, int64_t now, long long *deleted);

#endif
