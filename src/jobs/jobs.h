/* Durable background jobs (docs/design.md "Background jobs"): kinds of work with their handlers,
 * enqueueing inside the caller's transaction, and the workers that run them. A handler gets a
 * job_ctx with its own database connection and arena; it returns IA_OK with a result, or an
 * error (retried with jittered exponential backoff until max_attempts, then FAILURE, when the
 * kind's on_failure effect runs). Handlers must be idempotent: a job can run again after a
 * worker dies. */
#ifndef IA_JOBS_JOBS_H
#define IA_JOBS_JOBS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/arena.h"
#include "core/config.h"
#include "db/db.h"

typedef struct {
    db *db;
    arena *arena;
    const ia_config *cfg;
    void *app;
    const char *id;
    const char *kind;
    const char *user_id;
    const char *owner; /* the lease owner, for logs */
    json_t *payload;   /* borrowed: an object */
    int attempt;       /* 1 for the first run */
    int max_attempts;
    json_t *result;  /* set by the handler on success (reference owned by the context) */
    char error[512]; /* set by the handler on failure: a readable reason */
    bool permanent;  /* set by the handler when retrying cannot help */
} job_ctx;

typedef int (*job_fn)(job_ctx *ctx);
typedef void (*job_failed_fn)(job_ctx *ctx);
/* Undoes a failure effect when an administrator retries a failed job (inside the retry's
 * transaction): e.g. a resume goes back to `processing`. */
typedef int (*job_retry_fn)(db *d, json_t *payload, int64_t now);

typedef struct {
    const char *kind;
    job_fn run;
    job_failed_fn on_failure; /* may be NULL */
    int max_attempts;
    job_retry_fn on_retry; /* may be NULL */
} job_kind;

/* Registers kinds (the array must outlive the process); call before starting workers. */
int jobs_register(const job_kind *kinds, size_t n);

/* Queues a job of kind for user_id (NULL for system work) with payload (borrowed). Call it
 * inside the transaction that creates the row the job belongs to, and call jobs_wake() after
 * that transaction commits. id receives the new job id. */
int jobs_enqueue(db *d, const char *kind, json_t *payload, const char *user_id, char id[37]);

/* Periodic maintenance that another subsystem owns (e.g. removing stored files no row uses):
 * the scheduler runs fn once per interval across the cluster; fn returns how many things it
 * changed, for the log, or a negative IA_* code. Register before jobs_start. */
typedef long long (*job_periodic_fn)(db *d, void *app, const ia_config *cfg);
int jobs_register_periodic(const char *name, int64_t interval_ms, job_periodic_fn fn);

/* Runs the periodic task registered as name once, now, on the caller's connection and outside
 * its schedule (the schedule is left as it was); *changed receives the task's result.
 * IA_NOT_FOUND when no task has that name. */
int jobs_run_periodic(const char *name, db *d, void *app, const ia_config *cfg, long long *changed);

/* Runs the retry hook of kind (if it has one) for a job with this payload (JSON text). */
int jobs_on_retry(db *d, const char *kind, const char *payload, int64_t now);

/* Wakes idle workers of this process (PostgreSQL also wakes other processes by NOTIFY). */
void jobs_wake(void);

/* The delay before attempt number `attempt + 1`, after `attempt` failures: base * 2^(n-1),
 * at most 10 minutes, jittered to between half and all of that. */
int64_t jobs_backoff_ms(int64_t base_ms, int attempt, uint32_t random);

typedef struct job_runtime job_runtime;

/* Starts `threads` workers and the scheduler (heartbeats, lease reclaim, periodic
 * maintenance that runs once per cluster, queue metrics, and this process's own maintenance:
 * removing the temporary files in DATA_DIR/tmp that a crash left, once older than
 * ORPHAN_FILE_AGE). */
int jobs_start(const ia_config *cfg, void *app, int threads, job_runtime **out);

/* Starts only this process's own maintenance (see jobs_start), for a process that runs no
 * workers: `serve` with EMBEDDED_WORKERS=0. Stop it with jobs_stop. */
int jobs_start_local(const ia_config *cfg, void *app, job_runtime **out);

/* Makes the scheduler of the runtimes started afterwards touch the file at path (created when
 * missing) after every pass in which it reached the database, so that a probe outside the
 * process (`interviewace healthcheck --heartbeat PATH`) can tell a working worker from a stuck
 * or cut-off one. NULL turns it off. The string must outlive the runtimes. */
void jobs_set_heartbeat_file(const char *path);

/* Stops claiming, waits up to timeout_ms for running jobs, releases the rest for another
 * worker, and frees the runtime when every thread has stopped. */
void jobs_stop(job_runtime *rt, int64_t timeout_ms);

#endif
