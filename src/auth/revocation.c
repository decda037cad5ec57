#include "auth/revocation.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "core/errors.h"
#include "core/log.h"

#define KEY_MAX 96 /* "ia:rv:s:" and a UUID, with room to spare */

/* Writes one key with its expiry; a failure is logged and otherwise ignored (the database
 * already holds the revocation). */
static void note(redis_client *r, const char *prefix, const char *id, const char *value,
                 long long ttl_ms)
{
    char key[KEY_MAX];
    int n = snprintf(key, sizeof(key), "%s%s", prefix, id);
    if (n < 0 || (size_t)n >= sizeof(key) || ttl_ms <= 0)
        return;
    char px[24];
    snprintf(px, sizeof(px), "%lld", ttl_ms);
    redisReply *reply = NULL;
    int rc = redis_command(r, 5, (const char *[]){ "SET", key, value, "PX", px }, NULL, &reply);
    if (rc == IA_OK && reply->type == REDIS_REPLY_ERROR)
        log_warn("auth", "redis refused a revocation", "error", reply->str);
    redis_reply_free(reply);
}

void revocation_note_token(redis_client *r, const char *jti, int64_t exp_ms, int64_t now_ms)
{
    if (r != NULL && jti != NULL)
        note(r, "ia:rv:j:", jti, "r", exp_ms - now_ms);
}

void revocation_note_sessions(redis_client *r, const char *const *sids, size_t n, long token_life_s)
{
    for (size_t i = 0; r != NULL && i < n; i++)
        if (sids[i] != NULL)
            note(r, "ia:rv:s:", sids[i], "r", (long long)token_life_s * 1000);
}

void revocation_note_account(redis_client *r, const char *user_id, revocation_account what,
                             long token_life_s)
{
    if (r != NULL && user_id != NULL)
        note(r, "ia:rv:u:", user_id, what == REVOCATION_ACCOUNT_DELETED ? "x" : "d",
             (long long)token_life_s * 1000);
}

/* True when reply is the one-letter string value. */
static bool is_value(const redisReply *reply, char value)
{
    return reply->type == REDIS_REPLY_STRING && reply->len == 1 && reply->str[0] == value;
}

revocation_state revocation_check(redis_client *r, const char *jti, const char *sid,
                                  const char *user_id)
{
    if (r == NULL || jti == NULL || sid == NULL || user_id == NULL)
        return REVOCATION_UNKNOWN;
    char kj[KEY_MAX], ks[KEY_MAX], ku[KEY_MAX];
    int a = snprintf(kj, sizeof(kj), "ia:rv:j:%s", jti);
    int b = snprintf(ks, sizeof(ks), "ia:rv:s:%s", sid);
    int c = snprintf(ku, sizeof(ku), "ia:rv:u:%s", user_id);
    if (a < 0 || (size_t)a >= sizeof(kj) || b < 0 || (size_t)b >= sizeof(ks) || c < 0 ||
        (size_t)c >= sizeof(ku))
        return REVOCATION_UNKNOWN;
    redisReply *reply = NULL;
    if (redis_command(r, 4, (const char *[]){ "MGET", kj, ks, ku }, NULL, &reply) != IA_OK)
        return REVOCATION_UNKNOWN;
    revocation_state st = REVOCATION_UNKNOWN;
    if (reply->type == REDIS_REPLY_ARRAY && reply->elements == 3) {
        const redisReply *const *e = (const redisReply *const *)reply->element;
        if (is_value(e[2], 'x'))
            st = REVOCATION_DELETED;
        else if (is_value(e[2], 'd'))
            st = REVOCATION_UNKNOWN;
        else if (is_value(e[0], 'r') || is_value(e[1], 'r'))
            st = REVOCATION_REVOKED;
    }
    redis_reply_free(reply);
    return st;
}
