/* Rate limiting with GCRA (the generic cell rate algorithm): each key stores one timestamp,
 * its theoretical arrival time (TAT). A policy of q requests per window w lets a burst of q
 * through and then one request every w/q. The store sits behind an interface: an in-process
 * table, or Redis shared by every replica (with the in-process table, no limit or refusal
 * while Redis is unreachable, as RATE_LIMIT_ON_REDIS_FAILURE says). */
#ifndef IA_HTTP_RATELIMIT_H
#define IA_HTTP_RATELIMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/config.h"
#include "db/redis.h"

#define RL_WINDOW_S     60
#define RL_POLICY_COUNT 7
/* check's answer when Redis is unreachable and the policy is "open": no decision, let the
 * request through without RateLimit headers. */
#define RL_SKIPPED      1

typedef struct {
    bool allowed;
    long remaining;     /* requests left in the quota after this one */
    long reset_s;       /* seconds until the quota is fully restored */
    long retry_after_s; /* when refused: seconds until one request is allowed */
} rl_result;

/* One GCRA step: given the stored TAT (0 for a new key), decides the request at now_ms and
 * updates *tat_ms when it is allowed. quota > 0, window_ms > 0. */
void rl_gcra(int64_t *tat_ms, int64_t now_ms, long quota, int64_t window_ms, rl_result *out);

typedef struct rl_store rl_store;

typedef struct {
    int (*check)(rl_store *s, const char *key, long quota, int64_t window_ms, int64_t now_ms,
                 rl_result *out);
    void (*destroy)(rl_store *s);
} rl_store_ops;

struct rl_store {
    const rl_store_ops *ops;
    bool remote; /* checks make network round trips: never on an HTTP I/O thread */
};

/* An in-process store holding at most max_keys keys; expired keys are dropped as the table
 * fills. */
rl_store *rl_memory_create(size_t max_keys);

/* A store in Redis, shared by every replica; on_failure is RL_FAILURE_* (IA_ERR_UNAVAILABLE
 * from check for "closed", RL_SKIPPED for "open", the in-process table of at most
 * max_local_keys keys for "local"). The client stays the caller's. */
rl_store *rl_redis_create(redis_client *redis, int on_failure, size_t max_local_keys);

/* Decides one request: IA_OK with out filled, RL_SKIPPED, or an error (IA_ERR_UNAVAILABLE:
 * refuse with 503). */
static inline int rl_check(rl_store *s, const char *key, long quota, int64_t window_ms,
                           int64_t now_ms, rl_result *out)
{
    return s->ops->check(s, key, quota, window_ms, now_ms, out);
}

static inline void rl_destroy(rl_store *s)
{
    if (s != NULL)
        s->ops->destroy(s);
}

/* Policy table: index i is the policy with bit 1<<i. */
const char *rl_policy_name(int i);
long rl_policy_quota(const ia_config *cfg, int i);

#endif
