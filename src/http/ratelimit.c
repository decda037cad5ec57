#include "http/ratelimit.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/errors.h"

#define RL_SHARDS  16
#define RL_KEY_MAX 320

void rl_gcra(int64_t *tat_ms, int64_t now_ms, long quota, int64_t window_ms, rl_result *out)
{
    /* Work in microseconds so that w/q keeps its precision for any quota. */
    int64_t now = now_ms * 1000;
    int64_t window = window_ms * 1000;
    int64_t interval = window / quota;
    if (interval <= 0)
        interval = 1;
    int64_t tat = *tat_ms * 1000;
    if (tat < now)
        tat = now;
    int64_t new_tat = tat + interval;
    int64_t allow_at = new_tat - window;
    if (now < allow_at) {
        out->allowed = false;
        out->remaining = 0;
        out->retry_after_s = (long)((allow_at - now + 999999) / 1000000);
        out->reset_s = (long)((tat - now + 999999) / 1000000);
        return;
    }
    *tat_ms = (new_tat + 999) / 1000;
    out->allowed = true;
    out->remaining = (long)((window - (new_tat - now)) / interval);
    if (out->remaining < 0)
        out->remaining = 0;
    out->reset_s = (long)((new_tat - now + 999999) / 1000000);
    out->retry_after_s = 0;
}

typedef struct rl_entry {
    struct rl_entry *next;
    int64_t tat_ms;
    char key[];
} rl_entry;

typedef struct {
    pthread_mutex_t lock;
    rl_entry **buckets;
    size_t nbuckets;
    size_t count;
    size_t max;
} rl_shard;

typedef struct {
    rl_store base;
    rl_shard shards[RL_SHARDS];
} rl_memory;

static uint64_t rl_hash(const char *s)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ull;
    }
    return h;
}

/* Drops every entry of the shard whose TAT has passed: such a key is at full quota, which is
 * what a missing key means too. */
static void shard_sweep(rl_shard *sh, int64_t now_ms)
{
    for (size_t b = 0; b < sh->nbuckets; b++) {
        rl_entry **pp = &sh->buckets[b];
        while (*pp) {
            rl_entry *e = *pp;
            if (e->tat_ms <= now_ms) {
                *pp = e->next;
                free(e);
                sh->count--;
            } else {
                pp = &e->next;
            }
        }
    }
}

static int memory_check(rl_store *s, const char *key, long quota, int64_t window_ms, int64_t now_ms,
                        rl_result *out)
{
    rl_memory *m = (rl_memory *)s;
    size_t klen = strnlen(key, RL_KEY_MAX + 1);
    if (klen > RL_KEY_MAX)
        return IA_ERR_INVALID;
    uint64_t h = rl_hash(key);
    rl_shard *sh = &m->shards[h % RL_SHARDS];
    pthread_mutex_lock(&sh->lock);
    size_t b = (size_t)(h / RL_SHARDS) % sh->nbuckets;
    rl_entry *e = sh->buckets[b];
    while (e != NULL && strcmp(e->key, key) != 0)
        e = e->next;
    int64_t tat = e ? e->tat_ms : 0;
    rl_gcra(&tat, now_ms, quota, window_ms, out);
    if (e != NULL) {
        e->tat_ms = tat;
    } else if (out->allowed) {
        if (sh->count >= sh->max)
            shard_sweep(sh, now_ms);
        if (sh->count >= sh->max && sh->buckets[b] != NULL) {
            /* Still full of live keys: reuse the oldest-inserted entry of this bucket rather
             * than grow without bound. */
            rl_entry **pp = &sh->buckets[b];
            while ((*pp)->next)
                pp = &(*pp)->next;
            free(*pp);
            *pp = NULL;
            sh->count--;
        }
        if (sh->count < sh->max) {
            rl_entry *ne = malloc(sizeof(*ne) + klen + 1);
            if (ne == NULL) {
                pthread_mutex_unlock(&sh->lock);
                return IA_ERR_NOMEM;
            }
            memcpy(ne->key, key, klen + 1);
            ne->tat_ms = tat;
            ne->next = sh->buckets[b];
            sh->buckets[b] = ne;
            sh->count++;
        }
    }
    pthread_mutex_unlock(&sh->lock);
    return IA_OK;
}

static void memory_destroy(rl_store *s)
{
    rl_memory *m = (rl_memory *)s;
    for (int i = 0; i < RL_SHARDS; i++) {
        rl_shard *sh = &m->shards[i];
        for (size_t b = 0; b < sh->nbuckets; b++) {
            rl_entry *e = sh->buckets[b];
            while (e) {
                rl_entry *n = e->next;
                free(e);
                e = n;
            }
        }
        free(sh->buckets);
        pthread_mutex_destroy(&sh->lock);
    }
    free(m);
}

static const rl_store_ops memory_ops = { memory_check, memory_destroy };

rl_store *rl_memory_create(size_t max_keys)
{
    rl_memory *m = calloc(1, sizeof(*m));
    if (m == NULL)
        return NULL;
    m->base.ops = &memory_ops;
    size_t per = max_keys / RL_SHARDS;
    if (per < 16)
        per = 16;
    for (int i = 0; i < RL_SHARDS; i++) {
        rl_shard *sh = &m->shards[i];
        pthread_mutex_init(&sh->lock, NULL);
        sh->max = per;
        sh->nbuckets = per < 4096 ? per : 4096;
        sh->buckets = calloc(sh->nbuckets, sizeof(*sh->buckets));
        if (sh->buckets == NULL) {
            for (int j = 0; j <= i; j++) {
                free(m->shards[j].buckets);
                pthread_mutex_destroy(&m->shards[j].lock);
            }
            free(m);
            return NULL;
        }
    }
    return &m->base;
}

static const char *const policy_names[RL_POLICY_COUNT] = {
    "default", "register", "login", "login-account", "reset", "resend", "upload",
};

const char *rl_policy_name(int i)
{
    return i >= 0 && i < RL_POLICY_COUNT ? policy_names[i] : "unknown";
}

long rl_policy_quota(const ia_config *cfg, int i)
{
    switch (i) {
    case 0:
        return (long)cfg->rate_limit;
    case 1:
        return (long)cfg->rate_limit_register;
    case 2:
        return (long)cfg->rate_limit_login;
    case 3:
        return (long)cfg->rate_limit_login_account;
    case 4:
        return (long)cfg->rate_limit_reset;
    case 5:
        return (long)cfg->rate_limit_resend;
    case 6:
        return (long)cfg->rate_limit_upload;
    default:
        return 0;
    }
}
