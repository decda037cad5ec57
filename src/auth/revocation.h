/* Revoked sessions and access tokens, shared by every replica through Redis. A revocation is
 * committed to the database first (the source of truth) and then written here with an expiry
 * equal to the longest remaining life of the tokens it covers, so Redis never keeps a key
 * longer than it matters. Requests check here first: a hit refuses the token without a
 * database round trip; a miss, or Redis being unreachable, leaves the decision to the
 * database. Every function is a no-op without Redis (r NULL). */
#ifndef IA_AUTH_REVOCATION_H
#define IA_AUTH_REVOCATION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db/redis.h"

typedef enum {
    REVOCATION_UNKNOWN, /* nothing recorded (or Redis unreachable): ask the database */
    REVOCATION_REVOKED, /* the token or its session was revoked: 401 TOKEN_REVOKED */
    REVOCATION_DELETED, /* the account was deleted: 401 INVALID_TOKEN */
} revocation_state;

/* What happened to an account, for revocation_note_account. */
typedef enum {
    REVOCATION_ACCOUNT_DISABLED, /* deactivated: the database decides (it may be active again) */
    REVOCATION_ACCOUNT_DELETED,  /* deleted, for good: user ids are never reused */
} revocation_account;

/* Records that the access token jti (expiring at exp_ms) was revoked. */
void revocation_note_token(redis_client *r, const char *jti, int64_t exp_ms, int64_t now_ms);

/* Records that the sessions sids[0..n) ended; their access tokens live at most token_life_s
 * more seconds. */
void revocation_note_sessions(redis_client *r, const char *const *sids, size_t n,
                              long token_life_s);

/* Records what happened to the account user_id, for the token_life_s seconds its access
 * tokens may still be presented. */
void revocation_note_account(redis_client *r, const char *user_id, revocation_account what,
                             long token_life_s);

/* What Redis knows of the access token jti of session sid and account user_id. The answers
 * follow the database's order of checks: a deleted account first, then a deactivated one
 * (left to the database, which answers 403 or, once it is active again, the rest), then a
 * revoked token or session. */
revocation_state revocation_check(redis_client *r, const char *jti, const char *sid,
                                  const char *user_id);

#endif
