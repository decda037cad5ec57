#include "store/users_store.h"

#include "core/errors.h"
#include "core/timeutil.h"
#include "core/uuid.h"

void users_store_from_row(const db_result *r, size_t row, size_t c, user_row *u)
{
    u->id = db_get(r, row, c + 0);
    u->email = db_get(r, row, c + 1);
    u->full_name = db_get(r, row, c + 2);
    u->password_hash = db_get(r, row, c + 3);
    u->role = db_get(r, row, c + 4);
    u->is_active = db_get_bool(r, row, c + 5);
    u->is_email_verified = db_get_bool(r, row, c + 6);
    u->locked_until = db_get_int(r, row, c + 7, 0);
    u->last_login_at = db_get_int(r, row, c + 8, 0);
    u->failures_reset_at = db_get_int(r, row, c + 9, 0);
    u->created_at = db_get_int(r, row, c + 10, 0);
    u->updated_at = db_get_int(r, row, c + 11, 0);
}

int users_store_insert(db *d, const user_row *u)
{
    static const char sql[] =
        "INSERT INTO users (id, email, full_name, password_hash, role, is_active, "
        "is_email_verified, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)";
    return db_exec(d, NULL, sql,
                   (db_param[]){ DB_TEXT(u->id), DB_TEXT(u->email), DB_TEXT(u->full_name),
                                 DB_TEXT(u->password_hash), DB_TEXT(u->role), DB_BOOL(u->is_active),
                                 DB_BOOL(u->is_email_verified), DB_INT(u->created_at) },
                   8, NULL);
}

static int user_query(db *d, arena *a, const char *sql, const char *arg, user_row **out)
{
    db_result *r = NULL;
    int rc = db_query_one(d, a, sql, (db_param[]){ DB_TEXT(arg) }, 1, &r);
    if (rc != IA_OK)
        return rc;
    user_row *u = arena_calloc(a, 1, sizeof(*u));
    if (u == NULL)
        return IA_ERR_NOMEM;
    users_store_from_row(r, 0, 0, u);
    *out = u;
    return IA_OK;
}

int users_store_by_email(db *d, arena *a, const char *email, user_row **out)
{
    return user_query(d, a, "SELECT " USERS_STORE_COLUMNS " FROM users WHERE email = $1", email,
                      out);
}

int users_store_by_id(db *d, arena *a, const char *id, user_row **out)
{
    return user_query(d, a, "SELECT " USERS_STORE_COLUMNS " FROM users WHERE id = $1", id, out);
}

int users_store_set_name(db *d, const char *id, const char *name, int64_t now)
{
    return db_exec(d, NULL, "UPDATE users SET full_name = $2, updated_at = $3 WHERE id = $1",
                   (db_param[]){ DB_TEXT(id), DB_TEXT(name), DB_INT(now) }, 3, NULL);
}

int users_store_add_password_history(db *d, const char *user_id, const char *hash, int64_t now)
{
    char id[IA_UUID_LEN];
    ia_uuid_v7(now, id);
    return db_exec(d, NULL,
                   "INSERT INTO password_history (id, user_id, password_hash, created_at) "
                   "VALUES ($1, $2, $3, $4)",
                   (db_param[]){ DB_TEXT(id), DB_TEXT(user_id), DB_TEXT(hash), DB_INT(now) }, 4,
                   NULL);
}

int users_store_add_attempt(db *d, const char *user_id, const char *email, const char *ip,
                            const char *user_agent, const char *device_id, bool success,
                            int64_t now)
{
    char id[IA_UUID_LEN];
    ia_uuid_v7(now, id);
    return db_exec(d, NULL,
                   "INSERT INTO login_attempts (id, user_id, email, ip_address, user_agent, "
                   "device_id, success, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                   (db_param[]){ DB_TEXT(id), DB_TEXT(user_id), DB_TEXT(email), DB_TEXT(ip),
                                 DB_TEXT(user_agent), DB_TEXT(device_id), DB_BOOL(success),
                                 DB_INT(now) },
                   8, NULL);
}

/* Runs a COUNT(*) query of two parameters (a text and a time) into *n. */
static int count_query(db *d, const char *sql, const char *key, int64_t since, long long *n)
{
    arena *a = arena_create(4096);
    if (a == NULL)
        return IA_ERR_NOMEM;
    db_result *r = NULL;
    int rc =
        db_query_one(d, a, sql, (db_param[]){ DB_TEXT(key), DB_BOOL(false), DB_INT(since) }, 3, &r);
    *n = rc == IA_OK ? db_get_int(r, 0, 0, 0) : 0;
    arena_destroy(a);
    return rc;
}

int users_store_count_failures(db *d, const char *user_id, int64_t since, long long *n)
{
    return count_query(d,
                       "SELECT COUNT(*) FROM login_attempts WHERE user_id = $1 "
                       "AND success = $2 AND created_at >= $3 AND device_id IS NULL",
                       user_id, since, n);
}

int users_store_count_device_failures(db *d, const char *device_id, int64_t since, long long *n)
{
    return count_query(d,
                       "SELECT COUNT(*) FROM login_attempts WHERE device_id = $1 "
                       "AND success = $2 AND created_at >= $3",
                       device_id, since, n);
}

int users_store_count_unknown_failures(db *d, const char *email, int64_t since, long long *n)
{
    return count_query(d,
                       "SELECT COUNT(*) FROM login_attempts WHERE email = $1 "
                       "AND success = $2 AND created_at >= $3 AND user_id IS NULL",
                       email, since, n);
}

int users_store_email_lock(db *d, const char *email, int64_t *locked_until, int64_t *reset_at)
{
    arena *a = arena_create(4096);
    if (a == NULL)
        return IA_ERR_NOMEM;
    db_result *r = NULL;
    int rc = db_query_one(d, a,
                          "SELECT locked_until, failures_reset_at FROM login_email_locks "
                          "WHERE email = $1",
                          (db_param[]){ DB_TEXT(email) }, 1, &r);
    *locked_until = rc == IA_OK ? db_get_int(r, 0, 0, 0) : 0;
    *reset_at = rc == IA_OK ? db_get_int(r, 0, 1, 0) : 0;
    arena_destroy(a);
    return rc == IA_NOT_FOUND ? IA_OK : rc;
}

int users_store_lock_email(db *d, const char *email, int64_t until)
{
    return db_exec(d, NULL,
                   "INSERT INTO login_email_locks (email, locked_until, failures_reset_at) "
                   "VALUES ($1, $2, $2) ON CONFLICT (email) DO UPDATE SET "
                   "locked_until = excluded.locked_until, "
                   "failures_reset_at = excluded.failures_reset_at",
                   (db_param[]){ DB_TEXT(email), DB_INT(until) }, 2, NULL);
}

int users_store_touch_login(db *d, const char *user_id, int64_t now)
{
    return db_exec(d, NULL, "UPDATE users SET last_login_at = $2 WHERE id = $1",
                   (db_param[]){ DB_TEXT(user_id), DB_INT(now) }, 2, NULL);
}

int devices_store_insert(db *d, const char *id, const char *user_id, int64_t now)
{
    return db_exec(d, NULL,
                   "INSERT INTO login_devices (id, user_id, created_at, last_used_at, "
                   "failures_reset_at) VALUES ($1, $2, $3, $3, $3)",
                   (db_param[]){ DB_TEXT(id), DB_TEXT(user_id), DB_INT(now) }, 3, NULL);
}

int devices_store_trim(db *d, const char *user_id, int keep, int64_t unused_since)
{
    return db_exec(d, NULL,
                   "DELETE FROM login_devices WHERE user_id = $1 AND (last_used_at < $3 OR "
                   "id NOT IN (SELECT id FROM login_devices WHERE user_id = $1 "
                   "ORDER BY last_used_at DESC, id DESC LIMIT $2))",
                   (db_param[]){ DB_TEXT(user_id), DB_INT(keep), DB_INT(unused_since) }, 3, NULL);
}

int devices_store_get(db *d, arena *a, const char *id, const char *user_id, device_row *out)
{
    db_result *r = NULL;
    int rc = db_query_one(d, a,
                          "SELECT locked_until, failures_reset_at FROM login_devices "
                          "WHERE id = $1 AND user_id = $2",
                          (db_param[]){ DB_TEXT(id), DB_TEXT(user_id) }, 2, &r);
    if (rc != IA_OK)
        return rc;
    out->locked_until = db_get_int(r, 0, 0, 0);
    out->failures_reset_at = db_get_int(r, 0, 1, 0);
    return IA_OK;
}

int devices_store_lock(db *d, const char *id, int64_t until)
{
    return db_exec(d, NULL,
                   "UPDATE login_devices SET locked_until = $2, failures_reset_at = $2 "
                   "WHERE id = $1",
                   (db_param[]){ DB_TEXT(id), DB_INT(until) }, 2, NULL);
}

int devices_store_reset(db *d, const char *id, int64_t now)
{
    return db_exec(d, NULL,
                   "UPDATE login_devices SET locked_until = NULL, failures_reset_at = $2, "
                   "last_used_at = $2 WHERE id = $1",
                   (db_param[]){ DB_TEXT(id), DB_INT(now) }, 2, NULL);
}

int users_store_lock(db *d, const char *user_id, int64_t until, int64_t now)
{
    return db_exec(d, NULL,
                   "UPDATE users SET locked_until = $2, failures_reset_at = $2, updated_at = $3 "
                   "WHERE id = $1",
                   (db_param[]){ DB_TEXT(user_id), DB_INT(until), DB_INT(now) }, 3, NULL);
}

int users_store_reset_failures(db *d, const char *user_id, bool login, int64_t now)
{
    if (login)
        return db_exec(d, NULL,
                       "UPDATE users SET locked_until = NULL, failures_reset_at = $2, "
                       "last_login_at = $2 WHERE id = $1",
                       (db_param[]){ DB_TEXT(user_id), DB_INT(now) }, 2, NULL);
    return db_exec(d, NULL,
                   "UPDATE users SET locked_until = NULL, failures_reset_at = $2 WHERE id = $1",
                   (db_param[]){ DB_TEXT(user_id), DB_INT(now) }, 2, NULL);
}

int users_store_delete(db *d, const char *id)
{
    return db_exec(d, NULL, "DELETE FROM users WHERE id = $1", (db_param[]){ DB_TEXT(id) }, 1,
                   NULL);
}

int users_store_count_active_admins(db *d, long long *n)
{
    arena *a = arena_create(4096);
    if (a == NULL)
        return IA_ERR_NOMEM;
    db_result *r = NULL;
    int rc =
        db_query_one(d, a, "SELECT COUNT(*) FROM users WHERE role = 'admin' AND is_active = $1",
                     (db_param[]){ DB_BOOL(true) }, 1, &r);
    *n = rc == IA_OK ? db_get_int(r, 0, 0, 0) : 0;
    arena_destroy(a);
    return rc;
}

int users_store_set_password(db *d, const char *id, const char *hash, int64_t now)
{
    return db_exec(d, NULL, "UPDATE users SET password_hash = $2, updated_at = $3 WHERE id = $1",
                   (db_param[]){ DB_TEXT(id), DB_TEXT(hash), DB_INT(now) }, 3, NULL);
}

int users_store_password_history(db *d, arena *a, const char *id, int limit, const char ***hashes,
                                 size_t *n)
{
    db_result *r = NULL;
    int rc = db_exec(d, a,
                     "SELECT password_hash FROM password_history WHERE user_id = $1 "
                     "ORDER BY created_at DESC, id DESC LIMIT $2",
                     (db_param[]){ DB_TEXT(id), DB_INT(limit) }, 2, &r);
    if (rc != IA_OK)
        return rc;
    const char **list = arena_calloc(a, r->nrows + 1, sizeof(char *));
    if (list == NULL)
        return IA_ERR_NOMEM;
    for (size_t i = 0; i < r->nrows; i++)
        list[i] = db_get(r, i, 0);
    *hashes = list;
    *n = r->nrows;
    return IA_OK;
}

int users_store_set_active(db *d, const char *id, bool active, int64_t now)
{
    /* Activation also lifts a lockout. */
    if (active)
        return db_exec(d, NULL,
                       "UPDATE users SET is_active = $2, locked_until = NULL, "
                       "failures_reset_at = $3, updated_at = $3 WHERE id = $1",
                       (db_param[]){ DB_TEXT(id), DB_BOOL(true), DB_INT(now) }, 3, NULL);
    return db_exec(d, NULL, "UPDATE users SET is_active = $2, updated_at = $3 WHERE id = $1",
                   (db_param[]){ DB_TEXT(id), DB_BOOL(false), DB_INT(now) }, 3, NULL);
}

int users_store_set_role(db *d, const char *id, const char *role, int64_t now)
{
    return db_exec(d, NULL, "UPDATE users SET role = $2, updated_at = $3 WHERE id = $1",
                   (db_param[]){ DB_TEXT(id), DB_TEXT(role), DB_INT(now) }, 3, NULL);
}

int users_store_set_verified(db *d, const char *id, int64_t now)
{
    return db_exec(d, NULL,
                   "UPDATE users SET is_email_verified = $2, updated_at = $3 WHERE id = $1",
                   (db_param[]){ DB_TEXT(id), DB_BOOL(true), DB_INT(now) }, 3, NULL);
}

int tokens_store_issue(db *d, token_kind kind, const char *hash, const char *user_id, int64_t now,
                       int64_t expires_at)
{
    static const char *const retire[] = {
        "UPDATE password_reset_tokens SET used_at = $2 WHERE user_id = $1 AND used_at IS NULL",
        "UPDATE email_verification_tokens SET used_at = $2 WHERE user_id = $1 AND used_at IS NULL",
    };
    static const char *const insert[] = {
        "INSERT INTO password_reset_tokens (token_hash, user_id, created_at, expires_at) "
        "VALUES ($1, $2, $3, $4)",
        "INSERT INTO email_verification_tokens (token_hash, user_id, created_at, expires_at) "
        "VALUES ($1, $2, $3, $4)",
    };
    int rc = db_exec(d, NULL, retire[kind], (db_param[]){ DB_TEXT(user_id), DB_INT(now) }, 2, NULL);
    if (rc != IA_OK)
        return rc;
    return db_exec(d, NULL, insert[kind],
                   (db_param[]){ DB_TEXT(hash), DB_TEXT(user_id), DB_INT(now), DB_INT(expires_at) },
                   4, NULL);
}

int tokens_store_find(db *d, arena *a, token_kind kind, const char *hash, int64_t now,
                      token_lookup *out)
{
    static const char *const sql[] = {
        "SELECT user_id, used_at, expires_at FROM password_reset_tokens WHERE token_hash = $1",
        "SELECT user_id, used_at, expires_at FROM email_verification_tokens WHERE token_hash = $1",
    };
    db_result *r = NULL;
    int rc = db_query_one(d, a, sql[kind], (db_param[]){ DB_TEXT(hash) }, 1, &r);
    if (rc != IA_OK)
        return rc;
    out->user_id = db_get(r, 0, 0);
    out->used = db_get(r, 0, 1) != NULL;
    out->expired = db_get_int(r, 0, 2, 0) <= now;
    return IA_OK;
}

int tokens_store_consume(db *d, token_kind kind, const char *hash, int64_t now)
{
    static const char *const sql[] = {
        "UPDATE password_reset_tokens SET used_at = $2 WHERE token_hash = $1 AND used_at IS NULL",
        "UPDATE email_verification_tokens SET used_at = $2 WHERE token_hash = $1 "
        "AND used_at IS NULL",
    };
    arena *a = arena_create(4096);
    if (a == NULL)
        return IA_ERR_NOMEM;
    db_result *r = NULL;
    int rc = db_exec(d, a, sql[kind], (db_param[]){ DB_TEXT(hash), DB_INT(now) }, 2, &r);
    if (rc == IA_OK && (r == NULL || r->affected != 1))
        rc = IA_NOT_FOUND;
    arena_destroy(a);
    return rc;
}

/* The columns of login_session_row, in the order session_from_row reads them. */
enum { LS_ID, LS_CREATED_AT, LS_LAST_USED_AT, LS_IP_ADDRESS, LS_USER_AGENT, LS_REVOKED_AT };

int users_store_sessions(db *d, arena *a, const char *user_id, login_session_row **out, size_t *n)
{
    db_result *r = NULL;
    int rc = db_exec(d, a,
                     "SELECT id, created_at, last_used_at, ip_address, user_agent, revoked_at "
                     "FROM auth_sessions WHERE user_id = $1 ORDER BY created_at DESC",
                     (db_param[]){ DB_TEXT(user_id) }, 1, &r);
    if (rc != IA_OK)
        return rc;
    size_t rows = r != NULL ? r->nrows : 0;
    login_session_row *list = arena_calloc(a, rows + 1, sizeof(*list));
    if (list == NULL)
        return IA_ERR_NOMEM;
    for (size_t i = 0; i < rows; i++)
        list[i] = (login_session_row){
            .id = db_get(r, i, LS_ID),
            .created_at = db_get_int(r, i, LS_CREATED_AT, 0),
            .last_used_at = db_get_int(r, i, LS_LAST_USED_AT, 0),
            .ip_address = db_get(r, i, LS_IP_ADDRESS),
            .user_agent = db_get(r, i, LS_USER_AGENT),
            .revoked = db_get(r, i, LS_REVOKED_AT) != NULL,
        };
    *out = list;
    *n = rows;
    return IA_OK;
}

/* The columns of login_attempt_row, in the order users_store_attempts reads them. */
enum { LA_CREATED_AT, LA_IP_ADDRESS, LA_SUCCESS };

int users_store_attempts(db *d, arena *a, const char *user_id, int limit, login_attempt_row **out,
                         size_t *n)
{
    db_result *r = NULL;
    int rc =
        db_exec(d, a,
                "SELECT created_at, ip_address, success FROM login_attempts WHERE user_id = $1 "
                "ORDER BY created_at DESC, id DESC LIMIT $2",
                (db_param[]){ DB_TEXT(user_id), DB_INT(limit) }, 2, &r);
    if (rc != IA_OK)
        return rc;
    size_t rows = r != NULL ? r->nrows : 0;
    login_attempt_row *list = arena_calloc(a, rows + 1, sizeof(*list));
    if (list == NULL)
        return IA_ERR_NOMEM;
    for (size_t i = 0; i < rows; i++)
        list[i] = (login_attempt_row){
            .created_at = db_get_int(r, i, LA_CREATED_AT, 0),
            .ip_address = db_get(r, i, LA_IP_ADDRESS),
            .success = db_get_bool(r, i, LA_SUCCESS),
        };
    *out = list;
    *n = rows;
    return IA_OK;
}

int sessions_store_create(db *d, const char *id, const char *user_id, const char *ip,
                          const char *user_agent, int64_t now, int64_t expires_at)
{
    return db_exec(d, NULL,
                   "INSERT INTO auth_sessions (id, user_id, ip_address, user_agent, created_at, "
                   "last_used_at, expires_at) VALUES ($1, $2, $3, $4, $5, $5, $6)",
                   (db_param[]){ DB_TEXT(id), DB_TEXT(user_id), DB_TEXT(ip), DB_TEXT(user_agent),
                                 DB_INT(now), DB_INT(expires_at) },
                   6, NULL);
}

int sessions_store_trim(db *d, const char *user_id, int keep, int64_t now)
{
    /* The subquery lists the sessions to keep: the most recently used ones. */
    return db_exec(d, NULL,
                   "UPDATE auth_sessions SET revoked_at = $3, revoked_reason = 'session limit' "
                   "WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > $3 AND id NOT IN "
                   "(SELECT id FROM auth_sessions WHERE user_id = $1 AND revoked_at IS NULL "
                   "AND expires_at > $3 ORDER BY last_used_at DESC, id DESC LIMIT $2)",
                   (db_param[]){ DB_TEXT(user_id), DB_INT(keep), DB_INT(now) }, 3, NULL);
}

int sessions_store_touch(db *d, const char *id, int64_t now)
{
    return db_exec(d, NULL, "UPDATE auth_sessions SET last_used_at = $2 WHERE id = $1",
                   (db_param[]){ DB_TEXT(id), DB_INT(now) }, 2, NULL);
}

static int exec_affected(db *d, const char *sql, const db_param *p, size_t n, long long *affected)
{
    arena *a = arena_create(4096);
    if (a == NULL)
        return IA_ERR_NOMEM;
    db_result *r = NULL;
    int rc = db_exec(d, a, sql, p, n, &r);
    if (affected != NULL)
        *affected = rc == IA_OK && r != NULL ? r->affected : 0;
    arena_destroy(a);
    return rc;
}

int sessions_store_revoke(db *d, const char *id, const char *user_id, const char *reason,
                          int64_t now, long long *revoked)
{
    return exec_affected(
        d,
        "UPDATE auth_sessions SET revoked_at = $3, revoked_reason = $4 "
        "WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL",
        (db_param[]){ DB_TEXT(id), DB_TEXT(user_id), DB_INT(now), DB_TEXT(reason) }, 4, revoked);
}

int sessions_store_revoke_all(db *d, arena *a, const char *user_id, const char *except_id,
                              const char *reason, int64_t now, session_id_list *revoked)
{
    db_result *r = NULL;
    int rc = db_exec(
        d, a,
        "UPDATE auth_sessions SET revoked_at = $2, revoked_reason = $3 "
        "WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > $2 "
        "AND (CAST($4 AS TEXT) IS NULL OR id <> $4) RETURNING id",
        (db_param[]){ DB_TEXT(user_id), DB_INT(now), DB_TEXT(reason), DB_TEXT(except_id) }, 4, &r);
    if (rc != IA_OK)
        return rc;
    revoked->n = r != NULL ? r->nrows : 0;
    revoked->items = r != NULL ? r->values : NULL; /* one column: row i is values[i] */
    return IA_OK;
}

int refresh_store_insert(db *d, const char *jti, const char *session_id, const char *parent,
                         int64_t now, int64_t expires_at)
{
    return db_exec(d, NULL,
                   "INSERT INTO refresh_tokens (jti, session_id, parent_jti, created_at, "
                   "expires_at) VALUES ($1, $2, $3, $4, $5)",
                   (db_param[]){ DB_TEXT(jti), DB_TEXT(session_id), DB_TEXT(parent), DB_INT(now),
                                 DB_INT(expires_at) },
                   5, NULL);
}

int refresh_store_use(db *d, const char *jti, const char *session_id, int64_t now,
                      refresh_state *state)
{
    long long n = 0;
    int rc = exec_affected(d,
                           "UPDATE refresh_tokens SET used_at = $3 WHERE jti = $1 "
                           "AND session_id = $2 AND used_at IS NULL",
                           (db_param[]){ DB_TEXT(jti), DB_TEXT(session_id), DB_INT(now) }, 3, &n);
    if (rc != IA_OK)
        return rc;
    if (n == 1) {
        *state = REFRESH_FRESH;
        return IA_OK;
    }
    arena *a = arena_create(4096);
    if (a == NULL)
        return IA_ERR_NOMEM;
    db_result *r = NULL;
    rc = db_query_one(d, a, "SELECT used_at FROM refresh_tokens WHERE jti = $1 AND session_id = $2",
                      (db_param[]){ DB_TEXT(jti), DB_TEXT(session_id) }, 2, &r);
    *state = rc == IA_OK ? REFRESH_USED : REFRESH_UNKNOWN;
    arena_destroy(a);
    return rc == IA_NOT_FOUND ? IA_OK : rc;
}

int revoked_store_add(db *d, const char *jti, const char *user_id, int64_t expires_at)
{
    return db_exec(d, NULL,
                   "INSERT INTO revoked_tokens (jti, user_id, expires_at) VALUES ($1, $2, $3) "
                   "ON CONFLICT (jti) DO NOTHING",
                   (db_param[]){ DB_TEXT(jti), DB_TEXT(user_id), DB_INT(expires_at) }, 3, NULL);
}

int users_store_auth_lookup(db *d, arena *a, const char *user_id, const char *session_id,
                            const char *jti, int64_t now, auth_lookup *out)
{
    static const char sql[] =
        "SELECT " USERS_STORE_COLUMNS
        ", "
        "(SELECT COUNT(*) FROM auth_sessions s WHERE s.id = $2 AND s.user_id = users.id "
        " AND s.revoked_at IS NULL AND s.expires_at > $4), "
        "(SELECT COUNT(*) FROM revoked_tokens r WHERE r.jti = $3) "
        "FROM users WHERE id = $1";
    db_result *r = NULL;
    int rc = db_query_one(
        d, a, sql, (db_param[]){ DB_TEXT(user_id), DB_TEXT(session_id), DB_TEXT(jti), DB_INT(now) },
        4, &r);
    if (rc != IA_OK)
        return rc;
    users_store_from_row(r, 0, 0, &out->user);
    out->session_active = db_get_int(r, 0, 12, 0) > 0;
    out->token_revoked = db_get_int(r, 0, 13, 0) > 0;
    return IA_OK;
}
