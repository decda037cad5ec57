/* SQL of accounts: users, login attempts, login sessions with their refresh tokens, revoked
 * access tokens. */
#ifndef IA_STORE_USERS_STORE_H
#define IA_STORE_USERS_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/arena.h"
#include "db/db.h"

typedef struct {
    const char *id;
    const char *email;
    const char *full_name;
    const char *password_hash;
    const char *role;
    bool is_active;
    bool is_email_verified;
    int64_t locked_until; /* 0 when not locked */
    int64_t last_login_at;
    int64_t failures_reset_at;
    int64_t created_at;
    int64_t updated_at;
} user_row;

/* The columns users_store_from_row maps, in order, for queries in other store files. */
#define USERS_STORE_COLUMNS                                                                        \
    "users.id, users.email, users.full_name, users.password_hash, users.role, "                    \
    "users.is_active, users.is_email_verified, users.locked_until, users.last_login_at, "          \
    "users.failures_reset_at, users.created_at, users.updated_at"
#define USERS_STORE_NCOLUMNS 12

/* Maps the USERS_STORE_COLUMNS found from column c of row into u. */
void users_store_from_row(const db_result *r, size_t row, size_t c, user_row *u);

int users_store_insert(db *d, const user_row *u); /* IA_ERR_CONFLICT: email taken */
int users_store_by_email(db *d, arena *a, const char *email, user_row **out);
int users_store_by_id(db *d, arena *a, const char *id, user_row **out);
int users_store_set_name(db *d, const char *id, const char *name, int64_t now);

/* Remembers a password hash for the reuse rule. */
int users_store_add_password_history(db *d, const char *user_id, const char *hash, int64_t now);

/* Records one login attempt (user_id NULL for an unknown e-mail; device_id NULL for a client
 * without a trusted device cookie). */
int users_store_add_attempt(db *d, const char *user_id, const char *email, const char *ip,
                            const char *user_agent, const char *device_id, bool success,
                            int64_t now);

/* Failed attempts of the user from untrusted clients (no device) since `since`. */
int users_store_count_failures(db *d, const char *user_id, int64_t since, long long *n);

/* Failed attempts made with one trusted device since `since`. */
int users_store_count_device_failures(db *d, const char *device_id, int64_t since, long long *n);

/* Failed attempts for an e-mail address that has no account, since `since`. */
int users_store_count_unknown_failures(db *d, const char *email, int64_t since, long long *n);

/* The lock of an e-mail address without an account: *locked_until and *reset_at are 0 when
 * it has none. */
int users_store_email_lock(db *d, const char *email, int64_t *locked_until, int64_t *reset_at);

/* Locks an e-mail address without an account until `until`; failures before then no longer
 * count. */
int users_store_lock_email(db *d, const char *email, int64_t until);

/* After a correct password from a trusted device: only the last login time changes (the
 * account's lock of untrusted clients stays). */
int users_store_touch_login(db *d, const char *user_id, int64_t now);

/* A trusted device of a user (a device cookie names it). */
typedef struct {
    int64_t locked_until; /* 0 when not locked */
    int64_t failures_reset_at;
} device_row;

/* Records a device issued to user_id at now. */
int devices_store_insert(db *d, const char *id, const char *user_id, int64_t now);

/* Forgets the user's devices unused since `unused_since`, and all but the `keep` most recently
 * used ones (a forgotten device's cookie is untrusted from then on). */
int devices_store_trim(db *d, const char *user_id, int keep, int64_t unused_since);

/* The device id of user_id; IA_NOT_FOUND when there is none (deleted, or another user's). */
int devices_store_get(db *d, arena *a, const char *id, const char *user_id, device_row *out);

/* Locks the device until `until` (its cookie is distrusted meanwhile); failures before then no
 * longer count. */
int devices_store_lock(db *d, const char *id, int64_t until);

/* After a correct password from the device: its failures stop counting and any lock ends. */
int devices_store_reset(db *d, const char *id, int64_t now);

/* Locks the account until `until`; failures before `until` no longer count. */
int users_store_lock(db *d, const char *user_id, int64_t until, int64_t now);

/* After a correct password: failures stop counting, the lock is lifted, and with `login` the
 * last login time is set. */
int users_store_reset_failures(db *d, const char *user_id, bool login, int64_t now);

/* Account changes. */
int users_store_delete(db *d, const char *id);
int users_store_count_active_admins(db *d, long long *n);
int users_store_set_password(db *d, const char *id, const char *hash, int64_t now);
/* The newest `limit` password hashes of the user, newest first. */
int users_store_password_history(db *d, arena *a, const char *id, int limit, const char ***hashes,
                                 size_t *n);
int users_store_set_active(db *d, const char *id, bool active, int64_t now);
int users_store_set_role(db *d, const char *id, const char *role, int64_t now);
int users_store_set_verified(db *d, const char *id, int64_t now);

/* Single-use tokens (password reset, e-mail verification), stored as hashes. */
typedef enum { TOKEN_KIND_RESET, TOKEN_KIND_VERIFY } token_kind;
/* Stores a new token and retires the user's earlier unused ones of that kind. */
int tokens_store_issue(db *d, token_kind kind, const char *hash, const char *user_id, int64_t now,
                       int64_t expires_at);
typedef struct {
    const char *user_id;
    bool used;
    bool expired;
} token_lookup;
int tokens_store_find(db *d, arena *a, token_kind kind, const char *hash, int64_t now,
                      token_lookup *out);
/* Marks the token used; IA_NOT_FOUND when it was used meanwhile. */
int tokens_store_consume(db *d, token_kind kind, const char *hash, int64_t now);

/* One login of a user and the tokens refreshed from it (GET /me/export). */
typedef struct {
    const char *id;
    int64_t created_at;
    int64_t last_used_at;   /* 0 when never used */
    const char *ip_address; /* NULL when unknown */
    const char *user_agent; /* NULL when unknown */
    bool revoked;
} login_session_row;

/* One login attempt of a user (GET /me/export, the admin's user view). */
typedef struct {
    int64_t created_at;
    const char *ip_address; /* NULL when unknown */
    bool success;
} login_attempt_row;

/* The user's login sessions, newest first: *out gets *n rows in a. */
int users_store_sessions(db *d, arena *a, const char *user_id, login_session_row **out, size_t *n);
/* The user's last `limit` login attempts, newest first: *out gets *n rows in a. */
int users_store_attempts(db *d, arena *a, const char *user_id, int limit, login_attempt_row **out,
                         size_t *n);

/* Sessions. */
int sessions_store_create(db *d, const char *id, const char *user_id, const char *ip,
                          const char *user_agent, int64_t now, int64_t expires_at);
/* Revokes the least recently used active sessions of the user beyond keep. */
int sessions_store_trim(db *d, const char *user_id, int keep, int64_t now);
int sessions_store_touch(db *d, const char *id, int64_t now);
int sessions_store_revoke(db *d, const char *id, const char *user_id, const char *reason,
                          int64_t now, long long *revoked);
/* Ids of rows, allocated in the caller's arena. */
typedef struct {
    const char *const *items;
    size_t n;
} session_id_list;

/* Revokes every live session of user_id except except_id (NULL: every one); *revoked gets the
 * ids of the sessions it ended, in a. */
int sessions_store_revoke_all(db *d, arena *a, const char *user_id, const char *except_id,
                              const char *reason, int64_t now, session_id_list *revoked);

int refresh_store_insert(db *d, const char *jti, const char *session_id, const char *parent,
                         int64_t now, int64_t expires_at);

typedef enum { REFRESH_FRESH, REFRESH_USED, REFRESH_UNKNOWN } refresh_state;
/* Marks the refresh token used, atomically; says whether it was fresh, already used, or is not
 * a token of that session. */
int refresh_store_use(db *d, const char *jti, const char *session_id, int64_t now,
                      refresh_state *state);

int revoked_store_add(db *d, const char *jti, const char *user_id, int64_t expires_at);

/* What authenticating a request needs, in one query: the user, whether the session is still
 * active and whether the token id was revoked. IA_NOT_FOUND when the user does not exist. */
typedef struct {
    user_row user;
    bool session_active;
    bool token_revoked;
} auth_lookup;
int users_store_auth_lookup(db *d, arena *a, const char *user_id, const char *session_id,
                            const char *jti, int64_t now, auth_lookup *out);

#endif
