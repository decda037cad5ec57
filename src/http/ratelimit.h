/* Rate limiting with GCRA (the generic cell rate algorithm): each key stores one timestamp,
 * its theoretical arrival time (TAT). A policy of q requests per window w lets a burst of q
 * through and then one request every w/q. The store sits behind an interface so that the
 * in-process table can be replaced by a shared one (Redis) without touching callers. */
#ifndef IA_HTTP_RATELIMIT_H
#define IA_HTTP_RATELIMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/config.h"

#define RL_WINDOW_S     60
#define RL_POLICY_COUNT 7

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
};

/* An in-process store holding at most max_keys keys; expired keys are dropped as the table
 * fills. */
rl_store *rl_memory_create(size_t max_keys);

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
