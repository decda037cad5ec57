/* Job kinds, enqueueing and the in-process wake-up. */
#include "jobs/jobs.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/errors.h"
#include "core/timeutil.h"
#include "core/uuid.h"
#include "jobs/jobs_internal.h"
#include "store/jobs_store.h"

#define KINDS_MAX    64
#define RETRY_CAP_MS (10 * 60 * 1000)

static const job_kind *g_kinds[KINDS_MAX];
static size_t g_nkinds;
static pthread_mutex_t g_kinds_lock = PTHREAD_MUTEX_INITIALIZER;

pthread_mutex_t jobs_wake_lock = PTHREAD_MUTEX_INITIALIZER;
pthread_cond_t jobs_wake_cond = PTHREAD_COND_INITIALIZER;
unsigned long jobs_wake_seq;

int jobs_register(const job_kind *kinds, size_t n)
{
    pthread_mutex_lock(&g_kinds_lock);
    int rc = IA_OK;
    for (size_t i = 0; i < n && rc == IA_OK; i++) {
        if (g_nkinds >= KINDS_MAX || kinds[i].max_attempts < 1)
            rc = IA_ERR_INVALID;
        for (size_t k = 0; rc == IA_OK && k < g_nkinds; k++)
            if (strcmp(g_kinds[k]->kind, kinds[i].kind) == 0)
                rc = IA_ERR_CONFLICT;
        if (rc == IA_OK)
            g_kinds[g_nkinds++] = &kinds[i];
    }
    pthread_mutex_unlock(&g_kinds_lock);
    return rc;
}

const job_kind *jobs_find_kind(const char *kind)
{
    const job_kind *found = NULL;
    pthread_mutex_lock(&g_kinds_lock);
    for (size_t k = 0; kind != NULL && k < g_nkinds; k++)
        if (strcmp(g_kinds[k]->kind, kind) == 0)
            found = g_kinds[k];
    pthread_mutex_unlock(&g_kinds_lock);
    return found;
}

int jobs_enqueue(db *d, const char *kind, json_t *payload, const char *user_id, char id[37])
{
    const job_kind *k = jobs_find_kind(kind);
    if (k == NULL)
        return IA_ERR_INVALID;
    char *text = payload ? json_dumps(payload, JSON_COMPACT) : strdup("{}");
    if (text == NULL)
        return IA_ERR_NOMEM;
    int64_t now = ia_now_ms();
    ia_uuid_v7(now, id);
    int rc = jobs_store_insert(d, id, kind, text, user_id, k->max_attempts, now, now);
    free(text);
    return rc;
}

#define PERIODIC_MAX 8

static job_periodic g_periodic[PERIODIC_MAX];
static size_t g_nperiodic;

int jobs_register_periodic(const char *name, int64_t interval_ms, job_periodic_fn fn)
{
    pthread_mutex_lock(&g_kinds_lock);
    int rc = IA_ERR_TOO_LARGE;
    if (g_nperiodic < PERIODIC_MAX) {
        g_periodic[g_nperiodic++] = (job_periodic){ name, interval_ms, fn };
        rc = IA_OK;
    }
    pthread_mutex_unlock(&g_kinds_lock);
    return rc;
}

int jobs_run_periodic(const char *name, db *d, void *app, const ia_config *cfg, long long *changed)
{
    job_periodic_fn fn = NULL;
    pthread_mutex_lock(&g_kinds_lock);
    for (size_t i = 0; i < g_nperiodic && fn == NULL; i++)
        if (strcmp(g_periodic[i].name, name) == 0)
            fn = g_periodic[i].fn;
    pthread_mutex_unlock(&g_kinds_lock);
    if (fn == NULL)
        return IA_NOT_FOUND;
    *changed = fn(d, app, cfg);
    return IA_OK;
}

size_t jobs_periodic_list(job_periodic *out, size_t max)
{
    pthread_mutex_lock(&g_kinds_lock);
    size_t n = g_nperiodic < max ? g_nperiodic : max;
    memcpy(out, g_periodic, n * sizeof(*out));
    pthread_mutex_unlock(&g_kinds_lock);
    return n;
}

int jobs_on_retry(db *d, const char *kind, const char *payload, int64_t now)
{
    const job_kind *k = jobs_find_kind(kind);
    if (k == NULL || k->on_retry == NULL)
        return IA_OK;
    json_t *p = json_loads(payload ? payload : "{}", 0, NULL);
    if (p == NULL)
        return IA_ERR_INVALID;
    int rc = k->on_retry(d, p, now);
    json_decref(p);
    return rc;
}

void jobs_wake(void)
{
    pthread_mutex_lock(&jobs_wake_lock);
    jobs_wake_seq++;
    pthread_cond_broadcast(&jobs_wake_cond);
    pthread_mutex_unlock(&jobs_wake_lock);
}

int64_t jobs_backoff_ms(int64_t base_ms, int attempt, uint32_t random)
{
    int64_t delay = base_ms;
    for (int i = 1; i < attempt && delay < RETRY_CAP_MS; i++)
        delay *= 2;
    if (delay > RETRY_CAP_MS)
        delay = RETRY_CAP_MS;
    /* Full jitter over the upper half keeps retries spread but never immediate. */
    int64_t half = delay / 2;
    return half + (half > 0 ? (int64_t)(random % (uint32_t)(half + 1)) : 0);
}
