/* One database interface, two engines: SQLite (embedded, the default) and PostgreSQL (libpq).
 * A db is one connection, owned by one thread. Statements use $1, $2, ... placeholders on both
 * engines and are always parameterised. Results are copied into the caller's arena, so a
 * result lives exactly as long as the request or task that asked for it.
 *
 * Errors: IA_ERR_CONFLICT for a unique violation, IA_ERR_UNAVAILABLE when the server cannot be
 * reached (the connection is re-established on the next call), IA_ERR_TIMEOUT when a statement
 * passed its time limit, IA_ERR_INTERNAL for anything else (logged with the SQL state). */
#ifndef IA_DB_DB_H
#define IA_DB_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/arena.h"

typedef enum { DB_SQLITE = 1, DB_POSTGRES = 2 } db_engine;

typedef enum { DB_P_NULL, DB_P_TEXT, DB_P_INT, DB_P_REAL, DB_P_BOOL } db_param_type;

typedef struct {
    db_param_type type;
    const char *s;
    long long i;
    double d;
} db_param;

#define DB_NULL ((db_param){ DB_P_NULL, NULL, 0, 0 })
/* Text; a NULL pointer binds SQL NULL. */
static inline db_param db_text(const char *v)
{
    return (db_param){ v ? DB_P_TEXT : DB_P_NULL, v, 0, 0 };
}
#define DB_TEXT(v) db_text(v)
#define DB_INT(v)  ((db_param){ DB_P_INT, NULL, (long long)(v), 0 })
#define DB_REAL(v) ((db_param){ DB_P_REAL, NULL, 0, (double)(v) })
#define DB_BOOL(v) ((db_param){ DB_P_BOOL, NULL, (v) ? 1 : 0, 0 })

#define DB_MAX_PARAMS 32

/* A result: rows of text values (NULL for SQL NULL), copied into an arena. Booleans read as
 * "1"/"0" on both engines, integers and reals as their decimal text. */
typedef struct {
    size_t nrows;
    size_t ncols;
    const char **colnames;
    const char **values; /* nrows * ncols */
    long long affected;  /* rows changed by INSERT/UPDATE/DELETE */
} db_result;

typedef struct db db;

/* Opens a connection for url ("sqlite:///relative.db", "sqlite:////abs.db",
 * "postgresql://user:pass@host:port/db?sslmode=..."). statement_timeout_ms applies to
 * PostgreSQL (0 = none); busy_timeout to SQLite. On failure, err says why (no password). */
int db_open(const char *url, int statement_timeout_ms, db **out, char *err, size_t errlen);
void db_close(db *d);

db_engine db_engine_of(const db *d);

/* Runs a statement; rows it returns are copied into a (may be NULL when none are wanted).
 * out may be NULL. */
int db_exec(db *d, arena *a, const char *sql, const db_param *params, size_t nparams,
            db_result **out);

/* Runs a query expected to return at most one row: IA_OK with *row (ncols values), or
 * IA_NOT_FOUND. */
int db_query_one(db *d, arena *a, const char *sql, const db_param *params, size_t nparams,
                 db_result **out);

/* Runs several statements separated by semicolons, without parameters (migrations). */
int db_exec_script(db *d, const char *sql, char *err, size_t errlen);

int db_begin(db *d);
int db_commit(db *d);
int db_rollback(db *d);

/* A cheap round trip; IA_OK when the server answers. */
int db_ping(db *d);

/* A cheap write that proves the database accepts writes: rewrites the one row of
 * service_health. IA_ERR_UNAVAILABLE when the database is read-only, full or failing (an
 * SQLite connection opened read-only is reopened by the next statement). A read, or a
 * transaction rolled back before it wrote, would not notice a read-only SQLite file. */
int db_check_write(db *d, long long now_ms);

/* Test hook (POST /__test/faults?database=readonly, TEST_ENDPOINTS only): while on, every
 * connection refuses writes the way a read-only database does (SQLite PRAGMA query_only,
 * PostgreSQL default_transaction_read_only), so the real error paths run. */
void db_inject_read_only(bool on);

/* Value accessors on a result. */
const char *db_get(const db_result *r, size_t row, size_t col);
long long db_get_int(const db_result *r, size_t row, size_t col, long long fallback);
double db_get_real(const db_result *r, size_t row, size_t col, double fallback);
bool db_get_bool(const db_result *r, size_t row, size_t col);

/* Runs fn on PostgreSQL only: LISTEN on channel, wait up to timeout_ms for a notification.
 * Returns IA_OK when one arrived, IA_ERR_TIMEOUT otherwise. On SQLite returns
 * IA_ERR_INVALID. */
int db_listen(db *d, const char *channel);
int db_wait_notify(db *d, int timeout_ms);

#endif
