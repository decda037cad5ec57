/* The worker runtime: N worker threads claiming and running jobs, and one scheduler thread
 * that heartbeats this process's leases, reclaims expired ones, refreshes the queue metrics,
 * runs periodic maintenance once per cluster and this process's own maintenance (its
 * DATA_DIR is its own). Each thread owns its database connection. A process without workers
 * runs the scheduler for its own maintenance only (jobs_start_local). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/errors.h"
#include "core/log.h"
#include "core/strbuf.h"
#include "core/timeutil.h"
#include "core/uuid.h"
#include "jobs/jobs.h"
#include "jobs/jobs_internal.h"
#include "obs/metrics.h"
#include "obs/sentry.h"
#include "store/jobs_store.h"
#include "core/util.h"

#define JOB_ARENA_MAX     (256u * 1024u * 1024u)
#define STATS_INTERVAL_MS 5000
#define HOURLY_MS         (60 * 60 * 1000)
#define METRIC_KINDS      32
#define STOP_SLICE_MS     100

enum { OUT_SUCCESS, OUT_RETRY, OUT_FAILURE, OUT_COUNT };
static const char *const outcome_names[OUT_COUNT] = { "success", "retry", "failure" };
static const double dur_buckets[] = { 0.01, 0.05, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300 };
#define NDUR (COUNT(dur_buckets))

struct job_runtime {
    const ia_config *cfg;
    void *app;
    char owner[128];
    pthread_t *threads;
    int nthreads;
    pthread_t scheduler;
    bool scheduler_started;
    bool local_only; /* no workers: the scheduler does this process's own maintenance only */
    atomic_bool stopping;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int alive; /* threads still running, under lock */
    /* The job each worker thread is running ("" when idle), under lock: only these leases are
     * extended, so a job whose thread gave up on it loses its lease and runs again. */
    char (*running)[40];
};

typedef struct {
    job_runtime *rt;
    int index;
} worker_arg;

static void set_running(job_runtime *rt, int index, const char *id)
{
    pthread_mutex_lock(&rt->lock);
    snprintf(rt->running[index], sizeof(rt->running[index]), "%s", id ? id : "");
    pthread_mutex_unlock(&rt->lock);
}

typedef struct {
    const char *owner;
    const char *text;
    int64_t run_at;
} save_args;

static int save_success(db *d, const job_row *j, const save_args *s)
{
    return jobs_store_succeed(d, j->id, s->owner, s->text, ia_now_ms());
}

static int save_retry(db *d, const job_row *j, const save_args *s)
{
    return jobs_store_retry(d, j->id, s->owner, s->text, s->run_at, ia_now_ms());
}

/* Records a finished attempt, retrying while the database is unreachable (the engine
 * reconnects on the next call) for up to one lease. Returns the last result. */
static int save_with_retry(job_runtime *rt, db *d,
                           int (*fn)(db *d, const job_row *j, const save_args *s), const job_row *j,
                           const save_args *s)
{
    int64_t give_up = ia_mono_ms() + rt->cfg->job_lease_timeout_ms;
    int rc = fn(d, j, s);
    while (rc == IA_ERR_UNAVAILABLE && ia_mono_ms() < give_up) {
        struct timespec ts = { 0, 200 * 1000000L };
        nanosleep(&ts, NULL);
        rc = fn(d, j, s);
    }
    return rc;
}

/* Metrics of this process's jobs, and the cluster's queue as last counted. */
static pthread_mutex_t g_mlock = PTHREAD_MUTEX_INITIALIZER;
static struct {
    const char *kind;
    unsigned long long outcomes[OUT_COUNT];
    unsigned long long bucket[NDUR];
    unsigned long long count;
    double sum;
} g_km[METRIC_KINDS];
static size_t g_nkm;
static long long g_queue[JOB_STATUS_COUNT];
static bool g_queue_known;
static int g_workers;
static bool g_collector_registered;

static void record_outcome(const char *kind, int outcome, double seconds)
{
    pthread_mutex_lock(&g_mlock);
    size_t i;
    for (i = 0; i < g_nkm; i++)
        if (strcmp(g_km[i].kind, kind) == 0)
            break;
    if (i == g_nkm && g_nkm < METRIC_KINDS) {
        memset(&g_km[i], 0, sizeof(g_km[i]));
        g_km[i].kind = kind;
        g_nkm++;
    }
    if (i < g_nkm) {
        g_km[i].outcomes[outcome]++;
        for (size_t b = 0; b < NDUR; b++)
            if (seconds <= dur_buckets[b])
                g_km[i].bucket[b]++;
        g_km[i].count++;
        g_km[i].sum += seconds;
    }
    pthread_mutex_unlock(&g_mlock);
}

static void collect_job_metrics(strbuf *sb, void *ctx)
{
    (void)ctx;
    pthread_mutex_lock(&g_mlock);
    strbuf_puts(sb,
                "# HELP interviewace_jobs_total Jobs run by this process, by kind and "
                "outcome.\n# TYPE interviewace_jobs_total counter\n");
    for (size_t i = 0; i < g_nkm; i++)
        for (int o = 0; o < OUT_COUNT; o++)
            strbuf_appendf(sb, "interviewace_jobs_total{kind=\"%s\",outcome=\"%s\"} %llu\n",
                           g_km[i].kind, outcome_names[o], g_km[i].outcomes[o]);
    strbuf_puts(sb,
                "# HELP interviewace_job_duration_seconds Job run time by kind.\n"
                "# TYPE interviewace_job_duration_seconds histogram\n");
    for (size_t i = 0; i < g_nkm; i++) {
        for (size_t b = 0; b < NDUR; b++)
            strbuf_appendf(sb,
                           "interviewace_job_duration_seconds_bucket{kind=\"%s\",le=\"%g\"} %llu\n",
                           g_km[i].kind, dur_buckets[b], g_km[i].bucket[b]);
        strbuf_appendf(sb,
                       "interviewace_job_duration_seconds_bucket{kind=\"%s\",le=\"+Inf\"} %llu\n",
                       g_km[i].kind, g_km[i].count);
        strbuf_appendf(sb, "interviewace_job_duration_seconds_sum{kind=\"%s\"} %.6f\n",
                       g_km[i].kind, g_km[i].sum);
        strbuf_appendf(sb, "interviewace_job_duration_seconds_count{kind=\"%s\"} %llu\n",
                       g_km[i].kind, g_km[i].count);
    }
    if (g_queue_known) {
        strbuf_puts(sb,
                    "# HELP interviewace_job_queue Jobs in the queue by status (whole "
                    "cluster, refreshed every few seconds).\n"
                    "# TYPE interviewace_job_queue gauge\n");
        for (int s = 0; s < JOB_STATUS_COUNT; s++)
            strbuf_appendf(sb, "interviewace_job_queue{status=\"%s\"} %lld\n", job_statuses[s],
                           g_queue[s]);
    }
    strbuf_appendf(sb,
                   "# HELP interviewace_job_workers Worker threads in this process.\n"
                   "# TYPE interviewace_job_workers gauge\ninterviewace_job_workers %d\n",
                   g_workers);
    pthread_mutex_unlock(&g_mlock);
}

static int open_db(job_runtime *rt, db **out)
{
    char err[512];
    int rc = db_open(rt->cfg->database_url, (int)rt->cfg->db_statement_timeout_ms, out, err,
                     sizeof(err));
    if (rc != IA_OK)
        log_warn("jobs", "database unavailable", "error", err);
    return rc;
}

/* Sleeps up to ms or until stop; the scheduler and workers without PostgreSQL use this. */
static void rt_sleep(job_runtime *rt, int64_t ms)
{
    struct timespec ts;
    ia_timespec_after(ms, &ts);
    pthread_mutex_lock(&rt->lock);
    if (!atomic_load(&rt->stopping))
        pthread_cond_timedwait(&rt->cond, &rt->lock, &ts);
    pthread_mutex_unlock(&rt->lock);
}

/* Waits for work: a NOTIFY on PostgreSQL, an in-process wake-up otherwise, or the poll
 * interval, whichever comes first. */
static void idle_wait(job_runtime *rt, db *d)
{
    int64_t ms = rt->cfg->job_poll_interval_ms;
    if (d != NULL && db_engine_of(d) == DB_POSTGRES) {
        /* Short slices, so that a stop request is noticed within one of them. */
        for (int64_t waited = 0; waited < ms && !atomic_load(&rt->stopping);
             waited += STOP_SLICE_MS) {
            int slice = (int)(ms - waited < STOP_SLICE_MS ? ms - waited : STOP_SLICE_MS);
            if (db_wait_notify(d, slice) != IA_ERR_TIMEOUT)
                return;
        }
        return;
    }
    struct timespec ts;
    ia_timespec_after(ms, &ts);
    pthread_mutex_lock(&jobs_wake_lock);
    unsigned long seq = jobs_wake_seq;
    while (seq == jobs_wake_seq && !atomic_load(&rt->stopping))
        if (pthread_cond_timedwait(&jobs_wake_cond, &jobs_wake_lock, &ts) == ETIMEDOUT)
            break;
    pthread_mutex_unlock(&jobs_wake_lock);
}

/* Reports a job that ended FAILURE to error monitoring: its kind, id, attempts, owner account
 * and error (the reporter scrubs e-mail addresses from it); never its payload or result. */
static void report_failure(const char *kind, const char *id, const char *user_id, int attempts,
                           const char *error)
{
    char message[SENTRY_MESSAGE_MAX], tries[16], transaction[160];
    snprintf(message, sizeof(message), "Job %s failed after %d attempt%s: %s", kind, attempts,
             attempts == 1 ? "" : "s", error);
    snprintf(tries, sizeof(tries), "%d", attempts);
    snprintf(transaction, sizeof(transaction), "job %s", kind);
    sentry_event ev = { .level = "error",
                        .logger = "jobs",
                        .type = "JobFailed",
                        .message = message,
                        .transaction = transaction,
                        .user_id = user_id,
                        .tags = { { "job_kind", kind }, { "job_id", id }, { "attempts", tries } },
                        .ntags = 3 };
    sentry_capture(&ev);
}

/* Runs a kind's failure effect and marks the job FAILURE in one transaction. When owner is
 * NULL the job is already FAILURE (reclaimed) and only the effect runs. Returns IA_OK, or
 * IA_NOT_FOUND when the lease was lost (another worker decides), or the database's error. */
static int finish_failed(db *d, job_ctx *ctx, const job_kind *k, const char *owner)
{
    int rc = db_begin(d);
    if (rc != IA_OK)
        return rc;
    if (k != NULL && k->on_failure != NULL)
        k->on_failure(ctx);
    if (owner != NULL)
        rc = jobs_store_fail(d, ctx->id, owner, ctx->error, ia_now_ms());
    if (rc == IA_OK)
        rc = db_commit(d);
    else
        db_rollback(d);
    if (rc == IA_NOT_FOUND)
        log_warn("jobs", "lease lost before the failure was recorded", "job_id", ctx->id);
    return rc;
}

static void run_job(job_runtime *rt, db *d, arena *a, const job_row *j)
{
    const job_kind *k = jobs_find_kind(j->kind);
    job_ctx ctx;
    memset(&ctx, 0, sizeof(ctx));
    ctx.db = d;
    ctx.arena = a;
    ctx.cfg = rt->cfg;
    ctx.app = rt->app;
    ctx.id = j->id;
    ctx.kind = j->kind;
    ctx.user_id = j->user_id;
    ctx.owner = rt->owner;
    ctx.attempt = j->attempts;
    ctx.max_attempts = j->max_attempts;
    json_error_t jerr;
    ctx.payload = json_loads(j->payload ? j->payload : "{}", 0, &jerr);
    log_set_request_id(j->id);
    int64_t t0 = ia_mono_us();
    int rc;
    if (k == NULL) {
        snprintf(ctx.error, sizeof(ctx.error), "Unknown job kind '%s'", j->kind);
        ctx.permanent = true;
        rc = IA_ERR_INVALID;
    } else if (!json_is_object(ctx.payload)) {
        snprintf(ctx.error, sizeof(ctx.error), "The job's payload is not a JSON object");
        ctx.permanent = true;
        rc = IA_ERR_INVALID;
    } else {
        rc = k->run(&ctx);
    }
    double secs = (double)(ia_mono_us() - t0) / 1e6;
    const char *kind_label = k ? k->kind : "unknown";
    int64_t now = ia_now_ms();
    if (rc == IA_OK) {
        char *text = ctx.result ? json_dumps(ctx.result, JSON_COMPACT | JSON_REAL_PRECISION(15))
                                : strdup("{}");
        save_args sa = { rt->owner, text, 0 };
        int src = text ? save_with_retry(rt, d, save_success, j, &sa) : IA_ERR_NOMEM;
        free(text);
        if (src == IA_NOT_FOUND)
            log_warn("jobs", "lease lost before the job finished; its new owner decides", "kind",
                     kind_label);
        else if (src != IA_OK)
            log_error("jobs", "cannot record a finished job; it will run again", "error",
                      ia_strerror(src));
        record_outcome(kind_label, src == IA_OK ? OUT_SUCCESS : OUT_RETRY, secs);
        log_emit(LOG_INFO, "jobs", "job succeeded",
                 (log_field[]){ LOG_STR("kind", kind_label), LOG_NUM("attempt", j->attempts),
                                LOG_NUM("duration_ms", (long long)(secs * 1000)) },
                 3);
    } else {
        if (ctx.error[0] == '\0')
            snprintf(ctx.error, sizeof(ctx.error), "%s", ia_strerror(rc));
        if (ctx.permanent || j->attempts >= j->max_attempts) {
            int frc = finish_failed(d, &ctx, k, rt->owner);
            record_outcome(kind_label, OUT_FAILURE, secs);
            if (frc != IA_NOT_FOUND)
                report_failure(j->kind, j->id, j->user_id, j->attempts, ctx.error);
            log_emit(LOG_WARN, "jobs", "job failed",
                     (log_field[]){ LOG_STR("kind", kind_label), LOG_NUM("attempt", j->attempts),
                                    LOG_STR("error", ctx.error) },
                     3);
        } else {
            int64_t delay =
                jobs_backoff_ms(rt->cfg->job_retry_base_ms, j->attempts, randombytes_random());
            save_args sa = { rt->owner, ctx.error, now + delay };
            int src = save_with_retry(rt, d, save_retry, j, &sa);
            if (src != IA_OK && src != IA_NOT_FOUND)
                log_error("jobs", "cannot record a failed attempt; the lease will expire", "error",
                          ia_strerror(src));
            record_outcome(kind_label, OUT_RETRY, secs);
            log_emit(LOG_INFO, "jobs", "job will be retried",
                     (log_field[]){ LOG_STR("kind", kind_label), LOG_NUM("attempt", j->attempts),
                                    LOG_NUM("retry_in_ms", delay), LOG_STR("error", ctx.error) },
                     4);
        }
    }
    log_set_request_id(NULL);
    json_decref(ctx.result);
    json_decref(ctx.payload);
}

static void thread_exit(job_runtime *rt)
{
    pthread_mutex_lock(&rt->lock);
    rt->alive--;
    pthread_cond_broadcast(&rt->cond);
    pthread_mutex_unlock(&rt->lock);
}

static void *worker_main(void *arg)
{
    worker_arg *wa = arg;
    job_runtime *rt = wa->rt;
    int index = wa->index;
    free(wa);
    db *d = NULL;
    while (!atomic_load(&rt->stopping)) {
        if (d == NULL) {
            if (open_db(rt, &d) != IA_OK) {
                d = NULL;
                rt_sleep(rt, rt->cfg->job_poll_interval_ms);
                continue;
            }
            if (db_engine_of(d) == DB_POSTGRES)
                db_listen(d, "interviewace_jobs");
        }
        arena *a = arena_create(JOB_ARENA_MAX);
        if (a == NULL) {
            rt_sleep(rt, rt->cfg->job_poll_interval_ms);
            continue;
        }
        job_row *j = NULL;
        int64_t now = ia_now_ms();
        int rc = jobs_store_claim(d, a, rt->owner, now, now + rt->cfg->job_lease_timeout_ms, &j);
        if (rc == IA_OK) {
            set_running(rt, index, j->id);
            run_job(rt, d, a, j);
            set_running(rt, index, NULL);
        }
        arena_destroy(a);
        if (rc != IA_OK)
            idle_wait(rt, rc == IA_NOT_FOUND ? d : NULL);
    }
    db_close(d);
    thread_exit(rt);
    return NULL;
}

/* Deletes the regular files in DATA_DIR/tmp last modified more than ORPHAN_FILE_AGE ago: the
 * uploads being received and the stored files being parsed that a crashed process left
 * behind. Returns how many it removed. */
static long long prune_tmp_files(const ia_config *cfg)
{
    char dir[4096];
    snprintf(dir, sizeof(dir), "%s/tmp", cfg->data_dir);
    DIR *dp = opendir(dir);
    if (dp == NULL)
        return 0;
    long long removed = 0;
    int64_t before = ia_now_ms() - cfg->orphan_file_age_ms;
    struct dirent *e;
    while ((e = readdir(dp)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char path[4352];
        struct stat st;
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        if (lstat(path, &st) != 0 || !S_ISREG(st.st_mode))
            continue;
        int64_t ms = (int64_t)st.st_mtim.tv_sec * 1000 + st.st_mtim.tv_nsec / 1000000;
        if (ms < before && unlink(path) == 0)
            removed++;
    }
    closedir(dp);
    return removed;
}

/* This process's own maintenance, at start-up and then every ORPHAN_FILE_AGE (at most
 * hourly): DATA_DIR belongs to one host, so no other process of the cluster can do it. */
static void local_tick(job_runtime *rt, int64_t *last_tmp)
{
    const ia_config *cfg = rt->cfg;
    int64_t now = ia_now_ms();
    int64_t every = cfg->orphan_file_age_ms < HOURLY_MS ? cfg->orphan_file_age_ms : HOURLY_MS;
    if (*last_tmp != 0 && now - *last_tmp < every)
        return;
    *last_tmp = now;
    long long n = prune_tmp_files(cfg);
    if (n > 0)
        log_emit(LOG_INFO, "jobs", "removed abandoned temporary files",
                 (log_field[]){ LOG_NUM("removed", n) }, 1);
}

static const char *g_heartbeat_path;

void jobs_set_heartbeat_file(const char *path)
{
    g_heartbeat_path = path;
}

/* Touches the heartbeat file: its modification time is the last moment the scheduler reached
 * the database. A failure is logged once, not on every pass. */
static void heartbeat_touch(void)
{
    static bool warned;
    if (g_heartbeat_path == NULL)
        return;
    int fd = open(g_heartbeat_path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd < 0 || futimens(fd, NULL) != 0) {
        if (!warned)
            log_warn("jobs", "cannot touch the heartbeat file", "path", g_heartbeat_path, "error",
                     strerror(errno));
        warned = true;
    }
    if (fd >= 0)
        close(fd);
}

/* One scheduler pass: heartbeat, reclaim, metrics, and the maintenance that is due. */
static void scheduler_tick(job_runtime *rt, db *d, int64_t *last_hb, int64_t *last_stats)
{
    const ia_config *cfg = rt->cfg;
    int64_t now = ia_now_ms();
    if (now - *last_hb >= cfg->job_lease_timeout_ms / 3) {
        bool ok = true;
        for (int i = 0; i < rt->nthreads; i++) {
            char id[40];
            pthread_mutex_lock(&rt->lock);
            memcpy(id, rt->running[i], sizeof(id));
            pthread_mutex_unlock(&rt->lock);
            if (id[0] != '\0' &&
                jobs_store_heartbeat(d, id, rt->owner, now + cfg->job_lease_timeout_ms) ==
                    IA_ERR_UNAVAILABLE)
                ok = false;
        }
        if (ok)
            *last_hb = now;
    }
    arena *a = arena_create(JOB_ARENA_MAX);
    if (a == NULL)
        return;
    job_row *failed = NULL;
    size_t nfailed = 0;
    long long reclaimed = 0;
    int reached = jobs_store_reclaim(d, a, now, &failed, &nfailed, &reclaimed);
    if (reached == IA_OK)
        heartbeat_touch();
    if (reached == IA_OK && reclaimed > 0) {
        log_emit(LOG_WARN, "jobs", "reclaimed jobs whose worker stopped",
                 (log_field[]){ LOG_NUM("reclaimed", reclaimed), LOG_NUM("failed", nfailed) }, 2);
        for (size_t i = 0; i < nfailed; i++) {
            job_ctx ctx;
            memset(&ctx, 0, sizeof(ctx));
            ctx.db = d;
            ctx.arena = a;
            ctx.cfg = cfg;
            ctx.app = rt->app;
            ctx.id = failed[i].id;
            ctx.kind = failed[i].kind;
            ctx.user_id = failed[i].user_id;
            ctx.attempt = failed[i].attempts;
            ctx.max_attempts = failed[i].max_attempts;
            ctx.payload = json_loads(failed[i].payload ? failed[i].payload : "{}", 0, NULL);
            snprintf(ctx.error, sizeof(ctx.error), "%s",
                     failed[i].last_error ? failed[i].last_error : "worker stopped");
            finish_failed(d, &ctx, jobs_find_kind(failed[i].kind), NULL);
            report_failure(failed[i].kind, failed[i].id, failed[i].user_id, failed[i].attempts,
                           ctx.error);
            json_decref(ctx.payload);
        }
    }
    if (now - *last_stats >= STATS_INTERVAL_MS) {
        long long counts[JOB_STATUS_COUNT];
        if (jobs_store_counts(d, a, counts) == IA_OK) {
            pthread_mutex_lock(&g_mlock);
            memcpy(g_queue, counts, sizeof(counts));
            g_queue_known = true;
            pthread_mutex_unlock(&g_mlock);
            *last_stats = now;
        }
    }
    arena_destroy(a);
    long long n = 0;
    if (sched_store_claim(d, "prune_tokens", HOURLY_MS, rt->owner, now) == IA_OK &&
        sched_store_prune_tokens(d, now, &n) == IA_OK && n > 0)
        log_emit(LOG_INFO, "jobs", "pruned expired token rows",
                 (log_field[]){ LOG_NUM("deleted", n) }, 1);
    if (sched_store_claim(d, "prune_tasks", HOURLY_MS, rt->owner, now) == IA_OK &&
        jobs_store_prune(d, now - cfg->task_retention_days * 24 * HOURLY_MS, &n) == IA_OK && n > 0)
        log_emit(LOG_INFO, "jobs", "pruned finished tasks past retention",
                 (log_field[]){ LOG_NUM("deleted", n) }, 1);
    job_periodic tasks[8];
    size_t ntasks = jobs_periodic_list(tasks, 8);
    for (size_t i = 0; i < ntasks; i++) {
        if (sched_store_claim(d, tasks[i].name, tasks[i].interval_ms, rt->owner, now) != IA_OK)
            continue;
        n = tasks[i].fn(d, rt->app, cfg);
        if (n > 0)
            log_emit(LOG_INFO, "jobs", "periodic maintenance changed things",
                     (log_field[]){ LOG_STR("task", tasks[i].name), LOG_NUM("changed", n) }, 2);
    }
}

static void *scheduler_main(void *arg)
{
    job_runtime *rt = arg;
    db *d = NULL;
    int64_t last_hb = 0, last_stats = 0, last_tmp = 0;
    int64_t tick = rt->cfg->job_poll_interval_ms;
    if (tick > rt->cfg->job_lease_timeout_ms / 3)
        tick = rt->cfg->job_lease_timeout_ms / 3;
    while (!atomic_load(&rt->stopping)) {
        local_tick(rt, &last_tmp);
        if (!rt->local_only && d == NULL && open_db(rt, &d) != IA_OK)
            d = NULL;
        if (d != NULL)
            scheduler_tick(rt, d, &last_hb, &last_stats);
        rt_sleep(rt, tick);
    }
    db_close(d);
    thread_exit(rt);
    return NULL;
}

/* Starts the runtime: `threads` workers and the scheduler, or (local_only, no workers) the
 * scheduler for this process's own maintenance only. */
static int start_runtime(const ia_config *cfg, void *app, int threads, bool local_only,
                         job_runtime **out)
{
    job_runtime *rt = calloc(1, sizeof(*rt));
    if (rt == NULL)
        return IA_ERR_NOMEM;
    rt->threads = calloc((size_t)threads + 1, sizeof(pthread_t));
    rt->running = calloc((size_t)threads + 1, sizeof(*rt->running));
    if (rt->threads == NULL || rt->running == NULL) {
        free(rt->threads);
        free(rt->running);
        free(rt);
        return IA_ERR_NOMEM;
    }
    rt->cfg = cfg;
    rt->app = app;
    rt->local_only = local_only;
    char host[64] = "host";
    gethostname(host, sizeof(host) - 1);
    char nonce[9];
    ia_random_hex(nonce, 4);
    snprintf(rt->owner, sizeof(rt->owner), "%s:%d:%s", host, (int)getpid(), nonce);
    atomic_init(&rt->stopping, false);
    pthread_mutex_init(&rt->lock, NULL);
    pthread_cond_init(&rt->cond, NULL);
    pthread_mutex_lock(&g_mlock);
    g_workers += threads;
    bool first = !local_only && !g_collector_registered;
    g_collector_registered = g_collector_registered || !local_only;
    pthread_mutex_unlock(&g_mlock);
    if (first)
        metrics_register_collector(collect_job_metrics, NULL);
    pthread_mutex_lock(&rt->lock);
    for (int i = 0; i < threads; i++) {
        worker_arg *wa = malloc(sizeof(*wa));
        if (wa == NULL)
            break;
        *wa = (worker_arg){ rt, i };
        if (pthread_create(&rt->threads[i], NULL, worker_main, wa) != 0) {
            free(wa);
            break;
        }
        rt->nthreads++;
        rt->alive++;
    }
    if (pthread_create(&rt->scheduler, NULL, scheduler_main, rt) == 0) {
        rt->scheduler_started = true;
        rt->alive++;
    }
    pthread_mutex_unlock(&rt->lock);
    if (rt->nthreads < threads || !rt->scheduler_started) {
        log_error("jobs", "cannot start worker threads");
        jobs_stop(rt, 0);
        return IA_ERR_IO;
    }
    if (!local_only)
        log_emit(LOG_INFO, "jobs", "workers started",
                 (log_field[]){ LOG_NUM("threads", threads), LOG_STR("owner", rt->owner) }, 2);
    *out = rt;
    return IA_OK;
}

int jobs_start(const ia_config *cfg, void *app, int threads, job_runtime **out)
{
    return start_runtime(cfg, app, threads, false, out);
}

int jobs_start_local(const ia_config *cfg, void *app, job_runtime **out)
{
    return start_runtime(cfg, app, 0, true, out);
}

void jobs_stop(job_runtime *rt, int64_t timeout_ms)
{
    if (rt == NULL)
        return;
    atomic_store(&rt->stopping, true);
    jobs_wake();
    int64_t deadline = ia_mono_ms() + timeout_ms;
    pthread_mutex_lock(&rt->lock);
    pthread_cond_broadcast(&rt->cond);
    while (rt->alive > 0) {
        int64_t left = deadline - ia_mono_ms();
        if (left <= 0)
            break;
        struct timespec ts;
        ia_timespec_after(left < 100 ? left : 100, &ts);
        pthread_cond_timedwait(&rt->cond, &rt->lock, &ts);
        jobs_wake();
    }
    int alive = rt->alive;
    pthread_mutex_unlock(&rt->lock);
    if (alive > 0) {
        /* Jobs still running past the timeout go back to the queue now, so that another
         * worker takes them at once instead of waiting for their leases to expire. */
        db *d = NULL;
        long long released = 0;
        if (open_db(rt, &d) == IA_OK)
            jobs_store_release(d, rt->owner, ia_now_ms(), &released);
        db_close(d);
        log_emit(LOG_WARN, "jobs", "shutdown timeout: released running jobs",
                 (log_field[]){ LOG_NUM("released", released) }, 1);
        return; /* the threads still use rt; the process is exiting */
    }
    for (int i = 0; i < rt->nthreads; i++)
        pthread_join(rt->threads[i], NULL);
    if (rt->scheduler_started)
        pthread_join(rt->scheduler, NULL);
    pthread_mutex_lock(&g_mlock);
    g_workers -= rt->nthreads;
    pthread_mutex_unlock(&g_mlock);
    pthread_cond_destroy(&rt->cond);
    pthread_mutex_destroy(&rt->lock);
    bool local_only = rt->local_only;
    free(rt->threads);
    free(rt->running);
    free(rt);
    if (!local_only)
        log_info("jobs", "workers stopped");
}
