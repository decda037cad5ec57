#include "http/ratelimit.h"

#include <pthread.h>
#include <stdatomic.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/errors.h"
#include "core/log.h"
#include "core/timeutil.h"

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

/* ---- Redis: one counter for every replica ---- */

/* The GCRA step of rl_gcra as one atomic script, on the server's clock so that replicas with
 * skewed clocks still share one timeline. The TAT is kept in microseconds under a key that
 * expires when the quota is whole again. Returns {allowed, remaining, retry_after_s, reset_s}. */
static redis_script gcra_script = {
    .source =
        "local t = redis.call('TIME')\n"
        "local now = tonumber(t[1]) * 1000000 + tonumber(t[2])\n"
        "local quota = tonumber(ARGV[1])\n"
        "local window = tonumber(ARGV[2]) * 1000\n"
        "local interval = math.floor(window / quota)\n"
        "if interval < 1 then interval = 1 end\n"
        "local tat = tonumber(redis.call('GET', KEYS[1]) or '0') or 0\n"
        "if tat < now then tat = now end\n"
        "local new_tat = tat + interval\n"
        "local allow_at = new_tat - window\n"
        "if now < allow_at then\n"
        "  return {0, 0, math.floor((allow_at - now + 999999) / 1000000),\n"
        "          math.floor((tat - now + 999999) / 1000000)}\n"
        "end\n"
        "redis.call('SET', KEYS[1], string.format('%d', new_tat), 'PX',\n"
        "           math.floor((new_tat - now + 999) / 1000))\n"
        "local remaining = math.floor((window - (new_tat - now)) / interval)\n"
        "if remaining < 0 then remaining = 0 end\n"
        "return {1, remaining, 0, math.floor((new_tat - now + 999999) / 1000000)}\n",
};

typedef struct {
    rl_store base;
    redis_client *redis;
    rl_store *local; /* the in-process limiter of RATE_LIMIT_ON_REDIS_FAILURE=local */
    int on_failure;  /* RL_FAILURE_* */
    _Atomic int64_t last_warn_ms;
} rl_redis;

/* Names a key in Redis: a hash of the policy and client (an address, an e-mail address or a
 * user id), so that no personal data is written to Redis. */
static void redis_key(const char *key, char *out, size_t outlen)
{
    unsigned char h[16];
    crypto_generichash(h, sizeof(h), (const unsigned char *)key, strlen(key), NULL, 0);
    char hex[33];
    sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
    snprintf(out, outlen, "ia:rl:%s", hex);
}

/* True at most once a minute: a Redis that answers every call with an error (loading its
 * data, out of memory, a read-only replica) is worth one line now and then, not one per
 * request. */
static bool warn_due(rl_redis *rs)
{
    int64_t now = ia_mono_ms();
    int64_t last = atomic_load(&rs->last_warn_ms);
    return (last == 0 || now - last >= 60000) &&
           atomic_compare_exchange_strong(&rs->last_warn_ms, &last, now);
}

/* Reads the script's four integers into out; false when the reply has another shape. */
static bool gcra_reply(const redisReply *r, rl_result *out)
{
    if (r->type != REDIS_REPLY_ARRAY || r->elements != 4)
        return false;
    for (size_t i = 0; i < 4; i++)
        if (r->element[i]->type != REDIS_REPLY_INTEGER)
            return false;
    out->allowed = r->element[0]->integer == 1;
    out->remaining = (long)r->element[1]->integer;
    out->retry_after_s = (long)r->element[2]->integer;
    out->reset_s = (long)r->element[3]->integer;
    return true;
}

static int redis_check(rl_store *s, const char *key, long quota, int64_t window_ms, int64_t now_ms,
                       rl_result *out)
{
    rl_redis *rs = (rl_redis *)s;
    if (strnlen(key, RL_KEY_MAX + 1) > RL_KEY_MAX)
        return IA_ERR_INVALID;
    char rkey[48], q[24], w[24];
    redis_key(key, rkey, sizeof(rkey));
    snprintf(q, sizeof(q), "%ld", quota);
    snprintf(w, sizeof(w), "%lld", (long long)window_ms);
    redisReply *r = NULL;
    int rc = redis_eval(rs->redis, &gcra_script, 1, 3, (const char *[]){ rkey, q, w }, &r);
    if (rc == IA_OK && gcra_reply(r, out)) {
        redis_reply_free(r);
        return IA_OK;
    }
    if (rc == IA_OK && warn_due(rs))
        log_warn("ratelimit",
                 "unexpected answer from the rate-limit script; using the failure policy", "error",
                 r->type == REDIS_REPLY_ERROR ? r->str : "not four integers");
    redis_reply_free(r);
    switch (rs->on_failure) {
    case RL_FAILURE_OPEN:
        return RL_SKIPPED;
    case RL_FAILURE_CLOSED:
        return IA_ERR_UNAVAILABLE;
    default:
        return rl_check(rs->local, key, quota, window_ms, now_ms, out);
    }
}

static void redis_destroy(rl_store *s)
{
    rl_redis *rs = (rl_redis *)s;
    rl_destroy(rs->local);
    free(rs);
}

static const rl_store_ops redis_ops = { redis_check, redis_destroy };

rl_store *rl_redis_create(redis_client *redis, int on_failure, size_t max_local_keys)
{
    rl_redis *rs = calloc(1, sizeof(*rs));
    if (rs == NULL)
        return NULL;
    rs->base.ops = &redis_ops;
    rs->base.remote = true;
    rs->redis = redis;
    rs->on_failure = on_failure;
    rs->local = rl_memory_create(max_local_keys);
    if (rs->local == NULL) {
        free(rs);
        return NULL;
    }
    return &rs->base;
}
